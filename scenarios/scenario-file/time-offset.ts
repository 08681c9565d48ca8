/**
 * Validity times in scenario files: an offset from the moment of the attack
 * ("-30d", "+2h", "10y") or an absolute ISO 8601 date. Offsets keep a file
 * meaningful whenever it is run; dates pin edge cases.
 */
const OFFSET = /^([+-]?\d+)(s|m|h|d|y)$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 } as const

export function isDuration(value: string): boolean {
  return OFFSET.test(value) || (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)))
}

/** The moment `value` names, relative to `now`. Call only on values `isDuration` accepted. */
export function resolveTime(value: string, now: Date): Date {
  const match = OFFSET.exec(value)
  if (match === null) return new Date(value)
  const unit = match[2] as keyof typeof UNIT_MS
  return new Date(now.getTime() + Number(match[1]) * UNIT_MS[unit])
}
