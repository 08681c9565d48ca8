import type { Command } from 'commander'
import { resolveDataDir, storeFile } from '../config.js'
import { ScenarioError } from '../errors.js'
import { exportCapture } from '../report/export-capture.js'
import { findRun } from '../report/run-report.js'
import { LabStore } from '../store/lab-store.js'

export function registerCaptureCommand(program: Command): void {
  program
    .command('capture')
    .argument('[run]', 'run id, unique id prefix, or "latest"', 'latest')
    .description("Export a run's key log (SSLKEYLOGFILE) and a pcap per scenario, for Wireshark")
    .requiredOption('-o, --out <dir>', 'directory to write sslkeylog.txt and the .pcap files to')
    .option('-s, --scenario <id...>', 'only these scenarios')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action((runRef: string, options: { out: string; scenario?: string[]; dataDir?: string }) => {
      const store = new LabStore(storeFile(resolveDataDir(options.dataDir)), { readonly: true })
      try {
        const run = findRun(store, runRef)
        const all = store.getResults(run.id)
        // An id the run never played is a typo, not an empty capture (issue 18: it used to exit 0 with nothing written).
        const unknown = (options.scenario ?? []).filter((id) => !all.some((r) => r.scenarioId === id))
        if (unknown.length > 0) {
          throw new ScenarioError('SCENARIO_NOT_FOUND', `Run ${run.id} has no scenario ${unknown.map((id) => `"${id}"`).join(', ')}; \`mitmlab report ${run.id}\` lists the ${new Set(all.map((r) => r.scenarioId)).size} it played`)
        }
        const results = all.filter((r) => options.scenario === undefined || options.scenario.includes(r.scenarioId))
        const exported = exportCapture(results, options.out)
        process.stdout.write(
          `${exported.pcapFiles.length} capture(s) and ${exported.keyLogFile}\n` +
            `open with: wireshark -o tls.keylog_file:${exported.keyLogFile} ${exported.pcapFiles[0] ?? '<file>.pcap'}\n`,
        )
      } finally {
        store.close()
      }
    })
}
