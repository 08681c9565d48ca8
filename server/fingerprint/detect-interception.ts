import type { ClientHello } from '../tls/client-hello/types.js'
import { findClaimedEntry, loadCatalog, type Catalog, type ClientClaim } from './catalog.js'
import { compareHellos, type HelloDifference, type HelloFingerprint } from './compare-hellos.js'
import { findDowngrades, type Downgrade } from './find-downgrades.js'
import { computeJa3 } from './ja3.js'
import { computeJa4 } from './ja4.js'

export type InterceptionVerdict = 'match' | 'intercepted' | 'unknown-client'

export interface InterceptionDetection {
  /** match: the hello is the claimed client's; intercepted: it is not; unknown-client: no catalog entry for the claim. */
  verdict: InterceptionVerdict
  /** The claim as received: the client id, else the User-Agent, else null. */
  claimed: string | null
  /** The catalog client whose hello the observed one equals, whatever was claimed (e.g. 'node-tls' behind a 'curl' claim). */
  matchedClient?: string
  /** Every compared field that differs from the claimed client's recorded hello (empty unless intercepted). */
  differences: HelloDifference[]
  /** The differences that weaken the connection relative to the claimed client. */
  downgrades: Downgrade[]
  observed: { ja3: string; ja4: string }
  /** The claimed client's recorded fingerprints, when the claim is known. */
  expected?: { ja3: string; ja4: string }
}

/**
 * Decides whether a ClientHello was built by the client its request claims to
 * be. An interceptor re-originates TLS with its own library, so the hello stops
 * matching the User-Agent (Durumeric et al., NDSS 2017, §4 "heuristics").
 *
 * @example
 * const detection = detectInterception(hello, { userAgent: req.headers['user-agent'] })
 * if (detection.verdict === 'intercepted') console.log(detection.differences)
 */
export function detectInterception(hello: ClientHello, claim: ClientClaim, catalog: Catalog = loadCatalog()): InterceptionDetection {
  const claimed = claim.clientId ?? claim.userAgent ?? null
  const observed = { ja3: computeJa3(hello).hash, ja4: computeJa4(hello).ja4 }
  const lookalike = catalog.entries.find((entry) => compareHellos(entry.hello, hello).length === 0)
  const matched = lookalike === undefined ? {} : { matchedClient: lookalike.clientId }
  const entry = findClaimedEntry(claim, catalog)
  if (entry === undefined) return { verdict: 'unknown-client', claimed, ...matched, differences: [], downgrades: [], observed }
  const differences = compareHellos(entry.hello, hello)
  return {
    verdict: differences.length === 0 ? 'match' : 'intercepted',
    claimed,
    ...matched,
    differences,
    downgrades: findDowngrades(entry.hello, hello),
    observed,
    expected: { ja3: entry.ja3, ja4: entry.ja4 },
  }
}

export interface UpstreamLegComparison {
  differences: HelloDifference[]
  /** Where the proxy's upstream hello is weaker than the client's (versions, ciphers, signatures, extensions). */
  downgrades: Downgrade[]
}

/**
 * Compares the hello a client sent the proxy with the hello the proxy sent
 * upstream: the differences any fingerprinting server sees, and the security
 * downgrades the interception causes.
 */
export function compareUpstreamLeg(clientLegHello: HelloFingerprint, upstreamLegHello: HelloFingerprint): UpstreamLegComparison {
  return {
    differences: compareHellos(clientLegHello, upstreamLegHello),
    downgrades: findDowngrades(clientLegHello, upstreamLegHello),
  }
}
