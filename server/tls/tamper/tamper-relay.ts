import { once } from 'node:events'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { RecordSplitter } from '../records/record-splitter.js'
import type { RecordError } from '../records/record-types.js'
import type { Direction } from '../handshake/transcript-types.js'
import { RecordPhaseTracker } from './record-phase.js'
import { strategyFromSpec } from './strategy-from-spec.js'
import type { TamperSpec, TamperStrategy } from './tamper-strategy.js'

export interface TamperRelayOptions {
  upstream: { host: string; port: number }
  /** Default: faithful relaying. */
  tamper?: TamperSpec | (() => TamperStrategy)
  /** A leg silent this long is closed, so a stuck peer cannot hold the relay. Default 30 s. */
  idleTimeoutMs?: number
}

/** Capture limit per stream; beyond it bytes are relayed but not kept. */
const MAX_CAPTURE = 4 * 1024 * 1024

/** The bytes one side of a leg carried, kept up to MAX_CAPTURE. */
export class ByteCapture {
  private readonly chunks: Buffer[] = []
  private size = 0
  add(chunk: Buffer): void {
    if (this.size + chunk.length > MAX_CAPTURE) return
    this.chunks.push(chunk)
    this.size += chunk.length
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

/** One relayed TCP connection: its two legs' bytes and what the strategy did. */
export class RelayedConnection {
  /** Client leg: what the client sent / received. Feed these to decodeConnection with the client's key log. */
  readonly fromClient = new ByteCapture()
  readonly toClient = new ByteCapture()
  /** Server leg: what the server received / sent. */
  readonly toServer = new ByteCapture()
  readonly fromServer = new ByteCapture()
  readonly notes: string[] = []
  framingError: RecordError | undefined
  readonly closed: Promise<void>
  private markClosed: () => void = () => undefined

  constructor(readonly id: number) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve))
  }

  clientLeg(): { clientToServer: Buffer; serverToClient: Buffer } {
    return { clientToServer: this.fromClient.bytes, serverToClient: this.toClient.bytes }
  }

  serverLeg(): { clientToServer: Buffer; serverToClient: Buffer } {
    return { clientToServer: this.toServer.bytes, serverToClient: this.fromServer.bytes }
  }

  /** @internal */
  finish(): void {
    this.markClosed()
  }
}

export interface TamperRelay {
  host: string
  port: number
  readonly connections: readonly RelayedConnection[]
  close(): Promise<void>
}

/**
 * A non-terminating TCP relay on 127.0.0.1:0 that forwards TLS record by
 * record and lets a strategy edit, hold, inject or drop records. It never
 * holds a key: whatever it does must be caught by the endpoints' own checks.
 * Bytes that cannot be framed as records are passed through untouched.
 */
export async function createTamperRelay(options: TamperRelayOptions): Promise<TamperRelay> {
  const connections: RelayedConnection[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true })
    const tamper = options.tamper ?? { kind: 'faithful' }
    const strategy = typeof tamper === 'function' ? tamper() : strategyFromSpec(tamper)
    const connection = new RelayedConnection(connections.length)
    connections.push(connection)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.setTimeout(options.idleTimeoutMs ?? 30_000, () => {
        connection.notes.push('idle timeout: both legs closed')
        client.destroy()
        upstream.destroy()
      })
    }
    relayConnection(client, upstream, strategy, connection)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function relayConnection(client: net.Socket, upstream: net.Socket, strategy: TamperStrategy, connection: RelayedConnection): void {
  const phases = new RecordPhaseTracker()
  let cut = false
  let closedCount = 0
  const onClosed = (): void => {
    if (++closedCount === 2) connection.finish()
  }
  client.on('close', onClosed)
  upstream.on('close', onClosed)
  const pipe = (direction: Direction, source: net.Socket, destination: net.Socket, seen: ByteCapture, sent: ByteCapture): void => {
    const splitter = new RecordSplitter()
    let index = 0
    const send = (bytes: Buffer): void => {
      sent.add(bytes)
      if (!destination.destroyed && destination.writable) destination.write(bytes)
    }
    source.on('data', (chunk: Buffer) => {
      seen.add(chunk)
      if (cut) return
      if (splitter.error) {
        send(chunk)
        return
      }
      const { records, error } = splitter.push(chunk)
      for (const record of records) {
        const decision = strategy.onRecord(record, { direction, index: index++, applicationIndex: phases.classify(direction, record) })
        if (decision.note) connection.notes.push(decision.note)
        decision.forward.forEach(send)
        if (decision.closeBoth) {
          cut = true
          client.end()
          upstream.end()
          return
        }
      }
      if (error) {
        // Not TLS any more (or never was): relay the unframed rest verbatim.
        connection.framingError = error
        connection.notes.push(`framing lost in ${direction}: ${error.message}; relaying raw bytes`)
        send(splitter.drainBuffered())
      }
    })
    source.on('end', () => {
      if (!cut) {
        strategy.flush(direction).forEach(send)
        // A record cut short by the sender still goes on: the relay does not repair streams.
        if (splitter.bufferedLength > 0) send(splitter.drainBuffered())
      }
      destination.end()
    })
    source.on('error', () => destination.destroy())
  }
  pipe('clientToServer', client, upstream, connection.fromClient, connection.toServer)
  pipe('serverToClient', upstream, client, connection.fromServer, connection.toClient)
}
