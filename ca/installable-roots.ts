import { CaError } from '../server/errors.js'
import { parseCertificate } from '../server/x509/index.js'
import type { GeneralName } from '../server/x509/index.js'
import { cidrToOctets, type SubtreeSpec } from './general-names.js'

/**
 * The lab certificates a person may install as trust anchors: the two roots
 * (`trustedRoot`, what a public root is to the victim; `interceptionCa`, the
 * corporate CA `mitmlab proxy --ca-cert-out` writes out) and the intermediate
 * under the first (`trustedIntermediate`, trusted by anyone who installs that
 * root). `attackerCa` is never installed: it stays unconstrained on purpose.
 */
export const INSTALLABLE_ROLES = ['trustedRoot', 'trustedIntermediate', 'interceptionCa'] as const

/**
 * Refuses a certificate that could vouch for a real site once installed. It
 * must carry name constraints (RFC 5280 §4.2.1.10) that are critical, permit
 * only subtrees from `allowed`, and constrain both DNS names and IP addresses:
 * RFC 5280 applies a constraint only to its own name form, so a CA that
 * permits only 127.0.0.0/8 may still issue any dNSName.
 */
export function assertLabNameConstraints(
  der: Uint8Array,
  allowed: readonly SubtreeSpec[],
  what: string,
): void {
  const refuse = (why: string): never => {
    throw new CaError(
      'CA_STORE_CORRUPT',
      `${what} ${why}: installing it could let anyone holding its key intercept real sites. It is not what mitmlab created; delete the PKI directory to recreate it`,
    )
  }
  const parsed = parseCertificate(der)
  if (!parsed.ok) return refuse(`cannot be parsed (${parsed.reason})`)
  const constraints = parsed.value.nameConstraints
  if (constraints === null) return refuse('carries no name constraints')
  if (!constraints.critical)
    return refuse('carries name constraints that are not critical (clients may ignore them)')
  const permitted = constraints.permitted ?? []
  const allowedKeys = new Set(allowed.map(subtreeKey))
  const outside = permitted.map(generalNameKey).filter((key) => !allowedKeys.has(key))
  if (outside.length > 0) return refuse(`permits names beyond the lab's (${outside.join(', ')})`)
  if (!permitted.some((name) => name.type === 'dns')) return refuse('leaves DNS names unconstrained')
  if (!permitted.some((name) => name.type === 'ip')) return refuse('leaves IP addresses unconstrained')
}

function subtreeKey(subtree: SubtreeSpec): string {
  if ('dns' in subtree) return `dns:${subtree.dns.toLowerCase()}`
  if ('ip' in subtree) return `ip:${Buffer.from(cidrToOctets(subtree.ip), 'binary').toString('hex')}`
  if ('email' in subtree) return `email:${subtree.email.toLowerCase()}`
  if ('uri' in subtree) return `uri:${subtree.uri.toLowerCase()}`
  return `dn:${JSON.stringify(subtree.dn)}`
}

function generalNameKey(name: GeneralName): string {
  switch (name.type) {
    case 'dns':
      return `dns:${name.value.toLowerCase()}`
    case 'ip':
      return `ip:${Buffer.from(name.bytes).toString('hex')}`
    case 'email':
      return `email:${name.value.toLowerCase()}`
    case 'uri':
      return `uri:${name.value.toLowerCase()}`
    case 'dn':
      return `dn:${Buffer.from(name.der).toString('hex')}`
    default:
      return `other:${name.tag}`
  }
}
