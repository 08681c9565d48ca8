import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { createSecureContext, createServer as createTlsServer, type SecureContext, type TLSSocket } from 'node:tls'
import { LabError } from '../errors.js'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { readClientHello } from '../tls/client-hello/read-client-hello.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import { ianaGroupName } from '../tls/key-exchange-group.js'
import { probeServerGroup } from '../tls/server-group-probe.js'
import type { DefectServerSpec } from './upstream-defects.js'

const HELLO_TIMEOUT_MS = 5_000
const MAX_REQUEST_HEAD = 8 * 1024

/** One connection the product (or the lab's client, for the baseline) opened to an upstream. */
export interface UpstreamConnection {
  /** The ClientHello as it reached the upstream, or null when it was not one (garbage, timeout). */
  hello: ClientHello | null
  /** Whether the TLS handshake completed. */
  handshake: 'completed' | 'failed' | 'pending'
  /** OpenSSL's error when the handshake failed (e.g. the product's alert, or no shared cipher). */
  error: string | null
  protocol: string | null
  cipher: string | null
  /** The key-exchange group of this leg (IANA name), as OpenSSL chose it for the recorded hello (server-group-probe.ts). */
  group: string | null
  /** Whether an HTTP request arrived and was answered with the marker. */
  answered: boolean
}

export interface DefectServer {
  spec: DefectServerSpec
  host: string
  port: number
  /** The body every answered request gets: the client's proof it reached this upstream. */
  marker: string
  connections: UpstreamConnection[]
  close(): Promise<void>
}

/**
 * One upstream for one defect on 127.0.0.1 port 0: a TLS server serving the
 * defect's chain with its version and cipher limits, a ClientHello reader in
 * front (so the product's upstream hello is recorded even when the handshake
 * then fails), and a one-line HTTP answer naming the defect.
 */
export async function startDefectServer(spec: DefectServerSpec): Promise<DefectServer> {
  const connections: UpstreamConnection[] = []
  const marker = `mitmlab-upstream ${spec.defect.id}`
  const byPort = new Map<number, UpstreamConnection>()
  const helloBytes = new Map<UpstreamConnection, Buffer>()
  const contextOptions = {
    key: spec.privateKeyPem,
    cert: spec.certificateChainPem,
    ...(spec.tls.minVersion === undefined ? {} : { minVersion: spec.tls.minVersion }),
    ...(spec.tls.maxVersion === undefined ? {} : { maxVersion: spec.tls.maxVersion }),
    ...(spec.tls.ciphers === undefined ? {} : { ciphers: spec.tls.ciphers }),
  }
  // The server's own context and a twin with the same options for the group probe (tls.createServer takes
  // context options, not a SecureContext): the same configuration makes OpenSSL's choice the same.
  let secureContext: SecureContext
  try {
    secureContext = createSecureContext(contextOptions)
  } catch (cause) {
    throw new LabError('SERVER_START_FAILED', `The ${spec.defect.id} upstream cannot be served by this OpenSSL: ${(cause as Error).message}`, { cause })
  }
  const tlsServer = createTlsServer({ ...contextOptions, ALPNProtocols: ['http/1.1'] })
  tlsServer.on('tlsClientError', (error: Error, socket: TLSSocket) => {
    const record = byPort.get(socket.remotePort ?? -1)
    if (record !== undefined && record.handshake === 'pending') {
      record.handshake = 'failed'
      // A peer that closes or alerts mid-handshake can leave OpenSSL's message empty; the code still says what happened.
      record.error = error.message !== '' ? error.message : ((error as NodeJS.ErrnoException).code ?? 'closed by the peer during the handshake')
    }
  })
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    const record = byPort.get(socket.remotePort ?? -1)
    if (record !== undefined) {
      record.handshake = 'completed'
      record.protocol = socket.getProtocol()
      record.cipher = socket.getCipher().standardName
      const bytes = helloBytes.get(record)
      if (bytes !== undefined) {
        void probeServerGroup(bytes, secureContext).then((group) => {
          record.group = group === null ? null : ianaGroupName(group)
        })
      }
    }
    socket.on('error', () => socket.destroy())
    socket.setTimeout(10_000, () => socket.destroy())
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (head.length > MAX_REQUEST_HEAD) socket.destroy()
      if (!head.includes('\r\n\r\n')) return
      if (record !== undefined) record.answered = true
      head = ''
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${marker.length}\r\n\r\n${marker}`)
    })
  })
  const sockets = new Set<Socket>()
  const front = createNetServer((socket) => {
    const record: UpstreamConnection = { hello: null, handshake: 'pending', error: null, protocol: null, cipher: null, group: null, answered: false }
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      // A peer that aborts a TLS 1.3 handshake after reading the certificate (its alert arrives while the server
      // waits for Finished) closes without Node emitting tlsClientError: the close is the evidence.
      if (record.handshake === 'pending') {
        record.handshake = 'failed'
        record.error = 'the peer closed the connection before completing the handshake'
      }
    })
    socket.on('error', () => socket.destroy())
    connections.push(record)
    byPort.set(socket.remotePort ?? -1, record)
    void readClientHello(socket, { timeoutMs: HELLO_TIMEOUT_MS }).then(({ hello, bytes }) => {
      if (hello.ok) {
        record.hello = hello.hello
        helloBytes.set(record, bytes)
      } else {
        record.handshake = 'failed'
        record.error = `not a ClientHello (${hello.code})`
      }
      if (!socket.destroyed) socket.unshift(bytes)
      tlsServer.emit('connection', socket)
    })
  })
  await listen(front, '127.0.0.1', 0)
  const { port } = front.address() as AddressInfo
  return {
    spec,
    host: '127.0.0.1',
    port,
    marker,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(front)
    },
  }
}
