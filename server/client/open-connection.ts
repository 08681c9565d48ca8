import { isIP } from 'node:net'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { decodeConnection } from '../tls/handshake/decode-connection.js'
import type { HandshakeTranscript } from '../tls/handshake/transcript-types.js'
import { KeylogRecorder } from '../tls/keylog/keylog-recorder.js'
import { CapturingSocket } from './capturing-socket.js'
import type { ClientReport } from './client-report.js'
import type { RunInstrumentedClientParams } from './instrumented-client.js'
import type { ProtocolPolicy } from './protocol-policy.js'

/** What the open socket did after the handshake: its first TLS error and whether the server ended the stream. */
class AfterHandshake {
  error: { code: string; message: string } | null = null
  ended = false
  private readonly done: Promise<void>
  constructor(socket: TLSSocket) {
    this.done = new Promise((resolve) => {
      socket.on('error', (error: NodeJS.ErrnoException) => {
        this.error ??= { code: error.code ?? 'TLS_ERROR', message: error.message }
        resolve()
      })
      socket.once('end', () => {
        this.ended = true
        resolve()
      })
      socket.once('close', () => resolve())
    })
  }
  /** Resolves on end, error or close, or after waitMs. */
  async whenEnded(waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
  }
}

export interface OpenedConnection {
  socket: TLSSocket | null
  /** The handshake as the network carried it, decrypted with the client's key log. */
  transcript: HandshakeTranscript
  /** Read at the end, so the login exchange is on the wire too. */
  readWire: () => ClientReport['wire']
  error: { code: string; message: string } | null
  node: ClientReport['node']
  /** The OCSP response the server stapled (RFC 6066 §8), if any. */
  staple: () => Buffer | null
  /** Decodes both directions as captured now (after the login: with its records and close_notify). */
  decode: () => HandshakeTranscript
  afterHandshake: AfterHandshake
}

export function openConnection(params: RunInstrumentedClientParams, protocol: ProtocolPolicy, timeoutMs: number): Promise<OpenedConnection> {
  return new Promise((resolve) => {
    const capture = new CapturingSocket(params.connectTo.host, params.connectTo.port, params.policy.explicitProxy === true ? `${params.expectedHost}:443` : undefined)
    const keylog = new KeylogRecorder()
    // requestOCSP is a TLSSocket option that tls.connect passes through (RFC 6066 §8 status_request).
    const options: ConnectionOptions & { requestOCSP: boolean } = {
      socket: capture,
      // RFC 6066 §3: SNI carries DNS names only. For an IP, no SNI; `host` (unused for connecting:
      // the socket is given) is what Node's own identity check compares against.
      ...(isIP(params.expectedHost) === 0 ? { servername: params.expectedHost } : { host: params.expectedHost }),
      ca: params.policy.trustAnchors.map(derToPem),
      // Verification is ours (step by step); Node's verdict is read from `authorized` for comparison.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      minVersion: params.policy.offerMinVersion ?? protocol.minVersion,
      ...(params.policy.offerMaxVersion === undefined ? {} : { maxVersion: params.policy.offerMaxVersion }),
      ...(params.policy.ciphers === undefined ? {} : { ciphers: params.policy.ciphers }),
      // Ask for a stapled OCSP response whenever the client checks revocation.
      requestOCSP: (params.policy.revocation?.mode ?? 'none') !== 'none',
    }
    const socket = connect(options)
    let staple: Buffer | null = null
    // Node emits null when the server stapled nothing.
    socket.on('OCSPResponse', (response: Buffer | null) => {
      staple = response !== null && response.length > 0 ? response : null
    })
    keylog.attach(socket)
    const timer = setTimeout(() => socket.destroy(new Error(`No TLS handshake within ${timeoutMs} ms`)), timeoutMs)
    const decode = (): HandshakeTranscript => decodeConnection({ clientToServer: capture.clientToServer, serverToClient: capture.serverToClient, keylog: keylog.text })
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      socket.off('error', onError)
      const afterHandshake = new AfterHandshake(socket)
      const error = socket.authorizationError
      resolve({
        socket,
        transcript: decode(),
        decode,
        afterHandshake,
        readWire: () => wireOf(capture, keylog),
        error: null,
        node: { authorized: socket.authorized, error: error === null || error === undefined ? null : String(error) },
        staple: () => staple,
      })
    })
    const onError = (error: NodeJS.ErrnoException): void => {
      clearTimeout(timer)
      const code = error.code ?? 'TLS_ERROR'
      resolve({
        socket: null,
        transcript: decode(),
        decode,
        afterHandshake: new AfterHandshake(socket),
        readWire: () => wireOf(capture, keylog),
        error: { code, message: error.message },
        node: { authorized: false, error: code },
        staple: () => null,
      })
    }
    socket.once('error', onError)
  })
}

/** The bytes on the wire up to the verdict, and the secrets that open them (SSLKEYLOGFILE format). */
function wireOf(capture: CapturingSocket, keylog: KeylogRecorder): ClientReport['wire'] {
  return {
    segments: capture.segments.map((segment) => ({ from: segment.from, base64: segment.data.toString('base64') })),
    keyLog: keylog.text,
  }
}

function derToPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`
}
