import { issueCertificate, type IssuedCertificate, type IssueCertificateParams } from '../../ca/index.js'
import type { ScenarioContext } from '../define-scenario.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/**
 * A leaf that looks like what a forging proxy mints for `host`: SAN and CN
 * for the host, serverAuth, 30 days around now. Scenarios override just the
 * field their attack is about.
 */
export function forgedLeaf(
  context: ScenarioContext,
  issuer: IssuedCertificate | undefined,
  overrides: Partial<IssueCertificateParams> = {},
): IssuedCertificate {
  return issueCertificate({
    subject: { CN: context.host },
    ...(issuer === undefined ? {} : { issuer }),
    notBefore: new Date(context.now.getTime() - HOUR_MS),
    notAfter: new Date(context.now.getTime() + 30 * DAY_MS),
    sans: [{ dns: context.host }],
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    ...overrides,
  })
}

export const daysFrom = (now: Date, days: number): Date => new Date(now.getTime() + days * DAY_MS)
