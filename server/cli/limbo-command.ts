import type { Command } from 'commander'
import { z } from 'zod'
import { verify } from '../verifier/index.js'
import type { VerifyInput } from '../verifier/types.js'

/** One x509-limbo testcase, the fields the harness reads (limbo-schema.json). Lists may be null in older files. */
const testcaseSchema = z.object({
  id: z.string(),
  validation_kind: z.string(),
  trusted_certs: z.array(z.string()).nullable(),
  untrusted_intermediates: z.array(z.string()).nullable(),
  peer_certificate: z.string(),
  validation_time: z.string().nullable(),
  extended_key_usage: z.array(z.string()).nullable(),
  expected_peer_name: z.object({ kind: z.string(), value: z.string() }).nullable(),
  max_chain_depth: z.number().nullable(),
  key_usage: z.array(z.string()).nullable(),
  crls: z.array(z.string()).nullable(),
})
const suiteSchema = z.object({ version: z.number(), testcases: z.array(z.unknown()) })

export type LimboActualResult = 'SUCCESS' | 'FAILURE' | 'SKIPPED'
export interface LimboResult {
  version: 1
  harness: 'mitmlab'
  results: { id: string; actual_result: LimboActualResult; context: string | null }[]
}

/** limbo's KnownEKUs names → OIDs (RFC 5280 §4.2.1.12). */
const EKU_OIDS: Record<string, string> = {
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
}

/** PEM (one or more blocks) → DER of the first block. */
function pemToDer(pem: string): Uint8Array {
  const body = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pem)?.[1] ?? ''
  return Buffer.from(body.replace(/\s+/g, ''), 'base64')
}

/**
 * Runs the x509-limbo suite (JSON text) through verify() and returns the
 * harness result. `now` stands in for testcases without a validation_time.
 * Only what the verifier genuinely does not model is SKIPPED, with the reason.
 */
export function limboHarness(input: string, now: Date = new Date()): LimboResult {
  const suite = suiteSchema.parse(JSON.parse(input))
  return { version: 1, harness: 'mitmlab', results: suite.testcases.map((raw) => runTestcase(raw, now)) }
}

function runTestcase(raw: unknown, now: Date): LimboResult['results'][number] {
  const parsed = testcaseSchema.safeParse(raw)
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : '(no id)'
  if (!parsed.success) return { id, actual_result: 'SKIPPED', context: `unreadable testcase: ${parsed.error.message}` }
  const tc = parsed.data
  if (tc.validation_kind !== 'SERVER') return { id, actual_result: 'SKIPPED', context: 'only SERVER validation is modelled (mitmlab verifies TLS servers)' }
  const peer = tc.expected_peer_name
  if (peer === null || (peer.kind !== 'DNS' && peer.kind !== 'IP'))
    return { id, actual_result: 'SKIPPED', context: `expected peer name kind ${peer?.kind ?? 'none'} is not a DNS name or IP address` }
  const ekuNames = tc.extended_key_usage ?? []
  const unknownEku = ekuNames.find((name) => EKU_OIDS[name] === undefined)
  if (unknownEku !== undefined) return { id, actual_result: 'SKIPPED', context: `unknown EKU ${unknownEku}` }
  const input: VerifyInput = {
    presented: [pemToDer(tc.peer_certificate), ...(tc.untrusted_intermediates ?? []).map(pemToDer)],
    trustAnchors: (tc.trusted_certs ?? []).map(pemToDer),
    expectedHost: peer.value,
    now: tc.validation_time === null ? now : new Date(tc.validation_time),
    ...(tc.crls !== null && tc.crls.length > 0 ? { crls: tc.crls.map(pemToDer) } : {}),
    ...(ekuNames.length > 0 ? { requiredEku: ekuNames.map((name) => EKU_OIDS[name] ?? name) } : {}),
    ...(tc.max_chain_depth === null ? {} : { maxIntermediates: tc.max_chain_depth }),
    ...(tc.key_usage !== null && tc.key_usage.length > 0 ? { requiredKeyUsage: tc.key_usage } : {}),
  }
  const report = verify(input)
  if (report.verdict === 'accept') return { id, actual_result: 'SUCCESS', context: null }
  const failing = report.steps.find((step) => step.code === report.code && step.status === 'fail')
  return { id, actual_result: 'FAILURE', context: `${report.catchingStep ?? '?'} ${report.code ?? '?'}: ${failing?.message ?? ''}` }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/** `mitmlab limbo < limbo.json > results.json`: the x509-limbo harness protocol on stdin/stdout. */
export function registerLimboCommand(program: Command): Command {
  return program
    .command('limbo')
    .description('Run the x509-limbo suite read on stdin through the verifier; write a LimboResult JSON on stdout')
    .action(async () => {
      const result = limboHarness(await readStdin())
      process.stdout.write(`${JSON.stringify(result)}\n`)
    })
}
