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

const YEAR_MS = UNIT_MS.y
/**
 * How far an offset may reach: the moment must be writable as a certificate
 * time (RFC 5280 §4.1.2.5: GeneralizedTime has a four-digit year; OpenSSL
 * refuses year 0 with "generalizedtime is too short"), for any run date this
 * millennium. Issue 17 item 8: such a file validated, then could not run.
 */
const EARLIEST_OFFSET_MS = -2000 * YEAR_MS
const LATEST_OFFSET_MS = 7000 * YEAR_MS

/** Why `value` cannot be a validity time, or null. */
export function timeProblem(value: string): string | null {
  if (!isDuration(value)) return 'expected a duration like "-30d" or an ISO date'
  const match = OFFSET.exec(value)
  if (match === null) return Number(value.slice(0, 4)) < 1 ? `"${value}": the year is 0001 to 9999 (a certificate time, RFC 5280 §4.1.2.5)` : null
  const offset = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  return offset < EARLIEST_OFFSET_MS || offset > LATEST_OFFSET_MS ? `"${value}": an offset reaches at most 2000 years back and 7000 years ahead (a certificate time has a four-digit year)` : null
}

/** The moment `value` names, relative to `now`. Call only on values `isDuration` accepted. */
export function resolveTime(value: string, now: Date): Date {
  const match = OFFSET.exec(value)
  if (match === null) return new Date(value)
  const unit = match[2] as keyof typeof UNIT_MS
  return new Date(now.getTime() + Number(match[1]) * UNIT_MS[unit])
}
