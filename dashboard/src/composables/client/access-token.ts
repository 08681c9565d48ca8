/**
 * The access token of a server bound beyond loopback (issue 10). It arrives
 * once in the page URL (`?token=`), is kept for this tab only
 * (sessionStorage), and is removed from the address bar so it is not shared
 * with a copied link.
 */
const STORAGE_KEY = 'mitmlab:token'

export function readAccessToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null) {
    window.sessionStorage.setItem(STORAGE_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.toString())
    return fromUrl
  }
  return window.sessionStorage.getItem(STORAGE_KEY)
}
