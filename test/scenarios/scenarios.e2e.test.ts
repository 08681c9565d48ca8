import { describe, expect, it } from 'vitest'
import { foundationScenarios as scenarios } from '../../scenarios/index.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { LabEvents } from '../../server/bus/events.js'
import { testPki } from '../support/lab-pki.js'

const pki = testPki()

/** The exact outcome each scenario must produce, live over TLS on 127.0.0.1. */
const EXPECTED: Record<string, { verdict: 'accept' | 'reject'; step: string | null; code: string | null; leaked: boolean }> = {
  'direct-connection': { verdict: 'accept', step: null, code: null, leaked: false },
  'tcp-passthrough': { verdict: 'accept', step: null, code: null, leaked: false },
  'self-signed-leaf': { verdict: 'reject', step: 'TRUST', code: 'SELF_SIGNED_LEAF', leaked: false },
  'untrusted-ca-leaf': { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT', leaked: false },
  'wrong-host': { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH', leaked: false },
  'expired-leaf': { verdict: 'reject', step: 'DATES', code: 'CERT_EXPIRED', leaked: false },
  'not-yet-valid-leaf': { verdict: 'reject', step: 'DATES', code: 'CERT_NOT_YET_VALID', leaked: false },
  'leaf-used-as-ca': { verdict: 'reject', step: 'BC', code: 'END_ENTITY_USED_AS_CA', leaked: false },
  'installed-interception-ca': { verdict: 'accept', step: null, code: null, leaked: true },
  'installed-interception-ca-pinned': { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH', leaked: false },
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
      expect({ verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked }).toEqual(expected)
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      // The client verified the chain exactly as sent, decoded from the (TLS 1.3: encrypted) Certificate message.
      if (scenario.id !== 'tcp-passthrough' && scenario.id !== 'direct-connection') {
        expect(result.client?.chainSource).toBe('as-sent')
        expect(result.client?.presentedChainDer).toEqual(
          result.connections[0]?.servedChain.map((cert) => cert.derBase64),
        )
      }
      // The trace holds every step, not just the catching one.
      expect(result.steps.map((step) => step.step)).toHaveLength(20)
      expect(events[0]).toBe('scenario:started')
      expect(events.filter((e) => e === 'step:result')).toHaveLength(20)
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
