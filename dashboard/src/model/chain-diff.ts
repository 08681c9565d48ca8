import type { CertSummary } from '@contract'

export interface ChainFieldRow {
  label: string
  presented: string
  genuine: string
  isDifferent: boolean
}

export interface ChainPositionDiff {
  /** 'Leaf', 'Issuer 1', ... */
  position: string
  presentedSubject: string | null
  genuineSubject: string | null
  fields: ChainFieldRow[]
  differenceCount: number
}

const ABSENT = '—'

/** The fields a trainee compares, in the order they read a certificate. */
const FIELDS: { label: string; read: (cert: CertSummary) => string }[] = [
  { label: 'Subject', read: (c) => c.subject },
  { label: 'Issuer', read: (c) => c.issuer },
  { label: 'SANs', read: (c) => c.sans.map((san) => `${san.type.toUpperCase()}:${san.value}`).join(', ') || ABSENT },
  { label: 'Not before', read: (c) => c.notBefore },
  { label: 'Not after', read: (c) => c.notAfter },
  { label: 'Key', read: (c) => c.publicKey },
  { label: 'Signature', read: (c) => c.signatureAlgorithm },
  { label: 'Basic constraints', read: (c) => (c.isCa === null ? ABSENT : c.isCa ? `CA${c.pathLen === null ? '' : `, pathLen ${c.pathLen}`}` : 'not a CA') },
  { label: 'Key usage', read: (c) => c.keyUsage.join(', ') || ABSENT },
  { label: 'Extended key usage', read: (c) => c.extendedKeyUsage.join(', ') || ABSENT },
  { label: 'SPKI SHA-256', read: (c) => c.spkiSha256 },
  { label: 'Extensions', read: (c) => c.extensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`).join(', ') || ABSENT },
  { label: 'Fingerprint SHA-256', read: (c) => c.fingerprintSha256 },
]

/** Pairs the presented chain with the genuine one position by position (leaf with leaf) and marks every differing field. */
export function compareChains(presented: readonly CertSummary[], genuine: readonly CertSummary[]): ChainPositionDiff[] {
  const length = Math.max(presented.length, genuine.length)
  return Array.from({ length }, (_unused, index) => {
    const shown = presented[index]
    const real = genuine[index]
    const fields = FIELDS.map(({ label, read }) => {
      const presentedValue = shown === undefined ? ABSENT : read(shown)
      const genuineValue = real === undefined ? ABSENT : read(real)
      return { label, presented: presentedValue, genuine: genuineValue, isDifferent: presentedValue !== genuineValue }
    })
    return {
      position: index === 0 ? 'Leaf' : `Issuer ${index}`,
      presentedSubject: shown?.subject ?? null,
      genuineSubject: real?.subject ?? null,
      fields,
      differenceCount: fields.filter((field) => field.isDifferent).length,
    }
  })
}
