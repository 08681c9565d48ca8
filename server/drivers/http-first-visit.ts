import type { DriverTarget } from './client-driver.js'

/** What one request of a real client ended with: where it landed (after its own redirects), the status and the page. */
export interface PageFetch {
  /** Null when the client gave up before an HTTP status (TLS refused, connection failed). */
  status: number | null
  /** The URL the client ended on, after following redirects itself (https:// when it upgraded). */
  url: string
  body: string
  /** The client's own error line when status is null, verbatim. */
  error: string | null
  exitCode: number | null
  output: string
}

/** One request as the visit asks it of the client: GETs follow redirects, the login POST does not. */
export interface PageRequest {
  url: string
  method: 'GET' | 'POST'
  /** application/x-www-form-urlencoded body of the login POST. */
  form?: string
}

export type FetchPage = (request: PageRequest) => Promise<PageFetch>

/** Pages between the typed name and the sign-in form (home → "Sign in" → form): a browser-like bound. */
const MAX_PAGES = 4

/**
 * The victim who types `bank.lab` (RFC 6797 §7.2's scenario), played with a
 * real client: GET the plain-HTTP start URL letting the client follow
 * redirects itself (and apply its own HSTS cache), follow the "Sign in" link,
 * then POST the login wherever the form's action says — `http://` when an
 * sslstrip proxy rewrote it. Repeated `target.visits` times; the client keeps
 * its HSTS cache between visits (the caller's FetchPage holds it). Returns the
 * last visit's login answer, or the request that failed.
 *
 * The page is read with the same two patterns the lab's own victim uses
 * (server/client/http-first-client.ts), so both clients walk the same pages.
 */
export async function visitHttpFirst(target: DriverTarget & { startUrl: string }, fetchPage: FetchPage): Promise<PageFetch> {
  let last: PageFetch | null = null
  for (let visit = 0; visit < (target.visits ?? 1); visit++) {
    last = await playVisit(target.startUrl, target.credentials, fetchPage)
    if (last.status === null) return last
  }
  if (last === null) throw new Error('visitHttpFirst: no visit was played')
  return last
}

async function playVisit(startUrl: string, credentials: DriverTarget['credentials'], fetchPage: FetchPage): Promise<PageFetch> {
  let page = await fetchPage({ url: startUrl, method: 'GET' })
  for (let hop = 0; hop < MAX_PAGES && page.status !== null; hop++) {
    const action = /<form[^>]*\baction="([^"]+)"/i.exec(page.body)?.[1]
    if (page.status === 200 && action !== undefined) {
      const form = new URLSearchParams({ username: credentials.username, password: credentials.password }).toString()
      return fetchPage({ url: new URL(action, page.url).href, method: 'POST', form })
    }
    const signIn = /<a[^>]*\bhref="([^"]*\/login[^"]*)"/i.exec(page.body)?.[1]
    if (page.status !== 200 || signIn === undefined) break
    page = await fetchPage({ url: new URL(signIn, page.url).href, method: 'GET' })
  }
  // No sign-in form reached: the client got pages but never posted the login.
  return page.status === null ? page : { ...page, status: null, error: page.error ?? `no sign-in form reached from ${startUrl} (last page ${page.url}, HTTP ${page.status})` }
}

/** An HSTS policy a client is told it already holds: as long as the preload lists of RFC 6797 §12.3 last. */
export const PRELOADED_UNTIL = new Date('2099-12-31T00:00:00Z')
