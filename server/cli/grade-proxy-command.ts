import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { resolveDataDir, storeFile } from '../config.js'
import { isLabError } from '../errors.js'
import { formatGradeRunJson, formatGradeRunJunit, formatGradeRunMarkdown, formatGradeTable, type GradeRun } from '../grade-proxy/format-report-card.js'
import { gradeProduct } from '../grade-proxy/grade-product.js'
import { saveReportCard } from '../grade-proxy/proxy-grade-store.js'
import { selectProducts } from '../grade-proxy/products.js'
import { DEFECTS, UNSERVABLE_DEFECTS } from '../grade-proxy/upstream-defects.js'
import { LabStore } from '../store/lab-store.js'

interface GradeProxyOptions {
  product: string[]
  proxyCmd: string[]
  defects?: string[]
  json?: string | boolean
  markdown?: string | boolean
  junit?: string | boolean
  dataDir?: string
  store: boolean
  listDefects?: boolean
}

export function registerGradeProxyCommand(program: Command): void {
  program
    .command('grade-proxy')
    .description('Grade an interception product (mitmproxy, Squid SSL-Bump, SSLsplit, or any by --proxy-cmd) against broken upstreams, A-F after Durumeric et al. (NDSS 2017)')
    .option('--product <ids...>', 'mitmproxy, mitmproxy-ssl-insecure, squid, sslsplit, or all (default: all, unless --proxy-cmd)', [])
    .option('--proxy-cmd <template>', "another product: a command with {port} and any of {ca_cert} {ca_key} {state_dir} {hosts_file} {upstream_ca} (repeatable)", (value: string, previous: string[]) => [...previous, value], [])
    .option('--defects <ids...>', 'grade against these upstream defects only (the control is always included)')
    .option('--json [file]', 'the report cards as JSON (stdout when no file)')
    .option('--markdown [file]', 'the report cards as Markdown (stdout when no file)')
    .option('--junit [file]', 'one JUnit test case per check (stdout when no file)')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--no-store', 'do not record the report cards in SQLite')
    .option('--list-defects', 'list the upstream defects and exit')
    .action(async (options: GradeProxyOptions) => {
      process.exitCode = await gradeProxyCommand(options, process.stdout, process.stderr)
    })
}

/** Exit code: 0 every product graded relayed the control, 1 one did not, 2 a product could not be started. */
export async function gradeProxyCommand(options: GradeProxyOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (options.listDefects === true) {
    // One write, as `mitmlab list` does: a reader that stops early (`| head`) then ends nothing mid-loop.
    const lines = [
      ...DEFECTS.map((defect) => `${defect.id.padEnd(20)} ${defect.defectClass.padEnd(12)} ${defect.title}: ${defect.why}`),
      ...UNSERVABLE_DEFECTS.map((defect) => `${defect.id.padEnd(20)} not served   ${defect.reason}`),
    ]
    out.write(`${lines.join('\n')}\n`)
    return 0
  }
  const products = selectProducts(options.product, options.proxyCmd)
  const run: GradeRun = { cards: [], skipped: [] }
  // The lab's public root is the upstreams' trust anchor: the same PKI `mitmlab run` uses, made once per data dir.
  const pki = loadOrCreateLabPki(resolveDataDir(options.dataDir))
  let startFailed = false
  for (const product of products) {
    const unavailable = product.unavailableReason()
    if (unavailable !== null) {
      run.skipped.push({ productId: product.id, reason: unavailable })
      err.write(`${product.id}: skipped: ${unavailable}\n`)
      continue
    }
    try {
      const card = await gradeProduct({ product, pki, ...(options.defects === undefined ? {} : { defects: options.defects }), onProgress: (line) => err.write(`${line}\n`) })
      run.cards.push(card)
      err.write(`${product.id}: grade ${card.grade}${card.decidedBy.length === 0 ? '' : ` (${card.decidedBy.join(', ')})`}\n`)
    } catch (error) {
      if (!isLabError(error) || error.code !== 'PROXY_START_FAILED') throw error
      startFailed = true
      run.skipped.push({ productId: product.id, reason: error.message })
      err.write(`${product.id}: not graded: ${error.message}\n`)
    }
  }
  if (options.store && run.cards.length > 0) {
    const store = new LabStore(storeFile(resolveDataDir(options.dataDir)))
    try {
      for (const card of run.cards) saveReportCard(store.db, card)
    } finally {
      store.close()
    }
  }
  const outputs: [string | boolean | undefined, (run: GradeRun) => string][] = [
    [options.json, formatGradeRunJson],
    [options.markdown, formatGradeRunMarkdown],
    [options.junit, formatGradeRunJunit],
  ]
  let printed = false
  for (const [target, format] of outputs) {
    if (target === undefined || target === false) continue
    if (target === true) {
      out.write(format(run))
      printed = true
    } else writeFileSync(target, format(run))
  }
  if (!printed) out.write(formatGradeTable(run))
  if (startFailed) return 2
  return run.cards.every((card) => card.controlRelayed) ? 0 : 1
}
