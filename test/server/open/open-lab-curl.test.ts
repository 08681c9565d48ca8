import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CURL_ERROR_TABLE } from '../../../server/drivers/curl-driver.js'
import { mapError } from '../../../server/drivers/error-table.js'
import { runProcess } from '../../../server/drivers/run-process.js'
import { VICTIM_CREDENTIALS } from '../../../server/genuine/bank-site.js'
import { startOpenLab, type OpenLab } from '../../../server/open/open-lab.js'
import { testPki } from '../../support/lab-pki.js'
import { openScenarios } from './open-scenarios.js'

// Issue 20 acceptance (b): curl reaches the open lab the two ways a client that maps names itself can,
// and each scenario's verdict and catching step are what the catalog says.
const EXPECTED = [
  { id: 'direct-connection', verdict: 'accept', step: null },
  { id: 'self-signed-leaf', verdict: 'reject', step: 'TRUST' },
  { id: 'wrong-host', verdict: 'reject', step: 'HOST' },
  { id: 'expired-leaf', verdict: 'reject', step: 'DATES' },
] as const

let lab: OpenLab
let dir: string
let caFile: string

beforeAll(async () => {
  lab = await startOpenLab({ pki: testPki(), scenarios: openScenarios(EXPECTED.map(({ id }) => id)), store: null })
  dir = mkdtempSync(join(tmpdir(), 'mitmlab-open-curl-'))
  caFile = join(dir, 'roots.pem')
  // What a visitor installs: the lab's trusted root (and, as the victim has it, the installed interception CA).
  writeFileSync(caFile, testPki().trustedRoot.pem + testPki().interceptionCa.pem)
}, 60_000)

afterAll(async () => {
  await lab.close()
  rmSync(dir, { recursive: true, force: true })
})

/** curl's login POST to `https://<id>.bank.lab/login`, reaching the lab by `way`. */
async function postLogin(id: string, way: string[]): Promise<{ verdict: 'accept' | 'reject'; step: string | null; said: string }> {
  const result = await runProcess({
    command: 'curl',
    args: [
      '--silent',
      '--show-error',
      ...way,
      '--cacert',
      caFile,
      '--max-time',
      '10',
      '--data-binary',
      new URLSearchParams(VICTIM_CREDENTIALS).toString(),
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      `https://${id}.bank.lab/login`,
    ],
    timeoutMs: 15_000,
  })
  if (result.exitCode === 0 && result.stdout !== '000') return { verdict: 'accept', step: null, said: `HTTP ${result.stdout}` }
  // In the curl driver's words (curl-driver.ts), so its own table maps it.
  const said = `exit ${String(result.exitCode)}: ${/^curl: \(\d+\).*$/m.exec(result.stderr)?.[0] ?? result.stderr}`
  return { verdict: 'reject', step: mapError(CURL_ERROR_TABLE, said), said }
}

describe.each([
  { way: 'the explicit proxy (--proxy)', args: (): string[] => ['--proxy', `http://127.0.0.1:${lab.entry.port}`] },
  { way: 'the SNI port (--connect-to)', args: (): string[] => ['--connect-to', `::127.0.0.1:${lab.entry.port}`] },
])('curl through $way', ({ args }) => {
  it.each(EXPECTED)('$id: $verdict $step', async ({ id, verdict, step }) => {
    const outcome = await postLogin(id, args())
    expect({ verdict: outcome.verdict, step: outcome.step }, outcome.said).toEqual({ verdict, step })
    if (verdict === 'accept') expect(outcome.said).toBe('HTTP 302')
  })
})

describe('what the lab saw', () => {
  // The lab's own verifier checked each scenario at its name when it was staged (client: lab-verifier): not counted.
  it('the genuine bank received the control’s login, and no attack’s', () => {
    const logins = (id: string): number =>
      lab.served.find((open) => open.scenario.id === id)?.servers.genuine?.requests.filter((request) => request.receivedCredentials && request.client === null).length ?? -1
    expect(EXPECTED.map(({ id }) => [id, logins(id)])).toEqual([
      ['direct-connection', 2],
      ['self-signed-leaf', 0],
      ['wrong-host', 0],
      ['expired-leaf', 0],
    ])
  })
})
