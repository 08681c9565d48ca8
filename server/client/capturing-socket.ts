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

  /** Set while an explicit proxy's CONNECT answer is awaited: writes wait, reads are the proxy's, not TLS. */
  private tunnel: { pending: { chunk: Buffer; callback: (error?: Error | null) => void }[]; head: Buffer } | null = null

  /**
   * @param connectTarget when set (`bank.lab:443`), the client talks to an explicit HTTP proxy: it sends
   *   `CONNECT connectTarget` (RFC 9110 §9.3.6) and starts TLS only once the proxy answers 2xx. The
   *   CONNECT exchange is not captured: it is not part of the TLS connection.
   */
  constructor(host: string, port: number, connectTarget?: string) {
    super()
    this.tcp = connect(port, host)
    if (connectTarget !== undefined) {
      this.tunnel = { pending: [], head: Buffer.alloc(0) }
      this.tcp.once('connect', () => this.tcp.write(`CONNECT ${connectTarget} HTTP/1.1\r\nHost: ${connectTarget}\r\n\r\n`))
    }
    this.tcp.on('data', (chunk: Buffer) => {
      const data = this.tunnel === null ? chunk : this.readTunnelAnswer(chunk)
      if (data === null || data.length === 0) return
      this.capture(this.received, data)
      if (!this.push(data)) this.tcp.pause()
    })
    this.tcp.on('end', () => this.push(null))
    this.tcp.on('error', (error) => this.destroy(error))
    this.tcp.on('close', () => this.destroy())
  }

  /** Consumes the proxy's answer to CONNECT; returns the bytes after it (the server's first TLS bytes), or null while waiting. */
  private readTunnelAnswer(chunk: Buffer): Buffer | null {
    const tunnel = this.tunnel
    if (tunnel === null) return chunk
    tunnel.head = Buffer.concat([tunnel.head, chunk])
    const end = tunnel.head.indexOf('\r\n\r\n')
    if (end < 0) {
      if (tunnel.head.length > 8 * 1024) this.destroy(new Error('The proxy answer to CONNECT exceeds 8 KiB'))
      return null
    }
    const statusLine = tunnel.head.subarray(0, tunnel.head.indexOf('\r\n')).toString('latin1')
    if (!/^HTTP\/1\.[01] 2\d\d/.test(statusLine)) {
      this.destroy(new Error(`The proxy refused CONNECT: ${statusLine}`))
      return null
    }
    this.tunnel = null
    for (const { chunk: pending, callback } of tunnel.pending) this._write(pending, 'binary', callback)
    return tunnel.head.subarray(end + 4)
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
    if (this.tunnel !== null) {
      this.tunnel.pending.push({ chunk, callback })
      return
    }
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
