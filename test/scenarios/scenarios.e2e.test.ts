import { describe, expect, it } from 'vitest'
import { foundationScenarios as scenarios } from '../../scenarios/index.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { LabEvents } from '../../server/bus/events.js'
import { testPki } from '../support/lab-pki.js'

const pki = testPki()

/** The exact outcome each scenario must produce, live over TLS on 127.0.0.1. */
type Expected = { verdict: 'accept' | 'reject'; step: string | null; code: string | null; leaked: boolean; fp: string }
/** fp: the genuine server's FP step (pass: the hello is the claimed client's; fail: flagged; skip: nothing reached it). */
const EXPECTED: Record<string, Expected> = {
  'direct-connection': { verdict: 'accept', step: null, code: null, leaked: false, fp: 'pass' },
  'tcp-passthrough': { verdict: 'accept', step: null, code: null, leaked: false, fp: 'pass' },
  'self-signed-leaf': { verdict: 'reject', step: 'TRUST', code: 'SELF_SIGNED_LEAF', leaked: false, fp: 'skip' },
  'untrusted-ca-leaf': { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT', leaked: false, fp: 'skip' },
  'wrong-host': { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH', leaked: false, fp: 'skip' },
  'expired-leaf': { verdict: 'reject', step: 'DATES', code: 'CERT_EXPIRED', leaked: false, fp: 'skip' },
  'not-yet-valid-leaf': { verdict: 'reject', step: 'DATES', code: 'CERT_NOT_YET_VALID', leaked: false, fp: 'skip' },
  'leaf-used-as-ca': { verdict: 'reject', step: 'BC', code: 'END_ENTITY_USED_AS_CA', leaked: false, fp: 'skip' },
  // The lab proxy re-originates with node:tls like the victim: identical hello, nothing for the server to see.
  'installed-interception-ca': { verdict: 'accept', step: null, code: null, leaked: true, fp: 'pass' },
  'installed-interception-ca-pinned': { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH', leaked: false, fp: 'skip' },
  'interception-detected-by-server': { verdict: 'accept', step: null, code: null, leaked: true, fp: 'fail' },
  'interception-mirroring-client': { verdict: 'accept', step: null, code: null, leaked: true, fp: 'pass' },
}

describe('the foundation scenarios, live', () => {
  it('has an expectation here for each foundation scenario', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(scenarios.map((s) => s.id).sort())
  })

  for (const scenario of scenarios) {
    const expected = EXPECTED[scenario.id]
    it(`${scenario.id}: ${expected?.step === null ? 'accepted' : `caught by ${expected?.step} ${expected?.code}`}`, async () => {
      const bus = new LabBus()
      const events: (keyof LabEvents)[] = []
      bus.use({
        'scenario:started': () => events.push('scenario:started'),
        'step:result': () => events.push('step:result'),
        'connection:closed': () => events.push('connection:closed'),
      })
      const result = await runScenario({ pki, bus, store: null }, scenario, { runId: 'test', ordinal: 0 })
      expect(result.error).toBeNull()
      const fp = result.steps.find((step) => step.step === 'FP')?.status
      expect({ verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked, fp }).toEqual(expected)
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      // The client verified the chain exactly as sent, decoded from the (TLS 1.3: encrypted) Certificate message.
      if (scenario.topology.kind !== 'passthrough' && scenario.topology.kind !== 'direct') {
        expect(result.client?.chainSource).toBe('as-sent')
        expect(result.client?.presentedChainDer).toEqual(
          result.connections[0]?.servedChain.map((cert) => cert.derBase64),
        )
      }
      // The trace holds every step, not just the catching one.
      expect(result.steps.map((step) => step.step)).toHaveLength(20)
      expect(events[0]).toBe('scenario:started')
      // 20 steps as decided, then FP again once the genuine server has judged the request.
      expect(events.filter((e) => e === 'step:result')).toHaveLength(21)
    })
  }

  it('shows that no step from TRUST to BC catches the installed interception CA, and the pin does', async () => {
    const pinned = scenarios.find((s) => s.id === 'installed-interception-ca-pinned')
    if (pinned === undefined) throw new Error('scenario missing')
    const result = await runScenario({ pki, bus: new LabBus(), store: null }, pinned, { runId: 'test', ordinal: 0 })
    const statusOf = (step: string): string | undefined => result.steps.find((s) => s.step === step)?.status
    expect(['TRUST', 'SIG', 'DATES', 'HOST', 'BC'].map(statusOf)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass'])
    expect(statusOf('PIN')).toBe('fail')
    expect(result.node).toEqual({ authorized: true, error: null })
    expect(result.genuine.requests).toEqual([])
  })

  it('lets the genuine server see the login only when the client accepted', async () => {
    const direct = scenarios.find((s) => s.id === 'direct-connection')
    const intercepted = scenarios.find((s) => s.id === 'installed-interception-ca')
    if (direct === undefined || intercepted === undefined) throw new Error('scenario missing')
    const env = { pki, bus: new LabBus(), store: null }
    const directResult = await runScenario(env, direct, { runId: 'test', ordinal: 0 })
    const interceptedResult = await runScenario(env, intercepted, { runId: 'test', ordinal: 1 })
    expect(directResult.genuine.requests.map((r) => [r.method, r.path, r.receivedCredentials])).toEqual([['POST', '/login', true]])
    expect(directResult.client?.http?.status).toBe(302)
    // The proxy relayed the stolen login, so the bank saw it too: the attack is invisible to the victim.
    expect(interceptedResult.genuine.requests.map((r) => [r.method, r.path])).toEqual([['POST', '/login']])
    expect(interceptedResult.connections[0]?.plaintext.credentials.map((c) => c.field)).toEqual(['username', 'password'])
  })
})

describe('server-side interception detection', () => {
  it('flags a trusted interceptor whose upstream hello is not the claimed client, naming what differs', async () => {
    const detected = scenarios.find((s) => s.id === 'interception-detected-by-server')
    if (detected === undefined) throw new Error('scenario missing')
    const result = await runScenario({ pki, bus: new LabBus(), store: null }, detected, { runId: 'test', ordinal: 0 })
    const fp = result.steps.find((step) => step.step === 'FP')
    expect(fp).toMatchObject({ status: 'fail', code: 'INTERCEPTION_DETECTED', detail: { claimed: 'lab-verifier' } })
    const differences = (fp?.detail?.['differences'] ?? []) as { field: string }[]
    expect(differences.map((d) => d.field)).toContain('cipherSuites')
    const downgrades = (fp?.detail?.['downgrades'] ?? []) as { code: string }[]
    expect(downgrades.map((d) => d.code)).toContain('SHA1_SIGNATURES_ADDED')
    // Every client-side step passed: only the server noticed.
    expect(result.steps.filter((step) => step.status === 'fail').map((step) => step.step)).toEqual(['FP'])
  })
})
