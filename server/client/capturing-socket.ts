import { connect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'

/** Bounded: a handshake plus one login exchange is a few KiB; attackers may send more. */
const MAX_CAPTURE_BYTES = 1024 * 1024

/**
 * A TCP connection that records the bytes in each direction, for
 * `decodeConnection`. tls.connect({ socket }) reads and writes through it, so
 * the client sees exactly the records the network carried — including TLS
 * 1.3's encrypted Certificate message, which the key log then opens.
 */
export class CapturingSocket extends Duplex {
  readonly sent: Buffer[] = []
  readonly received: Buffer[] = []
  /** Both directions in the order they crossed the socket, for a packet capture. */
  readonly segments: { from: 'client' | 'server'; data: Buffer }[] = []
  private capturedBytes = 0
  private readonly tcp: Socket

  constructor(host: string, port: number) {
    super()
    this.tcp = connect(port, host)
    this.tcp.on('data', (chunk: Buffer) => {
      this.capture(this.received, chunk)
      if (!this.push(chunk)) this.tcp.pause()
    })
    this.tcp.on('end', () => this.push(null))
    this.tcp.on('error', (error) => this.destroy(error))
    this.tcp.on('close', () => this.destroy())
  }

  get clientToServer(): Buffer {
    return Buffer.concat(this.sent)
  }

  get serverToClient(): Buffer {
    return Buffer.concat(this.received)
  }

  override _read(): void {
    this.tcp.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.capture(this.sent, chunk)
    this.tcp.write(chunk, callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.tcp.end(callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.tcp.destroy()
    callback(error)
  }

  private capture(into: Buffer[], chunk: Buffer): void {
    if (this.capturedBytes >= MAX_CAPTURE_BYTES) return
    into.push(chunk)
    this.segments.push({ from: into === this.sent ? 'client' : 'server', data: chunk })
    this.capturedBytes += chunk.length
  }
}
