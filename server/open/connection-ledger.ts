/** How a visitor's connection entered the lab. */
export type EntryVia = 'connect' | 'http-proxy' | 'sni'

/** One visitor connection as the entry port saw it, before it was handed to a scenario's server. */
export interface EntryConnection {
  id: number
  at: string
  via: EntryVia
  clientAddress: string
  /** The lab name asked for (CONNECT authority, absolute URI host, or SNI). */
  name: string
  /** The User-Agent of the CONNECT or proxy request; null on the SNI port (the request inside is encrypted). */
  userAgent: string | null
  ja3: string | null
  ja4: string | null
  /** The local port of the lab's connection to the scenario's server: how that server's request is tied back here. */
  upstreamLocalPort: number | null
}

/**
 * The last connections the entry port handed on, by the local port of the
 * onward connection: the bank's self-test site sees its request arrive from
 * 127.0.0.1:<that port> and asks here who the visitor really is (address,
 * ClientHello fingerprint). Bounded: the oldest entries go first.
 */
export class ConnectionLedger {
  private readonly byLocalPort = new Map<number, EntryConnection>()
  private nextId = 1

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<EntryConnection, 'id' | 'at'>): EntryConnection {
    const full: EntryConnection = { ...entry, id: this.nextId++, at: new Date().toISOString() }
    if (full.upstreamLocalPort !== null) {
      this.byLocalPort.delete(full.upstreamLocalPort)
      this.byLocalPort.set(full.upstreamLocalPort, full)
      if (this.byLocalPort.size > this.capacity) {
        const oldest = this.byLocalPort.keys().next().value
        if (oldest !== undefined) this.byLocalPort.delete(oldest)
      }
    }
    return full
  }

  /** The entry whose onward connection left from this local port (the remote port the scenario server sees). */
  byOnwardPort(port: number | undefined): EntryConnection | null {
    return port === undefined ? null : (this.byLocalPort.get(port) ?? null)
  }
}
