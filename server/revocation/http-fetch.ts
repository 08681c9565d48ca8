import { request } from 'node:http'

const MAX_RESPONSE_BYTES = 1024 * 1024

export type FetchOutcome = { ok: true; status: number; contentType: string | null; body: Buffer } | { ok: false; reason: string }

/**
 * One plain-HTTP request, as a TLS client fetches OCSP and CRLs (RFC 6960
 * Appendix A, RFC 5280 §4.2.1.13 both use http://). Bounded in time and
 * size; a refused, reset or silent server is a value.
 */
export function fetchOverHttp(url: string, options: { method: 'GET' | 'POST'; body?: Buffer; contentType?: string; timeoutMs: number }): Promise<FetchOutcome> {
  return new Promise((resolve) => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      resolve({ ok: false, reason: `not a URL: ${url}` })
      return
    }
    if (parsed.protocol !== 'http:') {
      resolve({ ok: false, reason: `only http:// is fetched, not ${parsed.protocol}` })
      return
    }
    const outgoing = request(
      {
        host: parsed.hostname,
        port: parsed.port === '' ? 80 : Number(parsed.port),
        path: `${parsed.pathname}${parsed.search}`,
        method: options.method,
        headers: {
          ...(options.contentType === undefined ? {} : { 'Content-Type': options.contentType }),
          ...(options.body === undefined ? {} : { 'Content-Length': String(options.body.length) }),
        },
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) outgoing.destroy(new Error('response larger than 1 MiB'))
          else chunks.push(chunk)
        })
        response.once('end', () =>
          resolve({ ok: true, status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? null, body: Buffer.concat(chunks) }),
        )
        response.once('error', (error) => resolve({ ok: false, reason: error.message }))
      },
    )
    outgoing.once('timeout', () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)))
    outgoing.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: error.code ?? error.message }))
    outgoing.end(options.body)
  })
}
