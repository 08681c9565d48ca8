import type { ProbeRoute } from './client-probe.js'

/** One upstream as the product must reach it. */
export interface UpstreamAddress {
  defectId: string
  /** `<defect>.upstream.lab` */
  host: string
  /** Where it really listens: 127.0.0.1 and this port. */
  port: number
}

export interface ProductStartParams {
  /** A fresh, empty directory for this install's state (its CA, databases, logs). */
  stateDir: string
  upstreams: UpstreamAddress[]
  /** PEM file of the upstream trust anchor: the lab's public root, as a product trusts the public roots. */
  upstreamRootFile: string
}

/** A running install of the product under test. */
export interface ProductInstance {
  /** The CA the product forges with: the only anchor the lab's client trusts. */
  caCertDer: Buffer
  /** How the lab's client reaches `upstream` through this install. */
  routeFor(upstream: UpstreamAddress): ProbeRoute
  /** The product's own log, kept for a failed start or an unexpected verdict. */
  logTail(): string
  stop(): Promise<void>
}

/**
 * An interception product under test. `generatesOwnCa`: whether the product
 * makes its CA itself (mitmproxy) — then two installs are compared for a
 * shared root key; when the lab hands it a CA (squid, sslsplit need one
 * configured) the question does not arise and is reported as not applicable.
 */
export interface ProductUnderTest {
  id: string
  description: string
  /** The `mitmlab grade-proxy` invocation that reproduces this card. */
  reproduce: string
  generatesOwnCa: boolean
  /** null when it can run here; otherwise why not (the executable `which` did not find). */
  unavailableReason(): string | null
  start(params: ProductStartParams): Promise<ProductInstance>
}
