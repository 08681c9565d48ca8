import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { keyIdentifier, type IssuedCertificate } from '../../ca/index.js'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { issueCrl, type RevokedEntry } from './issue-crl.js'
import { decodeOcspRequest, encodeOcspFailure, encodeOcspResponse, type OcspCertStatus } from './ocsp-messages.js'

const MAX_REQUEST_BYTES = 64 * 1024
const HOUR_MS = 3_600_000

export interface StartRevocationServerParams {
  /** The CA whose certificates this server answers for; it signs the CRL and the OCSP responses. */
  issuer: IssuedCertificate
  revoked: RevokedEntry[]
  /** The responder's clock. Default: the wall clock. */
  now?: () => Date
  /** Default: 127.0.0.1. */
  host?: string
}

export interface RevocationServer {
  /** For the AIA extension (RFC 5280 §4.2.2.1). */
  ocspUrl: string
  /** For the CRL distribution points extension (RFC 5280 §4.2.1.13). */
  crlUrl: string
  /** Every request it answered, in order. */
  requests: { kind: 'ocsp' | 'crl'; serials: string[]; answered: string }[]
  close(): Promise<void>
}

/**
 * The lab CA's revocation services over plain HTTP, as real CAs run them:
 * a CRL at /crl (RFC 5280 §5) and an OCSP responder (RFC 6960) taking POST
 * and the Appendix A.1 GET form. Serials the CA does not know are answered
 * `unknown`; an unreadable request gets `malformedRequest`.
 */
export async function startRevocationServer(params: StartRevocationServerParams): Promise<RevocationServer> {
  const now = params.now ?? ((): Date => new Date())
  const host = params.host ?? '127.0.0.1'
  const requests: RevocationServer['requests'] = []
  const issuerKeyHash = keyIdentifier(params.issuer.key.spkiDer)
  const revokedBySerial = new Map(params.revoked.map((entry) => [entry.serialHex.toLowerCase(), entry]))

  const statusOf = (serialHex: string, keyHash: Buffer): OcspCertStatus => {
    if (!keyHash.equals(issuerKeyHash)) return { kind: 'unknown' }
    const entry = revokedBySerial.get(serialHex.toLowerCase())
    return entry === undefined ? { kind: 'good' } : { kind: 'revoked', revokedAt: entry.revokedAt, reason: entry.reason ?? 1 }
  }

  const answerOcsp = (der: Uint8Array, response: ServerResponse): void => {
    const request = decodeOcspRequest(der)
    response.setHeader('Content-Type', 'application/ocsp-response')
    if (!request.ok) {
      requests.push({ kind: 'ocsp', serials: [], answered: 'malformedRequest' })
      response.end(encodeOcspFailure('malformedRequest'))
      return
    }
    const at = now()
    const answers = request.certIds.map((certId) => ({
      certId,
      status: statusOf(certId.serialHex, certId.issuerKeyHash),
      thisUpdate: new Date(at.getTime() - HOUR_MS),
      nextUpdate: new Date(at.getTime() + 24 * HOUR_MS),
    }))
    requests.push({ kind: 'ocsp', serials: request.certIds.map((c) => c.serialHex), answered: answers.map((a) => a.status.kind).join(',') })
    response.end(encodeOcspResponse({ responder: params.issuer, producedAt: at, answers, nonce: request.nonce }))
  }

  const server: Server = createServer((request, response) => {
    void route(request, response).catch(() => {
      if (!response.headersSent) response.statusCode = 500
      response.end()
    })
  })
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://lab').pathname
    if (request.method === 'GET' && path === '/crl') {
      const at = now()
      requests.push({ kind: 'crl', serials: [...revokedBySerial.keys()], answered: 'crl' })
      response.setHeader('Content-Type', 'application/pkix-crl')
      response.end(
        issueCrl({ issuer: params.issuer, revoked: params.revoked, thisUpdate: new Date(at.getTime() - HOUR_MS), nextUpdate: new Date(at.getTime() + 24 * HOUR_MS), crlNumber: 1 }),
      )
      return
    }
    if (request.method === 'POST' && path === '/ocsp') {
      answerOcsp(await readBody(request), response)
      return
    }
    // RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}.
    if (request.method === 'GET' && path.startsWith('/ocsp/')) {
      answerOcsp(Buffer.from(decodeURIComponent(path.slice('/ocsp/'.length)), 'base64'), response)
      return
    }
    response.statusCode = 404
    response.end()
  }
  server.on('clientError', (_error, socket) => socket.destroy())
  await listen(server, host, 0)
  const base = `http://${host}:${(server.address() as AddressInfo).port}`
  return { ocspUrl: `${base}/ocsp`, crlUrl: `${base}/crl`, requests, close: () => closeServer(server) }
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_REQUEST_BYTES) request.destroy(new Error('request body too large'))
      else chunks.push(chunk)
    })
    request.once('end', () => resolve(Buffer.concat(chunks)))
    request.once('error', reject)
  })
}
