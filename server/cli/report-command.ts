import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError } from '../errors.js'
import { REPORT_FORMATS as FORMATS, type ReportFormat } from '../report/report-formats.js'
import { loadRunReport } from '../report/run-report.js'
import { LabStore } from '../store/lab-store.js'

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .argument('[run]', 'run id, unique id prefix, or "latest"', 'latest')
    .description('Write a stored run as JSON, JUnit XML, a self-contained HTML page or Markdown')
    .option('-f, --format <format>', `one of ${Object.keys(FORMATS).join(', ')}`, 'md')
    .option('-o, --out <file>', 'write to FILE instead of stdout')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action((run: string, options: { format: string; out?: string; dataDir?: string }) => {
      const text = renderReport(run, options.format, resolveDataDir(options.dataDir))
      if (options.out === undefined) process.stdout.write(text)
      else writeFileSync(options.out, text)
    })
}

export function renderReport(runRef: string, format: string, dataDir: string): string {
  if (!(format in FORMATS)) {
    throw new ConfigError('CONFIG_INVALID', `--format must be one of ${Object.keys(FORMATS).join(', ')}, not "${format}"`)
  }
  // Reading needs read access only: no store is created or migrated, and no PKI is created just to show its chain.
  const store = new LabStore(storeFile(dataDir), { readonly: true })
  try {
    const pki = existsSync(join(dataDir, 'pki', 'manifest.json')) ? loadOrCreateLabPki(dataDir) : null
    const report = loadRunReport(store, runRef, pki)
    return FORMATS[format as ReportFormat](report)
  } finally {
    store.close()
  }
}
