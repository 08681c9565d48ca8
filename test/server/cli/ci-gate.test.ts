import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { runMitmlab } from '../../support/cli-process.js'

const hasCurl = spawnSync('curl', ['--version']).status === 0

/** The client under test: curl posting the login through the lab's proxy, trusting exactly the victim's roots. */
const CAREFUL_CLIENT = "curl --silent --show-error --proxy {proxy} --cacert {ca_file} --data 'username=alice' --output /dev/null {url}"
/** The same client with verification switched off (`-k`): it accepts every forged certificate. */
const CARELESS_CLIENT = `${CAREFUL_CLIENT} --insecure`

/**
 * A control, three attacks a check catches, and the installed interception
 * CA, which every client that trusts the installed CA accepts (no check can
 * catch it): accepting it is the scenario's lesson and never fails the gate.
 */
const SCENARIOS = ['direct-connection', 'wrong-host', 'self-signed-leaf', 'expired-leaf', 'installed-interception-ca']

interface JunitSuite {
  name: string
  failures: string
  testcase: { name: string; failure?: { type: string } }[]
  properties: { property: { name: string; value: string }[] }
}

async function gate(client: string): Promise<{ code: number; stdout: string; junit: { failures: string; suites: JunitSuite[] }; markdown: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-ci-gate-'))
  const result = await runMitmlab(
    ['run', '--data-dir', dir, '--quiet', '--scenario', ...SCENARIOS, '--client', client, '--fail-on', 'accepted-attack', '--report', `junit:${join(dir, 'results.xml')}`, `md:${join(dir, 'summary.md')}`],
    120_000,
  )
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(dir, 'results.xml'), 'utf8')) as {
    testsuites: { failures: string; testsuite: JunitSuite[] }
  }
  return { code: result.code, stdout: result.stdout, junit: { failures: doc.testsuites.failures, suites: doc.testsuites.testsuite }, markdown: readFileSync(join(dir, 'summary.md'), 'utf8') }
}

const failingCases = (suite: JunitSuite | undefined): string[] =>
  (suite?.testcase ?? []).filter((c) => c.failure !== undefined).map((c) => c.name.split(' ')[0] ?? '')
const property = (suite: JunitSuite | undefined, name: string): string | undefined => suite?.properties.property.find((p) => p.name === name)?.value

describe.skipIf(!hasCurl)('the CI gate: --client CMD --fail-on accepted-attack', () => {
  it('exits 0 for a client that rejects every attack a check catches; JUnit and Markdown say passed too', async () => {
    const run = await gate(CAREFUL_CLIENT)
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('gate --fail-on accepted-attack judging custom: passed')
    expect(run.junit.failures).toBe('0')
    const custom = run.junit.suites.find((s) => s.name === 'custom')
    expect(failingCases(custom)).toEqual([])
    expect(property(custom, 'verdict')).toBe('passed')
    expect(run.markdown).toMatch(/^### mitmlab run `[^`]+` — passed$/m)
  }, 150_000)

  it('exits 1 for a client that accepts attacks; JUnit fails exactly those cases and Markdown says failed', async () => {
    const run = await gate(CARELESS_CLIENT)
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toContain('gate --fail-on accepted-attack judging custom: FAILED, 3 attack(s) accepted that a check catches')
    expect(run.junit.failures).toBe('3')
    const custom = run.junit.suites.find((s) => s.name === 'custom')
    expect(failingCases(custom)).toEqual(['wrong-host', 'self-signed-leaf', 'expired-leaf'])
    expect(property(custom, 'verdict')).toBe('failed')
    // The lab's own verifier is reported but not judged: it never fails a client's gate.
    const lab = run.junit.suites.find((s) => s.name === 'lab-verifier')
    expect({ judged: property(lab, 'judged'), failing: failingCases(lab) }).toEqual({ judged: 'no', failing: [] })
    expect(run.markdown).toMatch(/^### mitmlab run `[^`]+` — failed$/m)
    expect(run.markdown).toContain('| `wrong-host` | custom | HOST | — | accept | no | **false accept** (fails the gate) | ✗ |')
  }, 150_000)
})
