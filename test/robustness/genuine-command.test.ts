import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { runInstrumentedClient } from '../../server/client/instrumented-client.js'
import { VICTIM_CREDENTIALS } from '../../server/genuine/bank-site.js'
import { sendGarbage } from '../support/hostile-clients.js'
import { pollUntil, startCli, type CliProcess } from '../support/cli-process.js'

/**
 * The docker-compose topology on one machine, with the real commands each
 * service runs: `mitmlab genuine`, `mitmlab proxy --mode reverse` in front of
 * it, and `mitmlab client` as the victim. The victim trusts the installed
 * interception CA, so through the proxy it accepts and its login leaks.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-services-'))
const running: CliProcess[] = []
const pki = (): ReturnType<typeof loadOrCreateLabPki> => loadOrCreateLabPki(dataDir)

/** Starts a long-running command and waits for its "listening on HOST:PORT" line. */
async function startService(args: string[]): Promise<{ cli: CliProcess; port: number }> {
  const cli = startCli([...args, '--data-dir', dataDir])
  running.push(cli)
  const port = await pollUntil(() => {
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(cli.output().stderr)
    if (match === null && cli.child.exitCode !== null) throw new Error(`${args[0] ?? ''} exited: ${cli.output().stderr}`)
    return match === null ? undefined : Number(match[1])
  }, `mitmlab ${args[0] ?? ''} to listen`, 30_000, 50)
  return { cli, port }
}

async function runClient(port: number): Promise<string> {
  const client = startCli(['client', '--connect', `127.0.0.1:${port}`, '--data-dir', dataDir])
  running.push(client)
  expect(await client.exited).toEqual({ code: 0, signal: null })
  return client.output().stdout
}

let genuine: { cli: CliProcess; port: number }
let proxy: { cli: CliProcess; port: number }

beforeAll(async () => {
  // One PKI shared by the three processes, as the compose volume shares it.
  cpSync(loadOrCreateLabPki(mkdtempSync(join(tmpdir(), 'mitmlab-pki-'))).dir, join(dataDir, 'pki'), { recursive: true })
  genuine = await startService(['genuine', '--port', '0'])
  proxy = await startService(['proxy', '--mode', 'reverse', '--listen', '0', '--upstream', `https://127.0.0.1:${genuine.port}`])
}, 60_000)

afterAll(() => {
  for (const cli of running) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL')
})

describe('the compose services as processes', () => {
  it('lets the victim log in to the genuine server directly', async () => {
    expect(await runClient(genuine.port)).toMatch(/verdict: accept \(no step caught it\); Node: accept; login sent: yes, HTTP 302/)
  }, 30_000)

  it('lets the proxy read the login of a victim that installed the interception CA', async () => {
    expect(await runClient(proxy.port)).toMatch(/verdict: accept \(no step caught it\); Node: accept; login sent: yes, HTTP 302/)
  }, 30_000)

  it('logs a hostile peer of `mitmlab genuine` as an incident line and keeps serving', async () => {
    await sendGarbage({ host: '127.0.0.1', port: genuine.port, caPem: '', servername: 'bank.lab' }, 42)
    await pollUntil(() => (/incident handshake-failed from 127\.0\.0\.1/.test(genuine.cli.output().stderr) ? true : undefined), 'the incident line', 5_000)
    // In-process this time: the client command was exercised above, and every process costs seconds.
    const report = await runInstrumentedClient({
      connectTo: { host: '127.0.0.1', port: genuine.port },
      expectedHost: 'bank.lab',
      policy: { trustAnchors: [pki().trustedRoot.der] },
      credentials: VICTIM_CREDENTIALS,
    })
    expect({ verdict: report.verdict, status: report.http?.status }).toEqual({ verdict: 'accept', status: 302 })
  }, 30_000)

  it('stops `mitmlab genuine` cleanly on SIGTERM', async () => {
    genuine.cli.child.kill('SIGTERM')
    expect(await genuine.cli.exited).toEqual({ code: 0, signal: null })
    expect(genuine.cli.output().stderr).toMatch(/mitmlab genuine: served [1-9]\d* requests; stopped/)
  }, 15_000)
})
