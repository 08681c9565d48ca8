import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClientReport } from '../../../server/client/client-report.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { newConnectionRecord } from '../../../server/proxy/connection-record.js'
import { LabStore } from '../../../server/store/lab-store.js'

/*
 * lab-store.test.ts round-trips a clean, caught attack (asExpected true, leaked false, no error).
 * These results put a non-default value in every column and every detail field, and each
 * boolean both ways across the two, so a column written as a constant cannot read back right.
 */

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

function openStore(): LabStore {
  const store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-roundtrip-')), 'mitmlab.sqlite'))
  opened.push(store)
  return store
}

/** A real client (curl) that accepted an attack and leaked: every column away from its default. */
function acceptedAttackByCurl(runId: string): ScenarioResult {
  const connection = newConnectionRecord(3, 'terminate', '127.0.0.1:50123')
  connection.sni = 'bank.lab'
  connection.outcome = 'relayed'
  connection.plaintext.requests.push({ method: 'POST', path: '/login', host: 'bank.lab' })
  connection.plaintext.credentials.push({ field: 'password', value: 'correct-horse-battery-staple', path: '/login' })
  return {
    runId,
    ordinal: 7,
    scenarioId: 'interception-detected-by-server',
    clientId: 'curl',
    kind: 'attack',
    expected: { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH', serverDetects: true },
    verdict: 'accept',
    catchingStep: null,
    code: null,
    node: { authorized: true, error: null },
    leaked: true,
    asExpected: false,
    error: 'curl: exit 0 but the scenario timed out\nsecond line',
    startedAt: '2026-11-24T09:31:02.250Z',
    durationMs: 4321.75,
    steps: [
      { step: 'HOST', status: 'skip', code: 'UNMAPPED_CLIENT_ERROR', message: 'Unmapped: something' },
      { step: 'FP', status: 'fail', code: 'INTERCEPTION_DETECTED', message: 'The bank saw a proxy', detail: { differences: [{ field: 'alpn' }], score: 0.5 } },
    ],
    connections: [connection],
    client: null,
    genuine: {
      requests: [
        { at: '2026-11-24T09:31:03.000Z', method: 'POST', path: '/login', client: 'curl', userAgent: 'curl/7.88.1', receivedCredentials: true, fingerprint: null },
      ],
    },
    mismatches: ['curl accepted an attack that HOST should catch', 'The client could not be run: curl: exit 0 but the scenario timed out'],
    external: { rawError: null, exitCode: 0, isMapped: true, output: 'HTTP/1.1 302 Found\nLocation: /account' },
  }
}

const clientReport: Omit<ClientReport, 'steps'> = {
  clientId: 'lab-verifier',
  transport: { connected: true, error: { code: 'ECONNRESET', message: 'read ECONNRESET' } },
  tls: { version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', group: 'secp384r1', alpn: null, servername: 'www.bank.lab' },
  presentedChainDer: ['MIIB', 'MIIC'],
  chainSource: 'node-rebuilt',
  wire: { segments: [{ from: 'server', base64: 'FgMD' }], keyLog: 'CLIENT_RANDOM 00 11\n' },
  handshake: null,
  presentedChain: [],
  certificate: null,
  verdict: 'reject',
  catchingStep: 'TRUST',
  code: 'UNKNOWN_ISSUER',
  node: { authorized: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' },
  http: { sentCredentials: false, status: null, headers: { 'x-seen': 'yes' }, error: 'never sent' },
  attempts: [{ verdict: 'reject', catchingStep: 'TRUST', code: 'UNKNOWN_ISSUER' }],
}

/** The lab victim rejecting a control: the other side of each boolean, no error, no external detail. */
function rejectedControlByVictim(runId: string): ScenarioResult {
  return {
    runId,
    ordinal: 2,
    scenarioId: 'reordered-chain',
    clientId: 'lab-verifier',
    kind: 'control',
    expected: { verdict: 'accept', step: null, serverDetects: false },
    verdict: 'reject',
    catchingStep: 'TRUST',
    code: 'UNKNOWN_ISSUER',
    node: { authorized: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' },
    leaked: false,
    asExpected: false,
    error: null,
    startedAt: '2026-11-24T09:30:59.000Z',
    durationMs: 0.5,
    steps: [{ step: 'TRUST', status: 'fail', code: 'UNKNOWN_ISSUER', message: 'Nobody trusted vouches for it' }],
    connections: [],
    client: clientReport,
    genuine: { requests: [] },
    mismatches: ['Expected the client to accept, it chose reject', 'Expected step none to catch it, got TRUST'],
  }
}

describe('LabStore round trip with non-default values', () => {
  it('reads back every column and detail field exactly as written', () => {
    const store = openStore()
    store.createRun({ id: 'run-nd', trigger: 'ci', options: { clients: ['curl'], failOn: 'accepted-attack' }, scenarioCount: 9 })
    const written = [rejectedControlByVictim('run-nd'), acceptedAttackByCurl('run-nd')]
    for (const result of written) store.insertScenarioResult(result)
    // Strict: a field read back as `undefined` where none was written (external, detail) is a difference too.
    expect(store.getResults('run-nd')).toStrictEqual(written)
  })

  it('reports a sound database, and is closed after close()', () => {
    const store = openStore()
    store.createRun({ id: 'run-nd', trigger: 'ci', options: {}, scenarioCount: 1 })
    store.insertScenarioResult(acceptedAttackByCurl('run-nd'))
    expect(store.integrityCheck()).toBe('ok')
    store.close()
    expect(store.db.open).toBe(false)
    store.close()
  })

  it('round-trips proxy flows through their own table, and stores them once (migration 009)', () => {
    const store = openStore()
    store.createRun({ id: 'run-flows', trigger: 'ci', options: {}, scenarioCount: 1 })
    const result = acceptedAttackByCurl('run-flows')
    const withFlows = newConnectionRecord(4, 'terminate', '127.0.0.1:50124')
    withFlows.plaintext.requests.push({ method: 'POST', path: '/login', host: 'bank.lab' })
    withFlows.plaintext.flows = [
      {
        request: {
          leg: 'client → proxy',
          method: 'POST',
          path: '/login',
          host: 'bank.lab',
          headers: [{ name: 'Cookie', value: 'session=abc', isCredential: true }],
          body: { kind: 'form', contentType: 'application/x-www-form-urlencoded', size: 31, truncated: false, text: 'username=alice&password=hunter2' },
        },
        response: { leg: 'bank → proxy', status: 302, reason: 'Found', headers: [{ name: 'Location', value: '/account', isCredential: false }], body: null },
      },
      { request: { leg: 'client → proxy', method: 'GET', path: '/account', host: 'bank.lab', headers: [], body: null }, response: null },
    ]
    withFlows.plaintext.flowsNotListed = 1
    // A second connection whose flows all fit: it reads back with no flowsNotListed at all.
    const allListed = newConnectionRecord(5, 'terminate', '127.0.0.1:50125')
    allListed.plaintext.flows = [{ request: { leg: 'client → proxy', method: 'GET', path: '/', host: 'bank.lab', headers: [], body: null }, response: null }]
    const written: ScenarioResult = { ...result, connections: [...result.connections, withFlows, allListed] }
    store.insertScenarioResult(written)
    expect(store.getResults('run-flows')).toStrictEqual([written])
    // Stored once: in proxy_flows, not a second time inside the connection's record.
    const records = (store.db.prepare('SELECT record_json FROM connections ORDER BY ordinal').all() as { record_json: string }[]).map((row) => JSON.parse(row.record_json) as { plaintext: Record<string, unknown> })
    expect(records.map((record) => [Object.hasOwn(record.plaintext, 'flows'), Object.hasOwn(record.plaintext, 'flowsNotListed')])).toEqual([[false, false], [false, false], [false, false]])
    expect(store.db.prepare('SELECT connection_ordinal, not_listed FROM proxy_flows ORDER BY connection_ordinal').all()).toEqual([
      { connection_ordinal: 1, not_listed: 1 },
      { connection_ordinal: 2, not_listed: 0 },
    ])
  })

  it('stores each column as its own value (read straight from SQLite)', () => {
    const store = openStore()
    store.createRun({ id: 'run-nd', trigger: 'ci', options: {}, scenarioCount: 2 })
    store.insertScenarioResult(acceptedAttackByCurl('run-nd'))
    store.insertScenarioResult(rejectedControlByVictim('run-nd'))
    const rows = store.db
      .prepare('SELECT client_id, kind, expected_verdict, expected_step, expected_code, verdict, catching_step, code, node_authorized, node_error, leaked, as_expected, error FROM scenario_results ORDER BY ordinal')
      .all()
    expect(rows).toEqual([
      {
        client_id: 'lab-verifier', kind: 'control', expected_verdict: 'accept', expected_step: null, expected_code: null, verdict: 'reject', catching_step: 'TRUST',
        code: 'UNKNOWN_ISSUER', node_authorized: 0, node_error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', leaked: 0, as_expected: 0, error: null,
      },
      {
        client_id: 'curl', kind: 'attack', expected_verdict: 'reject', expected_step: 'HOST', expected_code: 'HOSTNAME_MISMATCH', verdict: 'accept', catching_step: null,
        code: null, node_authorized: 1, node_error: null, leaked: 1, as_expected: 0, error: 'curl: exit 0 but the scenario timed out\nsecond line',
      },
    ])
  })

  it('counts a run from what was stored: caught, leaked, unexpected', () => {
    const store = openStore()
    store.createRun({ id: 'run-nd', trigger: 'ci', options: { clients: ['curl'] }, scenarioCount: 9 })
    store.insertScenarioResult(acceptedAttackByCurl('run-nd'))
    store.insertScenarioResult(rejectedControlByVictim('run-nd'))
    store.insertScenarioResult({ ...rejectedControlByVictim('run-nd'), ordinal: 3, scenarioId: 'wrong-host', kind: 'attack', asExpected: true, expected: { verdict: 'reject', step: 'TRUST' } })
    // An attack that could not be run carries the default verdict 'reject': it caught nothing.
    store.insertScenarioResult({ ...rejectedControlByVictim('run-nd'), ordinal: 4, scenarioId: 'expired-leaf', kind: 'attack', catchingStep: null, code: null, error: 'SCENARIO_FAILED: did not start' })
    store.finishRun('run-nd', 'failed')
    expect(store.getRun('run-nd')).toMatchObject({
      status: 'failed',
      trigger: 'ci',
      options: { clients: ['curl'] },
      scenarioCount: 9,
      resultCount: 4,
      caughtCount: 1,
      leakedCount: 1,
      unexpectedCount: 3,
    })
    expect(store.getRun('run-nd')?.finishedAt).not.toBeNull()
  })
})
