import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'vite'

/** Builds the dashboard from the current sources into a temp dir, so a browser test never runs a stale dashboard/dist. */
export async function buildDashboardToTemp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'mitmlab-dashboard-dist-'))
  await build({ configFile: join(process.cwd(), 'dashboard', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  return outDir
}
