import type { Tlv } from './der-reader.js'

const UTC_TIME = 0x17
const GENERALIZED_TIME = 0x18

/**
 * Decodes a certificate Time strictly as RFC 5280 §4.1.2.5 requires: UTCTime
 * YYMMDDHHMMSSZ (years 50–99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSSZ, with
 * seconds, a Z and no fractional seconds. Anything else is null.
 */
export function parseTime(tlv: Tlv): Date | null {
  const text = Buffer.from(tlv.value).toString('latin1')
  let match: RegExpExecArray | null
  let year: number
  if (tlv.identifier === UTC_TIME) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    if (match === null) return null
    const yy = Number(match[1])
    year = yy >= 50 ? 1900 + yy : 2000 + yy
  } else if (tlv.identifier === GENERALIZED_TIME) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    if (match === null) return null
    year = Number(match[1])
  } else {
    return null
  }
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [number, number, number, number, number]
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(ms)
  // Rejects 31 February and the like, which Date.UTC silently rolls over.
  if (date.getUTCDate() !== day) return null
  return date
}
