import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Command } from 'commander'
import { LabError } from '../errors.js'
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
  return { version: 1, harness: 'mitmlab', results: runLimboTestcases(suite.testcases, now) }
}

/** Runs already-parsed testcases; the unit a worker thread executes. */
export function runLimboTestcases(testcases: readonly unknown[], now: Date): LimboResult['results'] {
  return testcases.map((raw) => runTestcase(raw, now))
}

/**
 * limboHarness on `jobs` worker threads: the suite is parsed once, split into
 * contiguous slices, and the results are concatenated in suite order. Threads
 * (not processes) so the 41 MB suite is parsed once and the CLI starts once.
 */
export async function limboHarnessParallel(input: string, jobs: number, now: Date = new Date()): Promise<LimboResult> {
  const suite = suiteSchema.parse(JSON.parse(input))
  if (jobs <= 1) return { version: 1, harness: 'mitmlab', results: runLimboTestcases(suite.testcases, now) }
  const size = Math.ceil(suite.testcases.length / jobs)
  const slices = Array.from({ length: jobs }, (_, k) => suite.testcases.slice(k * size, (k + 1) * size))
  const parts = await Promise.all(slices.map((testcases) => runInWorker(testcases, now)))
  return { version: 1, harness: 'mitmlab', results: parts.flat() }
}

/**
 * A worker evaluates TypeScript through tsx, registered inside the worker
 * because Node 20 does not pass module hooks on to worker threads.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
import(workerData.tsxApi)
  .then((tsx) => { tsx.register(); return import(workerData.harness) })
  .then((harness) => parentPort.postMessage(harness.runLimboTestcases(workerData.testcases, new Date(workerData.now))))
`

function runInWorker(testcases: readonly unknown[], now: Date): Promise<LimboResult['results']> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { tsxApi: import.meta.resolve('tsx/esm/api'), harness: import.meta.url, testcases, now: now.toISOString() },
    })
    worker.once('message', (results: LimboResult['results']) => {
      resolve(results)
      void worker.terminate()
    })
    worker.once('error', (cause) => reject(new LabError('INTERNAL', 'A limbo worker thread failed', { cause })))
    worker.once('exit', (code) => {
      if (code !== 0) reject(new LabError('INTERNAL', `A limbo worker thread exited with code ${code}`))
    })
  })
}

/** Two cores on the lab machine; more threads than cores only add module loading. */
export const DEFAULT_LIMBO_JOBS = Math.min(2, availableParallelism())

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
    .option('--jobs <n>', `worker threads (default: ${DEFAULT_LIMBO_JOBS})`, (value) => Number.parseInt(value, 10))
    .action(async (options: { jobs?: number }) => {
      const jobs = Math.max(1, Math.min(options.jobs ?? DEFAULT_LIMBO_JOBS, availableParallelism()))
      const result = await limboHarnessParallel(await readStdin(), jobs)
      process.stdout.write(`${JSON.stringify(result)}\n`)
    })
}
