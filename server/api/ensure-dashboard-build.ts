import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DASHBOARD_DIST_DIR } from './dashboard-server.js'

/**
 * Builds the dashboard with Vite when dashboard/dist has no index.html, so
 * `mitmlab serve` works straight from a fresh checkout. Returns whether it built.
 */
export async function ensureDashboardBuild(log: (line: string) => void = () => undefined): Promise<boolean> {
  if (existsSync(join(DASHBOARD_DIST_DIR, 'index.html'))) return false
  log('The dashboard is not built yet: building it with Vite (once)...')
  const { build } = await import('vite')
  await build({ configFile: join(dirname(DASHBOARD_DIST_DIR), 'vite.config.ts'), logLevel: 'warn' })
  return true
}
