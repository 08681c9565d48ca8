import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
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
export function limboHarness(input: string, now: Date = new Date(), shard: LimboShard = { index: 0, count: 1 }): LimboResult {
  const suite = suiteSchema.parse(JSON.parse(input))
  const mine = suite.testcases.filter((_, position) => position % shard.count === shard.index)
  return { version: 1, harness: 'mitmlab', results: mine.map((raw) => runTestcase(raw, now)) }
}

/** Testcases index, index + count, index + 2·count, … of the suite. */
export interface LimboShard {
  index: number
  count: number
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

/**
 * Default worker processes. One: each shard re-reads the 41 MB suite and, on
 * the shared 2-core lab machine under load, two shards measured slower (85 s
 * wall vs 53 s at load 20); `--jobs 2` helps only on an idle machine.
 */
export const DEFAULT_LIMBO_JOBS = 1
/** Upper bound for --jobs: more processes than cores only adds parsing. */
export const MAX_LIMBO_JOBS = availableParallelism()

/**
 * Runs the suite in `jobs` child processes of this same command (one shard
 * each, one shared `now`) and interleaves their results back into suite order.
 */
async function runSharded(input: string, jobs: number, now: Date): Promise<LimboResult> {
  const script = process.argv[1]
  if (script === undefined) throw new LabError('INTERNAL', 'Cannot locate the mitmlab entry point to start limbo shards')
  const shards = await Promise.all(
    Array.from({ length: jobs }, (_, index) =>
      runChild([...process.execArgv, script, 'limbo', '--shard', `${index}/${jobs}`, '--now', now.toISOString()], input),
    ),
  )
  const results: LimboResult['results'] = []
  const longest = Math.max(...shards.map((shard) => shard.results.length))
  for (let row = 0; row < longest; row++) {
    for (const shard of shards) {
      const result = shard.results[row]
      if (result !== undefined) results.push(result)
    }
  }
  return { version: 1, harness: 'mitmlab', results }
}

function runChild(args: string[], input: string): Promise<LimboResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.on('error', (cause) => reject(new LabError('INTERNAL', 'A limbo shard could not start', { cause })))
    child.on('close', (code) => {
      if (code !== 0) return reject(new LabError('INTERNAL', `A limbo shard exited with code ${String(code)}`))
      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as LimboResult)
    })
    child.stdin.end(input)
  })
}

function parseShard(text: string): LimboShard {
  const match = /^(\d+)\/(\d+)$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || count < 1 || index >= count) throw new LabError('CONFIG_INVALID', `--shard must be i/n with 0 <= i < n, got "${text}"`)
  return { index, count }
}

/** `mitmlab limbo < limbo.json > results.json`: the x509-limbo harness protocol on stdin/stdout. */
export function registerLimboCommand(program: Command): Command {
  return program
    .command('limbo')
    .description('Run the x509-limbo suite read on stdin through the verifier; write a LimboResult JSON on stdout')
    .option('--jobs <n>', `worker processes (default: ${DEFAULT_LIMBO_JOBS})`, (value) => Number.parseInt(value, 10))
    .option('--now <iso>', 'validation time for testcases without one (default: the current time)')
    .option('--shard <i/n>', 'run only every n-th testcase starting at i (used by --jobs)')
    .action(async (options: { jobs?: number; now?: string; shard?: string }) => {
      const input = await readStdin()
      const now = options.now === undefined ? new Date() : new Date(options.now)
      if (Number.isNaN(now.getTime())) throw new LabError('CONFIG_INVALID', `--now is not a date: "${options.now ?? ''}"`)
      const jobs = Math.max(1, Math.min(options.jobs ?? DEFAULT_LIMBO_JOBS, MAX_LIMBO_JOBS))
      const result =
        options.shard !== undefined
          ? limboHarness(input, now, parseShard(options.shard))
          : jobs > 1
            ? await runSharded(input, jobs, now)
            : limboHarness(input, now)
      process.stdout.write(`${JSON.stringify(result)}\n`)
    })
}
