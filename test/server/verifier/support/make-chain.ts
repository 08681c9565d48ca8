import { generateKeyPair, issueCertificate, type IssueCertificateParams, type IssuedCertificate, type KeyPair } from '../../../../ca/index.js'
import { verify } from '../../../../server/verifier/index.js'
import type { VerifyInput, VerifyReport } from '../../../../server/verifier/types.js'
import type { StepResult } from '../../../../server/steps/step-result.js'
import type { StepId } from '../../../../server/steps/step-ids.js'

/** Every verifier test runs at this instant (style.md §27). */
export const NOW = new Date('2025-01-01T00:00:00Z')
export const NOT_BEFORE = new Date('2024-06-01T00:00:00Z')
export const NOT_AFTER = new Date('2025-06-01T00:00:00Z')

/** P-256 keys: generated in well under a millisecond, so each test builds its own chain. */
export function ecKey(): KeyPair {
  return generateKeyPair({ type: 'ec', curve: 'P-256' })
}

const dates = { notBefore: NOT_BEFORE, notAfter: NOT_AFTER }

export function makeRoot(overrides: Partial<IssueCertificateParams> = {}): IssuedCertificate {
  return issueCertificate({
    subject: { O: 'mitmlab test', CN: 'Test Root' },
    key: ecKey(),
    basicConstraints: { ca: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...dates,
    ...overrides,
  })
}

export function makeIntermediate(issuer: IssuedCertificate, overrides: Partial<IssueCertificateParams> = {}): IssuedCertificate {
  return issueCertificate({
    subject: { O: 'mitmlab test', CN: 'Test Intermediate' },
    issuer,
    key: ecKey(),
    basicConstraints: { ca: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...dates,
    ...overrides,
  })
}

export function makeLeaf(issuer: IssuedCertificate | undefined, overrides: Partial<IssueCertificateParams> = {}): IssuedCertificate {
  return issueCertificate({
    subject: { CN: 'bank.lab' },
    ...(issuer === undefined ? {} : { issuer }),
    key: ecKey(),
    sans: [{ dns: 'bank.lab' }],
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['serverAuth'],
    ...dates,
    ...overrides,
  })
}

/** A valid root → intermediate → leaf chain for bank.lab. */
export function makeChain(): { root: IssuedCertificate; intermediate: IssuedCertificate; leaf: IssuedCertificate } {
  const root = makeRoot()
  const intermediate = makeIntermediate(root)
  const leaf = makeLeaf(intermediate)
  return { root, intermediate, leaf }
}

/** verify() with the pinned clock and bank.lab unless overridden. */
export function verifyChain(
  presented: IssuedCertificate[],
  anchors: IssuedCertificate[],
  overrides: Partial<VerifyInput> = {},
): VerifyReport {
  return verify({
    presented: presented.map((c) => c.der),
    trustAnchors: anchors.map((c) => c.der),
    expectedHost: 'bank.lab',
    now: NOW,
    ...overrides,
  })
}

export function stepOf(report: VerifyReport, step: StepId): StepResult {
  const result = report.steps.find((s) => s.step === step)
  if (result === undefined) throw new Error(`no ${step} step in the report`)
  return result
}
