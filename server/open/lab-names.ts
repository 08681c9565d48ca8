import { TARGET_HOST } from '../../scenarios/define-scenario.js'

/**
 * The names the open lab answers for: the genuine bank at `bank.lab` and each
 * scenario at `<scenario-id>.bank.lab`. Everything else is "not a lab name":
 * the proxy refuses it (403) and never forges for it, the SNI port closes it
 * with an alert, the DNS responder answers REFUSED. The lab roots are
 * name-constrained to `.lab` (ca/lab-pki.ts), so even a bug here could not
 * make a browser trust a forged certificate for a real site.
 */
export const OPEN_LAB_DOMAIN = TARGET_HOST

/** `expired-leaf` → `expired-leaf.bank.lab`. */
export function scenarioHost(scenarioId: string): string {
  return `${scenarioId}.${OPEN_LAB_DOMAIN}`
}

/**
 * Lower-cases and strips one trailing dot (RFC 1034 §3.1: `bank.lab.` is the
 * same name); null for anything that is not a plausible DNS name.
 */
export function normalizeName(name: string): string | null {
  const lower = name.toLowerCase().replace(/\.$/, '')
  if (lower.length === 0 || lower.length > 253) return null
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(lower) ? lower : null
}

/** What a name means to the open lab. */
export type LabName = { kind: 'bank' } | { kind: 'scenario'; scenarioId: string } | { kind: 'foreign' }

/**
 * `bank.lab` → bank; `<id>.bank.lab` with a single label before the domain →
 * that scenario (served or not: the caller knows which are); anything else,
 * including deeper names and look-alikes such as `bank.lab.evil.com`, is foreign.
 */
export function classifyName(name: string): LabName {
  const normalized = normalizeName(name)
  if (normalized === null) return { kind: 'foreign' }
  if (normalized === OPEN_LAB_DOMAIN) return { kind: 'bank' }
  const suffix = `.${OPEN_LAB_DOMAIN}`
  if (!normalized.endsWith(suffix)) return { kind: 'foreign' }
  const label = normalized.slice(0, -suffix.length)
  return label.includes('.') ? { kind: 'foreign' } : { kind: 'scenario', scenarioId: label }
}
