import { describe, expect, it } from 'vitest'
import type { Scenario, Topology } from '../../scenarios/define-scenario.js'
import { judgeDriverResult, judgeResult, type JudgeDriverResultParams, type JudgeResultParams } from '../../scenarios/judge-result.js'
import type { ClientReport } from '../../server/client/client-report.js'
import type { DriverOutcome } from '../../server/drivers/client-driver.js'
import type { ExpectedOutcome, GenuineRequest } from '../../server/lab/scenario-result.js'
import { newConnectionRecord, type ConnectionRecord } from '../../server/proxy/connection-record.js'
import type { StepId } from '../../server/steps/step-ids.js'
import type { StepResult } from '../../server/steps/step-result.js'

/*
 * The judge decides what a person is told ("ok", exit 0, a green CI case). Every input here is
 * built by hand and every expected mismatch is written out literally: nothing is computed by
 * the code under test.
 */

/** The lab victim's password, as the genuine bank knows it (server/genuine/bank-site.ts). */
const PASSWORD = 'correct-horse-battery-staple'

const DIRECT: Topology = { kind: 'direct' }
const PASSTHROUGH: Topology = { kind: 'passthrough' }
const INTERCEPT: Topology = { kind: 'intercept', forge: () => ({ served: [], description: 'unused by the judge' }) }

function scenario(kind: 'attack' | 'control', expect: ExpectedOutcome, topology: Topology = kind === 'control' ? DIRECT : INTERCEPT): Scenario {
  return { id: `judged-${kind}`, title: 'A judged scenario', explanation: 'unused', references: [], tags: [], kind, topology, expect }
}

const HOST_ATTACK = scenario('attack', { verdict: 'reject', step: 'HOST' })
const HOST_ATTACK_PINNED_CODE = scenario('attack', { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH' })
const UNCATCHABLE_ATTACK = scenario('attack', { verdict: 'accept', step: null })
const CONTROL = scenario('control', { verdict: 'accept', step: null })

function fail(step: StepId, code: string): StepResult {
  return { step, status: 'fail', code, message: `${step} failed with ${code}` }
}
function pass(step: StepId): StepResult {
  return { step, status: 'pass', message: `${step} passed` }
}

function report(verdict: 'accept' | 'reject', catchingStep: StepId | null, code: string | null, steps: StepResult[] = []): ClientReport {
  return {
    clientId: 'lab-verifier',
    transport: { connected: true, error: null },
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', group: 'X25519MLKEM768', alpn: 'http/1.1', servername: 'bank.lab' },
    presentedChainDer: [],
    chainSource: 'as-sent',
    wire: { segments: [], keyLog: '' },
    handshake: null,
    presentedChain: [],
    certificate: null,
    steps,
    verdict,
    catchingStep,
    code,
    node: { authorized: verdict === 'accept', error: verdict === 'accept' ? null : 'ERR_TLS_CERT_ALTNAME_INVALID' },
    http: null,
  }
}

/** A proxy connection that read `password` in the clear from a login POST. */
function connectionThatRead(password: string | null): ConnectionRecord {
  const connection = newConnectionRecord(1, 'terminate', '127.0.0.1:50000')
  connection.plaintext.requests.push({ method: 'POST', path: '/login', host: 'bank.lab' })
  if (password !== null) {
    connection.plaintext.credentials.push({ field: 'username', value: 'alice', path: '/login' })
    connection.plaintext.credentials.push({ field: 'password', value: password, path: '/login' })
  }
  return connection
}

const GENUINE_REQUEST: GenuineRequest = {
  at: '2026-11-24T09:30:00.500Z',
  method: 'POST',
  path: '/login',
  client: 'lab-verifier',
  userAgent: 'mitmlab-client/1',
  receivedCredentials: true,
  fingerprint: null,
}

function victim(judged: Scenario, client: ClientReport | null, extra: Partial<JudgeResultParams> = {}): ReturnType<typeof judgeResult> {
  return judgeResult({
    scenario: judged,
    position: { runId: 'run-7', ordinal: 4 },
    client,
    error: null,
    connections: [],
    genuineRequests: [],
    startedAt: new Date('2026-11-24T09:30:00.000Z'),
    durationMs: 812,
    ...extra,
  })
}

describe('judgeResult (the lab victim)', () => {
  it('states every shared field of the result as given', () => {
    const client = report('reject', 'HOST', 'HOSTNAME_MISMATCH', [pass('TRUST'), fail('HOST', 'HOSTNAME_MISMATCH')])
    const connection = connectionThatRead(null)
    const result = victim(HOST_ATTACK, client, { connections: [connection], genuineRequests: [GENUINE_REQUEST] })
    const { steps: _steps, ...clientWithoutSteps } = client
    expect(result).toEqual({
      runId: 'run-7',
      ordinal: 4,
      scenarioId: 'judged-attack',
      kind: 'attack',
      expected: { verdict: 'reject', step: 'HOST' },
      error: null,
      startedAt: '2026-11-24T09:30:00.000Z',
      durationMs: 812,
      connections: [connection],
      genuine: { requests: [GENUINE_REQUEST] },
      clientId: 'lab-verifier',
      verdict: 'reject',
      catchingStep: 'HOST',
      code: 'HOSTNAME_MISMATCH',
      node: { authorized: false, error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      leaked: false,
      asExpected: true,
      steps: [pass('TRUST'), fail('HOST', 'HOSTNAME_MISMATCH')],
      client: clientWithoutSteps,
      mismatches: [],
    })
  })

  it.each<[string, Scenario, ClientReport, string[]]>([
    ['right verdict, right step', HOST_ATTACK, report('reject', 'HOST', 'HOSTNAME_MISMATCH'), []],
    ['right step, any code when the scenario pins none', HOST_ATTACK, report('reject', 'HOST', 'NO_SUBJECT_ALT_NAME'), []],
    ['right step and the pinned code', HOST_ATTACK_PINNED_CODE, report('reject', 'HOST', 'HOSTNAME_MISMATCH'), []],
    // The lab's central claim: the verdict matches, but the wrong step caught the attack.
    ['right verdict, wrong step', HOST_ATTACK, report('reject', 'DATES', 'CERT_EXPIRED'), ['Expected step HOST to catch it, got DATES']],
    [
      'right verdict, wrong step and wrong pinned code',
      HOST_ATTACK_PINNED_CODE,
      report('reject', 'TRUST', 'UNKNOWN_ISSUER'),
      ['Expected step HOST to catch it, got TRUST', 'Expected failure code HOSTNAME_MISMATCH, got UNKNOWN_ISSUER'],
    ],
    ['right step, wrong pinned code', HOST_ATTACK_PINNED_CODE, report('reject', 'HOST', 'NO_SUBJECT_ALT_NAME'), ['Expected failure code HOSTNAME_MISMATCH, got NO_SUBJECT_ALT_NAME']],
    [
      'an attack accepted that a step should catch',
      HOST_ATTACK_PINNED_CODE,
      report('accept', null, null),
      ['Expected the client to reject, it chose accept', 'Expected step HOST to catch it, got none', 'Expected failure code HOSTNAME_MISMATCH, got none'],
    ],
    ['an attack nothing can catch, accepted', UNCATCHABLE_ATTACK, report('accept', null, null), []],
    [
      'an attack nothing can catch, rejected anyway',
      UNCATCHABLE_ATTACK,
      report('reject', 'PIN', 'PIN_MISMATCH'),
      ['Expected the client to accept, it chose reject', 'Expected step none to catch it, got PIN'],
    ],
    ['a control accepted', CONTROL, report('accept', null, null), []],
    [
      'a control rejected',
      CONTROL,
      report('reject', 'TRUST', 'UNKNOWN_ISSUER'),
      ['Expected the client to accept, it chose reject', 'Expected step none to catch it, got TRUST'],
    ],
  ])('%s', (_name, judged, client, mismatches) => {
    const result = victim(judged, client)
    expect(result.mismatches).toEqual(mismatches)
    expect(result.asExpected).toBe(mismatches.length === 0)
    expect([result.verdict, result.catchingStep, result.code]).toEqual([client.verdict, client.catchingStep, client.code])
  })

  describe('leaked credentials', () => {
    it('an accepted attack whose login the proxy read: leaked, and as expected when nothing can catch it', () => {
      const result = victim(UNCATCHABLE_ATTACK, report('accept', null, null), { connections: [connectionThatRead(PASSWORD)] })
      expect(result).toMatchObject({ leaked: true, asExpected: true, mismatches: [] })
    })

    it('a control whose login the proxy read is a mismatch of its own', () => {
      const result = victim(CONTROL, report('accept', null, null), { connections: [connectionThatRead(PASSWORD)] })
      expect(result).toMatchObject({ leaked: true, asExpected: false, mismatches: ['A control leaked credentials to the proxy'] })
    })

    it('is the victim password, not any credential-looking field: another password is no leak', () => {
      const result = victim(CONTROL, report('accept', null, null), { connections: [connectionThatRead('hunter2')] })
      expect(result).toMatchObject({ leaked: false, asExpected: true })
    })

    it('looks at every connection, not only the first', () => {
      const result = victim(UNCATCHABLE_ATTACK, report('accept', null, null), {
        connections: [connectionThatRead(null), connectionThatRead(PASSWORD)],
      })
      expect(result.leaked).toBe(true)
    })

    it('a pass-through proxy that read plaintext is a mismatch (it must only see ciphertext)', () => {
      const passthroughControl = scenario('control', { verdict: 'accept', step: null }, PASSTHROUGH)
      expect(victim(passthroughControl, report('accept', null, null), { connections: [connectionThatRead(null)] }).mismatches).toEqual([
        'The pass-through proxy read plaintext',
      ])
      expect(victim(passthroughControl, report('accept', null, null), { connections: [newConnectionRecord(1, 'passthrough', '127.0.0.1:1')] }).mismatches).toEqual([])
    })

    it('an intercepting proxy reading plaintext is not, by itself, a mismatch', () => {
      expect(victim(HOST_ATTACK, report('reject', 'HOST', 'HOSTNAME_MISMATCH'), { connections: [connectionThatRead(null)] }).mismatches).toEqual([])
    })
  })

  describe('server-side detection (FP)', () => {
    const detects = (serverDetects: boolean): Scenario => scenario('attack', { verdict: 'accept', step: null, serverDetects })
    const withFp = (status: 'pass' | 'fail' | 'skip'): ClientReport =>
      report('accept', null, null, [pass('TRUST'), status === 'fail' ? fail('FP', 'INTERCEPTION_DETECTED') : { step: 'FP', status, message: 'FP' }])

    it.each<[string, Scenario, ClientReport, string[]]>([
      ['expected to flag, flagged', detects(true), withFp('fail'), []],
      ['expected to flag, passed', detects(true), withFp('pass'), ['Expected the genuine server to flag the connection (FP)']],
      ['expected to flag, skipped', detects(true), withFp('skip'), ['Expected the genuine server to flag the connection (FP)']],
      ['expected not to flag, passed', detects(false), withFp('pass'), []],
      ['expected not to flag, flagged', detects(false), withFp('fail'), ['Expected the genuine server not to flag the connection (FP)']],
      ['no expectation, flagged', UNCATCHABLE_ATTACK, withFp('fail'), []],
    ])('%s', (_name, judged, client, mismatches) => {
      expect(victim(judged, client).mismatches).toEqual(mismatches)
    })

    it('expected to flag, but the client never ran: the missing FP is a mismatch too', () => {
      expect(victim(detects(true), null, { error: 'SCENARIO_FAILED: did not start' }).mismatches).toEqual([
        'The scenario could not be run: SCENARIO_FAILED: did not start',
        'Expected the client to accept, it chose reject',
        'Expected the genuine server to flag the connection (FP)',
      ])
    })
  })

  describe('not exercised: the scenario could not be run', () => {
    it('is never as expected, names the first line of the error, and keeps no client', () => {
      const result = victim(HOST_ATTACK_PINNED_CODE, null, { error: 'SCENARIO_FAILED: Scenario x did not start within 20000 ms\n    at stageScenario (runner.ts:1)' })
      expect(result).toMatchObject({
        clientId: 'lab-verifier',
        verdict: 'reject',
        catchingStep: null,
        code: null,
        node: { authorized: false, error: null },
        leaked: false,
        asExpected: false,
        error: 'SCENARIO_FAILED: Scenario x did not start within 20000 ms\n    at stageScenario (runner.ts:1)',
        steps: [],
        client: null,
      })
      expect(result.mismatches).toEqual([
        'The scenario could not be run: SCENARIO_FAILED: Scenario x did not start within 20000 ms',
        'Expected step HOST to catch it, got none',
        'Expected failure code HOSTNAME_MISMATCH, got none',
      ])
    })

    it('an error is a mismatch even when the client report happens to match', () => {
      const result = victim(HOST_ATTACK, report('reject', 'HOST', 'HOSTNAME_MISMATCH'), { error: 'lab-verifier: INTERNAL: boom' })
      expect(result).toMatchObject({ asExpected: false, mismatches: ['The scenario could not be run: lab-verifier: INTERNAL: boom'] })
    })

    it('a control that could not be run is not "accepted"', () => {
      expect(victim(CONTROL, null, { error: 'SCENARIO_FAILED: no server' }).mismatches).toEqual([
        'The scenario could not be run: SCENARIO_FAILED: no server',
        'Expected the client to accept, it chose reject',
      ])
    })
  })
})

function outcome(verdict: 'accept' | 'reject', step: StepId | null, rawError: string | null, isMapped = step !== null): DriverOutcome {
  return { verdict, rawError, exitCode: verdict === 'accept' ? 0 : 60, step, isMapped, output: `output of a ${verdict}` }
}

function driver(judged: Scenario, driverOutcome: DriverOutcome | null, extra: Partial<JudgeDriverResultParams> = {}): ReturnType<typeof judgeDriverResult> {
  return judgeDriverResult({
    scenario: judged,
    position: { runId: 'run-7', ordinal: 4 },
    clientId: 'curl',
    outcome: driverOutcome,
    error: null,
    connections: [],
    genuineRequests: [],
    startedAt: new Date('2026-11-24T09:31:00.000Z'),
    durationMs: 95,
    ...extra,
  })
}

const CURL_HOST_ERROR = "exit 60: curl: (60) SSL: no alternative certificate subject name matches target host name 'bank.lab'"

describe('judgeDriverResult (real clients)', () => {
  it('states a mapped rejection as the client said it, with its step and the raw error', () => {
    const result = driver(HOST_ATTACK_PINNED_CODE, outcome('reject', 'HOST', CURL_HOST_ERROR))
    expect(result).toEqual({
      runId: 'run-7',
      ordinal: 4,
      scenarioId: 'judged-attack',
      kind: 'attack',
      expected: { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH' },
      error: null,
      startedAt: '2026-11-24T09:31:00.000Z',
      durationMs: 95,
      connections: [],
      genuine: { requests: [] },
      clientId: 'curl',
      verdict: 'reject',
      catchingStep: 'HOST',
      code: 'CLIENT_REJECTED',
      node: { authorized: false, error: CURL_HOST_ERROR },
      leaked: false,
      asExpected: true,
      steps: [{ step: 'HOST', status: 'fail', code: 'CLIENT_REJECTED', message: CURL_HOST_ERROR }],
      client: null,
      mismatches: [],
      external: { rawError: CURL_HOST_ERROR, exitCode: 60, isMapped: true, output: 'output of a reject' },
    })
  })

  it('an error no row maps is a rejection with no step, shown verbatim, never guessed', () => {
    const raw = 'exit 35: curl: (35) OpenSSL/3.0.19: error:02000086:rsa routines::last octet invalid'
    const result = driver(HOST_ATTACK, outcome('reject', null, raw))
    expect(result).toMatchObject({
      verdict: 'reject',
      catchingStep: null,
      code: 'UNMAPPED_CLIENT_ERROR',
      asExpected: true,
      mismatches: [],
      steps: [{ step: 'TRUST', status: 'skip', code: 'UNMAPPED_CLIENT_ERROR', message: `Unmapped: ${raw}` }],
      external: { rawError: raw, exitCode: 60, isMapped: false, output: 'output of a reject' },
    })
  })

  it.each<[string, Scenario, DriverOutcome, string[]]>([
    ['refuses an attack at the expected step', HOST_ATTACK, outcome('reject', 'HOST', CURL_HOST_ERROR), []],
    // Its step is its own table's reading of its own words: information, not a failure.
    ['refuses an attack at another step', HOST_ATTACK_PINNED_CODE, outcome('reject', 'TRUST', 'exit 60: unable to get local issuer certificate'), []],
    ['accepts an attack a step should catch', HOST_ATTACK, outcome('accept', null, null), ['curl accepted an attack that HOST should catch']],
    ['accepts an attack nothing can catch', UNCATCHABLE_ATTACK, outcome('accept', null, null), []],
    [
      'refuses an attack nothing can catch',
      UNCATCHABLE_ATTACK,
      outcome('reject', 'TRUST', 'exit 60: unable to get local issuer certificate'),
      ['curl rejected a connection a correct client accepts'],
    ],
    ['accepts a control', CONTROL, outcome('accept', null, null), []],
    // --fail-on unexpected must flag a client that breaks legitimate connections.
    ['refuses a control (mapped)', CONTROL, outcome('reject', 'TRUST', 'exit 60: unable to get local issuer certificate'), ['curl rejected a connection a correct client accepts']],
    ['refuses a control (unmapped)', CONTROL, outcome('reject', null, 'exit 7: connection refused'), ['curl rejected a connection a correct client accepts']],
  ])('%s', (_name, judged, driverOutcome, mismatches) => {
    const result = driver(judged, driverOutcome)
    expect(result.mismatches).toEqual(mismatches)
    expect(result.asExpected).toBe(mismatches.length === 0)
    expect(result.verdict).toBe(driverOutcome.verdict)
  })

  it('an accepted attack: no step, no code, authorized, and leaked when the proxy read the password', () => {
    const result = driver(HOST_ATTACK, outcome('accept', null, null), { connections: [connectionThatRead(PASSWORD)] })
    expect(result).toMatchObject({
      verdict: 'accept',
      catchingStep: null,
      code: null,
      node: { authorized: true, error: null },
      leaked: true,
      asExpected: false,
      // The leak of an attack is the lesson, not a second mismatch (only a control's leak is one).
      mismatches: ['curl accepted an attack that HOST should catch'],
      steps: [],
      external: { rawError: null, exitCode: 0, isMapped: false, output: 'output of a accept' },
    })
  })

  it('a control whose login the proxy read is a mismatch, as for the lab victim', () => {
    const result = driver(CONTROL, outcome('accept', null, null), { connections: [connectionThatRead(PASSWORD)] })
    expect(result).toMatchObject({ leaked: true, asExpected: false, mismatches: ['A control leaked credentials to the proxy'] })
  })

  it('does not judge the pinned failure code: a real client has its own words', () => {
    expect(driver(HOST_ATTACK_PINNED_CODE, outcome('reject', 'HOST', CURL_HOST_ERROR)).mismatches).toEqual([])
  })

  describe('not exercised: the client could not be run', () => {
    it('is a mismatch naming the first line of the error, with no outcome', () => {
      const result = driver(HOST_ATTACK, null, { error: 'curl: spawn curl ENOENT\n    at ChildProcess._handle.onexit' })
      expect(result).toMatchObject({
        verdict: 'reject',
        catchingStep: null,
        code: null,
        node: { authorized: false, error: 'curl: spawn curl ENOENT\n    at ChildProcess._handle.onexit' },
        asExpected: false,
        mismatches: ['The client could not be run: curl: spawn curl ENOENT'],
        steps: [],
        external: { rawError: null, exitCode: null, isMapped: false, output: '' },
      })
    })

    it('a control that could not be run is flagged once, for the error, not as a false reject', () => {
      expect(driver(CONTROL, null, { error: 'curl did not finish direct-connection within 20000 ms' }).mismatches).toEqual([
        'The client could not be run: curl did not finish direct-connection within 20000 ms',
      ])
    })
  })
})

/*
 * Not exercised (judge-result.ts notExercisedReason) and the HSTS refusal (refusedPlaintextByHsts):
 * a real client that never met the attack is shown, never counted; a client that took itself to
 * https:// in an sslstrip attack is the HSTS step catching it. The drivers' own tests reach these
 * only with curl installed; here every branch is judged by hand.
 */
describe('judgeDriverResult: not exercised, and the HSTS refusal', () => {
  const PIN_ATTACK = scenario('attack', { verdict: 'reject', step: 'PIN' })
  const HSTS_ATTACK = scenario('attack', { verdict: 'reject', step: 'HSTS' })
  const PROBABILISTIC_ATTACK = scenario('attack', { verdict: 'reject', step: 'TRUST' })

  function relayed(mode: 'passthrough' | 'terminate', id = 1): ConnectionRecord {
    return newConnectionRecord(id, mode, `127.0.0.1:5000${id}`)
  }
  /** A connection that read a plain-HTTP request but no password (the stripping proxy's view of a first visit). */
  function sawPlaintext(id = 1): ConnectionRecord {
    const connection = newConnectionRecord(id, 'terminate', `127.0.0.1:5000${id}`)
    connection.plaintext.requests.push({ method: 'GET', path: '/', host: 'bank.lab' })
    return connection
  }
  const httpsLogin = (verdict: 'accept' | 'reject' = 'accept', loginSentTo = 'https://bank.lab/login', visitedHttpFirst = true): DriverOutcome => ({
    ...outcome(verdict, verdict === 'reject' ? 'TRUST' : null, verdict === 'reject' ? 'exit 60: unable to get local issuer certificate' : null),
    visitedHttpFirst,
    loginSentTo,
  })

  describe("the victim's configuration (SPKI pins, CT enforcement) that no driver is given", () => {
    it('an accepted pinning attack is not exercised: NOT_EXERCISED, no mismatch, the reason named', () => {
      const result = driver(PIN_ATTACK, outcome('accept', null, null), { victimConfiguration: ['SPKI pins'] })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: 'NOT_EXERCISED', asExpected: true, mismatches: [], steps: [] })
      expect(result.external?.notExercised).toBe(
        "the scenario's victim is configured with SPKI pins, which curl is not given: the attack on a client so configured was never tried on it (its unconfigured twin scenario judges it)",
      )
    })

    it('names every item, and a rejection keeps its step but is not counted either', () => {
      const result = driver(PIN_ATTACK, outcome('reject', 'TRUST', 'exit 60: unable to get local issuer certificate'), { victimConfiguration: ['SPKI pins', 'CT enforcement'] })
      expect(result).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'NOT_EXERCISED', asExpected: true, mismatches: [] })
      expect(result.external?.notExercised).toBe(
        "the scenario's victim is configured with SPKI pins and CT enforcement, which curl is not given: the attack on a client so configured was never tried on it (its unconfigured twin scenario judges it)",
      )
    })

    it('an empty configuration is no configuration: the accepted attack is judged', () => {
      const result = driver(PIN_ATTACK, outcome('accept', null, null), { victimConfiguration: [] })
      expect(result).toMatchObject({ code: null, asExpected: false, mismatches: ['curl accepted an attack that PIN should catch'] })
      expect(result.external).not.toHaveProperty('notExercised')
    })

    it('a client that could not be run is an error, not "not exercised"', () => {
      const result = driver(PIN_ATTACK, null, { victimConfiguration: ['SPKI pins'], error: 'curl: spawn curl ENOENT' })
      expect(result).toMatchObject({ code: null, asExpected: false, mismatches: ['The client could not be run: curl: spawn curl ENOENT'] })
      expect(result.external).not.toHaveProperty('notExercised')
    })
  })

  describe('a probabilistic attacker that relays some connections untouched', () => {
    it('one connection, relayed untouched, where the victim makes three: not exercised ("it")', () => {
      const result = driver(PROBABILISTIC_ATTACK, outcome('accept', null, null), { victimConnections: 3, connections: [relayed('passthrough')] })
      expect(result).toMatchObject({ code: 'NOT_EXERCISED', asExpected: true, mismatches: [] })
      expect(result.external?.notExercised).toBe(
        'curl connected 1 time(s) and the attacker, who intercepts only some connections, relayed it untouched: the attack was never tried on it',
      )
    })

    it('two connections, both relayed untouched, where the victim makes two: not exercised ("them")', () => {
      const result = driver(PROBABILISTIC_ATTACK, outcome('accept', null, null), { victimConnections: 2, connections: [relayed('passthrough', 1), relayed('passthrough', 2)] })
      expect(result.external?.notExercised).toBe(
        'curl connected 2 time(s) and the attacker, who intercepts only some connections, relayed them untouched: the attack was never tried on it',
      )
    })

    it.each<[string, Partial<JudgeDriverResultParams>]>([
      ['the default of one victim connection, relayed untouched', { connections: [relayed('passthrough')] }],
      ['one victim connection (stated), relayed untouched', { victimConnections: 1, connections: [relayed('passthrough')] }],
      ['three victim connections, none seen by the attacker', { victimConnections: 3, connections: [] }],
      ['three victim connections, the only one intercepted', { victimConnections: 3, connections: [relayed('terminate')] }],
      ['three victim connections, one of two intercepted', { victimConnections: 3, connections: [relayed('passthrough', 1), relayed('terminate', 2)] }],
    ])('%s: the accepted attack is judged', (_name, extra) => {
      const result = driver(PROBABILISTIC_ATTACK, outcome('accept', null, null), extra)
      expect(result).toMatchObject({ code: null, asExpected: false, mismatches: ['curl accepted an attack that TRUST should catch'] })
      expect(result.external).not.toHaveProperty('notExercised')
    })
  })

  describe('an attack on the first, plain-HTTP visit (sslstrip, HSTS)', () => {
    it('a client that went straight to https:// while the proxy saw only ciphertext: not exercised', () => {
      const result = driver(HSTS_ATTACK, outcome('accept', null, null), { startsOverHttp: true, connections: [relayed('terminate')] })
      expect(result).toMatchObject({ verdict: 'accept', code: 'NOT_EXERCISED', asExpected: true, mismatches: [] })
      expect(result.external?.notExercised).toBe(
        'curl went straight to https:// (it cannot be told to type the bare name): the stripping proxy saw only ciphertext, so the attack was never tried on it',
      )
    })

    it.each<[string, Partial<JudgeDriverResultParams>]>([
      ['the proxy read a plaintext request', { startsOverHttp: true, connections: [sawPlaintext()] }],
      ['the proxy read a plaintext request on the second of two connections', { startsOverHttp: true, connections: [relayed('terminate', 1), sawPlaintext(2)] }],
      ['the scenario does not start over HTTP', { startsOverHttp: false, connections: [relayed('terminate')] }],
    ])('judged when %s', (_name, extra) => {
      const result = driver(HSTS_ATTACK, outcome('accept', null, null), extra)
      expect(result).toMatchObject({ code: null, asExpected: false, mismatches: ['curl accepted an attack that HSTS should catch'] })
      expect(result.external).not.toHaveProperty('notExercised')
    })

    it('a client that typed the bare name and sent its login to https:// by itself, leaking nothing: caught at HSTS', () => {
      const result = driver(HSTS_ATTACK, httpsLogin(), { startsOverHttp: true, connections: [sawPlaintext()] })
      const message = 'curl went to https:// by itself: the login never crossed the stripping proxy in the clear (HSTS, RFC 6797 §8.3)'
      expect(result).toMatchObject({
        verdict: 'reject',
        catchingStep: 'HSTS',
        code: 'CLIENT_REJECTED',
        node: { authorized: false, error: message },
        asExpected: true,
        mismatches: [],
        steps: [{ step: 'HSTS', status: 'fail', code: 'CLIENT_REJECTED', message }],
        external: { rawError: message, exitCode: 0, isMapped: true },
      })
      expect(result.external).not.toHaveProperty('notExercised')
    })

    it.each<[string, Scenario, DriverOutcome, ConnectionRecord[], string[]]>([
      ['its login went to http:// (the stripped form took it)', HSTS_ATTACK, httpsLogin('accept', 'http://bank.lab/login'), [sawPlaintext()], ['curl accepted an attack that HSTS should catch']],
      ['the proxy read its password', HSTS_ATTACK, httpsLogin(), [connectionThatRead(PASSWORD)], ['curl accepted an attack that HSTS should catch']],
      ['it is a control', scenario('control', { verdict: 'accept', step: null }, INTERCEPT), httpsLogin(), [sawPlaintext()], []],
    ])('no HSTS catch when %s: the acceptance stands', (_name, judged, driverOutcome, connections, mismatches) => {
      const result = driver(judged, driverOutcome, { startsOverHttp: true, connections })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: null, steps: [], mismatches })
    })

    it('no HSTS catch for a client that refused on its own: its rejection stands as it said it', () => {
      const result = driver(HSTS_ATTACK, httpsLogin('reject'), { startsOverHttp: true, connections: [sawPlaintext()] })
      expect(result).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'CLIENT_REJECTED', asExpected: true })
      expect(result.steps).toEqual([{ step: 'TRUST', status: 'fail', code: 'CLIENT_REJECTED', message: 'exit 60: unable to get local issuer certificate' }])
    })

    it('no HSTS catch when the client did not visit over HTTP first: not exercised instead (the proxy saw ciphertext only)', () => {
      const result = driver(HSTS_ATTACK, httpsLogin('accept', 'https://bank.lab/login', false), { startsOverHttp: true, connections: [relayed('terminate')] })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: 'NOT_EXERCISED', steps: [] })
    })

    it('no HSTS catch when the client did not visit over HTTP first, even though the proxy read a plaintext request: judged', () => {
      const result = driver(HSTS_ATTACK, httpsLogin('accept', 'https://bank.lab/login', false), { startsOverHttp: true, connections: [sawPlaintext()] })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: null, steps: [], mismatches: ['curl accepted an attack that HSTS should catch'] })
    })

    it('a client that visited over HTTP first is judged even when the proxy recorded no plaintext (never "not exercised")', () => {
      const result = driver(HSTS_ATTACK, httpsLogin('accept', 'http://bank.lab/login'), { startsOverHttp: true, connections: [relayed('terminate')] })
      expect(result).toMatchObject({ verdict: 'accept', code: null, mismatches: ['curl accepted an attack that HSTS should catch'] })
      expect(result.external).not.toHaveProperty('notExercised')
    })

    it('no HSTS catch in a scenario that does not start over HTTP', () => {
      const result = driver(HSTS_ATTACK, httpsLogin(), { startsOverHttp: false, connections: [sawPlaintext()] })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: null, mismatches: ['curl accepted an attack that HSTS should catch'] })
    })

    it('a victim configuration the client lacks wins over an HSTS-looking outcome: not exercised, as the client said it', () => {
      const result = driver(HSTS_ATTACK, httpsLogin(), { startsOverHttp: true, victimConfiguration: ['SPKI pins'], connections: [sawPlaintext()] })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, code: 'NOT_EXERCISED', steps: [], mismatches: [] })
    })

    it('an error wins over an HSTS-looking outcome', () => {
      const result = driver(HSTS_ATTACK, httpsLogin(), { startsOverHttp: true, connections: [sawPlaintext()], error: 'curl did not finish within 20000 ms' })
      expect(result).toMatchObject({ verdict: 'accept', catchingStep: null, mismatches: ['The client could not be run: curl did not finish within 20000 ms'] })
    })
  })
})
