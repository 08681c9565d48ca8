import type { Command } from 'commander'
import { resolveDataDir, storeFile } from '../config.js'
import { diffRuns, formatDiff } from '../report/diff-runs.js'
import { loadRunReport } from '../report/run-report.js'
import { LabStore } from '../store/lab-store.js'

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .argument('<before>', 'run id or unique prefix')
    .argument('<after>', 'run id, unique prefix, or "latest"')
    .description('Which scenarios changed verdict or catching step between two runs')
    .option('--json', 'print the changes as JSON')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action((before: string, after: string, options: { json?: boolean; dataDir?: string }) => {
      const store = new LabStore(storeFile(resolveDataDir(options.dataDir)), { readonly: true })
      try {
        const a = loadRunReport(store, before, null)
        const b = loadRunReport(store, after, null)
        const changes = diffRuns(a, b)
        process.stdout.write(options.json === true ? `${JSON.stringify(changes, null, 2)}\n` : formatDiff(changes, a.run.id, b.run.id))
        // diff(1) convention: 1 when the inputs differ.
        process.exitCode = changes.length === 0 ? 0 : 1
      } finally {
        store.close()
      }
    })
}
