import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls'

/** The native half of a SecureContext (node lib/internal/tls/secure-context.js calls these). */
interface NativeContext {
  setCert(pem: string): void
}

export interface SecureContextPoolParams extends SecureContextOptions {
  /** The shared leaf key, PEM. */
  key: string
  /** The certificates sent after the leaf (the issuing CA), PEM, in order. */
  chainPems: string[]
  /** A leaf for `key`, so that a blank context is complete; replaced per host. */
  placeholderLeafPem: string
}

/**
 * Ready-made TLS server contexts that already hold the shared leaf key and
 * the chain, so that a new host only costs `setCert(leaf)`.
 *
 * Why: with OpenSSL 3 (Node 20), `tls.createSecureContext` with a key and a
 * two-certificate chain costs ~0.8 ms on this class of CPU, because each PEM
 * goes through OpenSSL's provider-based decoders (SSL_CTX_new ~0.17 ms, the
 * private key ~0.35 ms, each certificate ~0.25 ms; measured). Parsing the
 * host-independent parts ahead of time, off the connection's path, leaves one
 * certificate parse per forged host.
 *
 * The chain is set explicitly (SSL_CTX_add1_chain_cert, through Node's
 * `cert: leaf + chain`), never left to OpenSSL's auto-chain: auto-chaining
 * builds and verifies the chain from the context's store on every handshake
 * (ssl_add_cert_chain → X509_verify_cert), 0.12 ms of CPU per connection
 * (measured). Replacing the leaf with `setCert` keeps the chain: OpenSSL holds
 * it per key type (CERT_PKEY.chain), and SSL_CTX_use_certificate only swaps
 * the certificate. The trust anchor itself is not sent (RFC 8446 §4.4.2: the
 * client that trusts it has it). Where the native method is missing (another
 * runtime), it falls back to a fresh context per host.
 */
export class SecureContextPool {
  private readonly ready: SecureContext[] = []
  private isRefillScheduled = false

  constructor(
    private readonly params: SecureContextPoolParams,
    private readonly target = 4,
  ) {
    this.refillNow(1)
  }

  /** A context serving `leafPem` (+ the chain) with the shared key. */
  contextFor(leafPem: string): SecureContext {
    const context = this.ready.pop() ?? this.blank()
    const native = (context as { context?: Partial<NativeContext> }).context
    this.scheduleRefill()
    if (typeof native?.setCert !== 'function') return this.create(leafPem)
    native.setCert(leafPem)
    return context
  }

  private blank(): SecureContext {
    return this.create(this.params.placeholderLeafPem)
  }

  private create(leafPem: string): SecureContext {
    const { chainPems, placeholderLeafPem: _placeholder, ...options } = this.params
    return createSecureContext({ ...options, cert: leafPem + chainPems.join('') })
  }

  private scheduleRefill(): void {
    if (this.isRefillScheduled) return
    this.isRefillScheduled = true
    // One context per turn of the event loop, after the current connection's first flight went
    // out: the refill overlaps the client's own work on that flight (chain verification).
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
