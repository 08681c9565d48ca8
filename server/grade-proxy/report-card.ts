import type { DefectClass } from './upstream-defects.js'
import type { DefectVerdict } from './defect-verdict.js'

/** Durumeric et al., NDSS 2017, §5.1: A best, F worst. */
export type Grade = 'A' | 'B' | 'C' | 'F'

/** A ClientHello as a report shows it (display names; the raw numbers stay in the store's JSON). */
export interface HelloSummary {
  versions: string[]
  cipherSuites: string[]
  groups: string[]
  keyShares: string[]
  signatureAlgorithms: string[]
  ja3: string
  ja4: string
}

/** The evidence of one defect: what the client saw, what the upstream saw. */
export interface DefectResult {
  defectId: string
  title: string
  defectClass: DefectClass
  host: string
  verdict: DefectVerdict
  reason: string
  /** The client's leg. */
  client: {
    stage: string
    connectStatus: number | null
    error: string | null
    protocol: string | null
    cipher: string | null
    group: string | null
    httpStatus: number | null
    /** The chain the client received, PEM, leaf first. */
    chainPem: string[]
    /** Subject / issuer / validity of each, for reading without a parser. */
    chain: { subject: string; issuer: string; notBefore: string; notAfter: string; serial: string }[]
    /** The lab's verifier with the product's CA as the only anchor; step and code of the first failure a browser shares. */
    verifier: {
      verdict: 'accept' | 'reject'
      step: string | null
      code: string | null
      /** Key-identifier omissions the lab's verifier refuses and browsers accept (defect-verdict.ts). */
      findings: string[]
    } | null
  }
  /** The product's upstream connections to this defect's server. */
  upstream: { handshake: string; error: string | null; protocol: string | null; cipher: string | null; group: string | null; hello: HelloSummary | null }[]
}

export type CheckResult = 'pass' | 'fail' | 'info' | 'n/a'

/**
 * One row of the table behind the grade. `cap` is the best grade a product can
 * still get when this check fails (grade-rubric.ts says why for each); `null`
 * for rows that are measured and shown but not graded.
 */
export interface GradeCheck {
  id: string
  title: string
  result: CheckResult
  cap: Grade | null
  evidence: string
}

export interface ProxyReportCard {
  productId: string
  description: string
  reproduce: string
  gradedAt: string
  grade: Grade
  /** The failed checks that set the grade (those at the grade's cap). */
  decidedBy: string[]
  /** False when the control upstream was not relayed: then the product did not work in the lab, and the card says so. */
  controlRelayed: boolean
  checks: GradeCheck[]
  defects: DefectResult[]
  /** The lab client's own hello (the baseline the upstream hello is compared with). */
  clientHello: HelloSummary | null
  /** Defects the lab could not serve with this OpenSSL, with the reason. */
  notServed: { id: string; reason: string }[]
}
