import { DOWNLOAD_PATHS, TOKEN_HEADER, type DownloadDto, type DownloadsDto } from '@contract'
import { readAccessToken } from '../../composables/client/access-token.js'

export type DownloadsReply = { ok: true; value: DownloadsDto } | { ok: false; message: string }

/**
 * The download routes (server/api/download-routes.ts). A plain link cannot
 * carry the API token header, so a file is fetched with it and handed to the
 * browser as a blob under the name the server gave (Content-Disposition).
 */
export function createDownloadsApi(token: string | null = readAccessToken()): {
  list(runId: string, scenarioId: string, clientId: string): Promise<DownloadsReply>
  save(download: DownloadDto): Promise<string | null>
} {
  const headers: Record<string, string> = token === null ? {} : { [TOKEN_HEADER]: token }
  return {
    list: async (runId, scenarioId, clientId) => {
      try {
        const query = new URLSearchParams({ scenario: scenarioId, client: clientId })
        const response = await window.fetch(`${DOWNLOAD_PATHS.list(runId)}?${query.toString()}`, { headers })
        const json = (await response.json()) as unknown
        if (response.status === 200) return { ok: true, value: json as DownloadsDto }
        const message = (json as { message?: unknown }).message
        return { ok: false, message: typeof message === 'string' ? message : `HTTP ${response.status}` }
      } catch (error) {
        return { ok: false, message: `The lab server did not answer: ${(error as Error).message}` }
      }
    },
    /** Returns null once the browser has the file, or the reason it could not. */
    save: async (download) => {
      if (download.path === null) return download.unavailable
      try {
        const response = await window.fetch(download.path, { headers })
        if (response.status !== 200) {
          const json = (await response.json().catch(() => ({}))) as { message?: unknown }
          return typeof json.message === 'string' ? json.message : `HTTP ${response.status}`
        }
        const url = URL.createObjectURL(await response.blob())
        const link = document.createElement('a')
        link.href = url
        link.download = download.filename
        document.body.append(link)
        link.click()
        link.remove()
        setTimeout(() => URL.revokeObjectURL(url), 10_000)
        return null
      } catch (error) {
        return `The lab server did not answer: ${(error as Error).message}`
      }
    },
  }
}
