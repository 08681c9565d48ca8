import { bytesEqual } from '../x509/der-reader.js'
import type { ParsedCertificate } from '../x509/types.js'
import { isSelfIssued, type BuildFailure, type CandidatePath } from './context.js'
import type { SignatureCache } from './signature.js'

/** rustls-webpki `Budget::signatures`: signature checks before path building gives up. */
export const MAX_SIGNATURE_CHECKS = 100
/** mozilla::pkix MAX_BUILD_CALLS: recursion steps before path building gives up. */
export const MAX_BUILD_CALLS = 200_000
/** rustls-webpki MAX_SUB_CA_COUNT: logical (not self-issued) intermediates allowed between the leaf and the anchor. */
export const MAX_INTERMEDIATES = 6

export interface BuildPathParams {
  leaf: ParsedCertificate
  anchors: readonly ParsedCertificate[]
  intermediates: readonly ParsedCertificate[]
  signatures: SignatureCache
  /** Default: MAX_INTERMEDIATES. */
  maxIntermediates?: number
  /** Judges a candidate path; returning true accepts it and stops the search. */
  consider: (path: CandidatePath) => boolean
}

export interface BuildOutcome {
  accepted: boolean
  budgetExceeded: boolean
}

/**
 * Depth-first search for a certification path from the leaf to a trust anchor
 * (RFC 4158 §3), trying anchors before intermediates at each step, skipping a
 * certificate already on the path by subject and key (RFC 4158 §5.2 loop
 * prevention), following only edges whose signature verifies. Every dead end
 * and every complete path is offered to `consider`, which keeps the
 * best-ranked rejection; an exhausted budget stops the search as a failure.
 */
export function buildPath(params: BuildPathParams): BuildOutcome {
  const maxIntermediates = params.maxIntermediates ?? MAX_INTERMEDIATES
  let calls = 0
  let budgetExceeded = false
  let accepted = false

  const offer = (certs: ParsedCertificate[], reachedAnchor: boolean, buildFailure: BuildFailure | null): boolean => {
    if (params.consider({ certs, reachedAnchor, buildFailure })) accepted = true
    return accepted
  }
  const outOfBudget = (child: ParsedCertificate, issuer: ParsedCertificate): boolean =>
    !params.signatures.has(child, issuer) && params.signatures.checks >= MAX_SIGNATURE_CHECKS

  /** Returns true to stop the whole search. */
  const extend = (path: ParsedCertificate[]): boolean => {
    if (++calls > MAX_BUILD_CALLS) {
      budgetExceeded = true
      offer(path, false, 'PATH_BUDGET_EXCEEDED')
      return true
    }
    const current = path[path.length - 1]
    if (current === undefined) return true
    const onPath = (candidate: ParsedCertificate): boolean =>
      path.some((cert) => bytesEqual(cert.subjectDer, candidate.subjectDer) && bytesEqual(cert.spkiDer, candidate.spkiDer))
    const issues = (candidate: ParsedCertificate): boolean => bytesEqual(candidate.subjectDer, current.issuerDer) && !onPath(candidate)
    let found = false
    for (const anchor of params.anchors) {
      if (!issues(anchor)) continue
      if (outOfBudget(current, anchor)) return exhausted(path)
      found = true
      params.signatures.verify(current, anchor)
      if (offer([...path, anchor], true, null)) return true
    }
    // Self-issued intermediates (key rollover) are the same logical CA and do not count (RFC 5280 §6.1.4 (l)).
    const logicalIntermediates = path.slice(1).filter((cert) => !isSelfIssued(cert)).length
    for (const intermediate of params.intermediates) {
      if (!issues(intermediate)) continue
      if (logicalIntermediates + (isSelfIssued(intermediate) ? 0 : 1) > maxIntermediates) {
        found = true
        if (offer(path, false, 'MAX_DEPTH_EXCEEDED')) return true
        break
      }
      if (outOfBudget(current, intermediate)) return exhausted(path)
      found = true
      if (params.signatures.verify(current, intermediate) !== 'valid') {
        // A wrong-key issuer is a dead end, offered so a "bad signature" can be reported if nothing better turns up.
        if (offer([...path, intermediate], false, 'UNKNOWN_ISSUER')) return true
        continue
      }
      if (extend([...path, intermediate])) return true
    }
    if (!found) {
      const failure: BuildFailure = !isSelfIssued(current) ? 'UNKNOWN_ISSUER' : path.length === 1 ? 'SELF_SIGNED_LEAF' : 'UNTRUSTED_ROOT'
      if (offer(path, false, failure)) return true
    }
    return false
  }

  const exhausted = (path: ParsedCertificate[]): boolean => {
    budgetExceeded = true
    offer(path, false, 'PATH_BUDGET_EXCEEDED')
    return true
  }

  extend([params.leaf])
  return { accepted, budgetExceeded }
}
