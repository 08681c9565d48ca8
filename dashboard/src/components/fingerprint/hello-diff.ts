import type { HelloViewDto } from '@contract'

/**
 * How one offered value of a ClientHello compares with the other hello:
 * - missing: the claimed client offers it, the hello the server received does not;
 * - extra: only the received hello offers it;
 * - moved: both offer it, in another position (order is part of a fingerprint: JA3, JA4_o);
 * - grease: a GREASE value (RFC 8701), random per connection, never compared;
 * - uncompared: an extension that follows the host name or resumption, not the TLS library.
 */
export type EntryMark = 'same' | 'missing' | 'extra' | 'moved' | 'grease' | 'uncompared'

export interface MarkedEntry {
  name: string
  mark: EntryMark
}

export type HelloViewField = keyof HelloViewDto

export interface FieldComparison {
  /** A HelloViewDto key, or the detector's field name for the other rows. */
  field: string
  label: string
  sent: MarkedEntry[]
  received: MarkedEntry[]
  isDifferent: boolean
}

export const HELLO_FIELD_LABELS: Record<HelloViewField, string> = {
  versions: 'Versions',
  cipherSuites: 'Cipher suites',
  groups: 'Groups',
  alpn: 'ALPN',
  extensions: 'Extensions',
}

const DIFFERING_MARKS: ReadonlySet<EntryMark> = new Set(['missing', 'extra', 'moved'])

/** Field by field, each side's entries marked against the other side, GREASE and uncompared extensions set aside as the detector does. */
export function compareHelloViews(sent: HelloViewDto, received: HelloViewDto, uncomparedExtensions: readonly string[]): FieldComparison[] {
  return (Object.keys(HELLO_FIELD_LABELS) as HelloViewField[]).map((field) =>
    compareLists(field, HELLO_FIELD_LABELS[field], sent[field], received[field], (name) =>
      isGreaseName(name, field) ? 'grease' : field === 'extensions' && uncomparedExtensions.includes(name) ? 'uncompared' : null,
    ),
  )
}

/** Detector fields the hello view does not carry (compare-hellos.ts HelloField), by the label shown. */
const OTHER_FIELD_LABELS: Record<string, string> = {
  signatureAlgorithms: 'Signature algorithms',
  signatureAlgorithmOrder: 'Signature algorithms',
  legacyVersion: 'Legacy version',
  ecPointFormats: 'EC point formats',
  keyShareGroups: 'Key shares',
  pskModes: 'PSK modes',
  compressionMethods: 'Compression',
  grease: 'GREASE in',
}

/**
 * The differences the detector found in fields the hello view leaves out
 * (signature algorithms, key shares, ...), from the lists it recorded. For an
 * ordered field the set difference carries the full lists, so it wins over
 * its order-only twin.
 */
export function compareOtherDifferences(differences: readonly HelloDifferenceView[]): FieldComparison[] {
  const byLabel = new Map<string, HelloDifferenceView>()
  for (const difference of differences) {
    const label = OTHER_FIELD_LABELS[difference.field]
    if (label !== undefined && (!byLabel.has(label) || !difference.field.endsWith('Order'))) byLabel.set(label, difference)
  }
  return [...byLabel].map(([label, difference]) =>
    compareLists(difference.field, label, difference.expected, difference.actual, (name) => (isGreaseName(name, difference.field) ? 'grease' : null)),
  )
}

/** The parts of the detector's HelloDifference this view reads. */
export interface HelloDifferenceView {
  field: string
  expected: string[]
  actual: string[]
}

function compareLists(
  field: string,
  label: string,
  sent: readonly string[],
  received: readonly string[],
  setAside: (name: string) => EntryMark | null,
): FieldComparison {
  const comparedSent = sent.filter((name) => setAside(name) === null)
  const comparedReceived = received.filter((name) => setAside(name) === null)
  const inOrder = new Set(
    longestCommonSubsequence(
      comparedSent.filter((n) => comparedReceived.includes(n)),
      comparedReceived.filter((n) => comparedSent.includes(n)),
    ),
  )
  const mark = (name: string, other: readonly string[], absent: EntryMark): MarkedEntry => ({
    name,
    mark: setAside(name) ?? (!other.includes(name) ? absent : inOrder.has(name) ? 'same' : 'moved'),
  })
  const sentEntries = sent.map((name) => mark(name, comparedReceived, 'missing'))
  const receivedEntries = received.map((name) => mark(name, comparedSent, 'extra'))
  return {
    field,
    label,
    sent: sentEntries,
    received: receivedEntries,
    isDifferent: [...sentEntries, ...receivedEntries].some((entry) => DIFFERING_MARKS.has(entry.mark)),
  }
}

/** names.ts renders GREASE code points as `GREASE (0x?a?a)`; GREASE ALPN ids are two equal bytes 0x?A (RFC 8701 §2). */
function isGreaseName(name: string, field: string): boolean {
  if (name.startsWith('GREASE')) return true
  if (field !== 'alpn' || name.length !== 2) return false
  const first = name.charCodeAt(0)
  return first === name.charCodeAt(1) && (first & 0x0f) === 0x0a
}

/** The entries both lists keep in the same relative order; the rest of the shared entries moved. Lists are < 100 long. */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): string[] {
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  const at = (i: number, j: number): number => lengths[i]?.[j] ?? 0
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      const row = lengths[i]
      if (row !== undefined) row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1))
    }
  }
  const common: string[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common.push(a[i] ?? '')
      i += 1
      j += 1
    } else if (at(i + 1, j) >= at(i, j + 1)) i += 1
    else j += 1
  }
  return common
}
