import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls'

/** The native half of a SecureContext (node lib/internal/tls/secure-context.js calls these). */
interface NativeContext {
  setCert(pem: string): void
}

/**
 * Ready-made TLS server contexts that already hold the shared leaf key and the
 * CA, so that a new host only costs `setCert(leaf)`.
 *
 * Why: with OpenSSL 3 (Node 20), `tls.createSecureContext` with a key and a
 * two-certificate chain costs ~1.5-2 ms on this class of CPU, because each PEM
 * goes through OpenSSL's provider-based decoders (SSL_CTX_new itself is ~0.2 ms,
 * the private key ~0.55 ms, each certificate ~0.45 ms). Parsing the
 * host-independent parts ahead of time, off the connection's path, leaves
 * ~0.45 ms per forged host. OpenSSL completes the chain from the context's
 * store when it sends the Certificate message (ssl_add_cert_chain, because no
 * extra chain certificate is set), so the client still receives leaf + CA.
 * Where the native method is missing (another runtime), it falls back to a
 * fresh context per host.
 */
export class SecureContextPool {
  private readonly ready: SecureContext[] = []
  private isRefillScheduled = false

  constructor(
    private readonly base: SecureContextOptions & { key: string; caPems: string[] },
    private readonly target = 4,
  ) {
    this.refillNow(1)
  }

  /** A context serving `leafPem` (+ the CA chain) with the shared key. */
  contextFor(leafPem: string): SecureContext {
    const context = this.ready.pop() ?? this.blank()
    const native = (context as { context?: Partial<NativeContext> }).context
    this.scheduleRefill()
    if (typeof native?.setCert !== 'function') {
      return createSecureContext({ ...this.withoutCa(), cert: leafPem + this.base.caPems.join('') })
    }
    native.setCert(leafPem)
    return context
  }

  private blank(): SecureContext {
    // `ca` puts the CA in the context's store: never used to verify clients (no requestCert), only to build the chain.
    return createSecureContext({ ...this.withoutCa(), ca: this.base.caPems })
  }

  private withoutCa(): SecureContextOptions {
    const { caPems: _caPems, ...options } = this.base
    return options
  }

  private scheduleRefill(): void {
    if (this.isRefillScheduled) return
    this.isRefillScheduled = true
    // One context per turn of the event loop, so a refill never delays a waiting connection by more than ~1 ms.
    setImmediate(() => {
      this.isRefillScheduled = false
      this.refillNow(1)
      if (this.ready.length < this.target) this.scheduleRefill()
    })
  }

  private refillNow(count: number): void {
    for (let i = 0; i < count && this.ready.length < this.target; i++) this.ready.push(this.blank())
  }
}
