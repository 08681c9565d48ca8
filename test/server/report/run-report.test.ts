import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { formatHtmlReport } from '../../../server/report/format-html.js'
import { findRun, loadRunReport } from '../../../server/report/run-report.js'
import { LabStore } from '../../../server/store/lab-store.js'
import type { CertSummary } from '../../../server/verifier/types.js'
import { testPki } from '../../support/lab-pki.js'
import { resultFixture } from '../store/result-fixture.js'

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

function storeWithRuns(ids: string[]): LabStore {
  const store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-run-report-')), 'mitmlab.sqlite'))
  opened.push(store)
  for (const id of ids) store.createRun({ id, trigger: 'test', options: {}, scenarioCount: 1 })
  return store
}

describe('findRun', () => {
  it('finds the latest run, an exact id, and an unambiguous prefix', () => {
    const store = storeWithRuns(['20261124T090000Z-aaaaaa', '20261124T090000Z-aaaabb', '20261124T100000Z-cccccc'])
    expect(findRun(store, 'latest').id).toBe('20261124T100000Z-cccccc')
    expect(findRun(store, '20261124T090000Z-aaaaaa').id).toBe('20261124T090000Z-aaaaaa')
    expect(findRun(store, '20261124T10').id).toBe('20261124T100000Z-cccccc')
  })

  it('prefers an exact id over a longer id it is the prefix of', () => {
    const store = storeWithRuns(['run-1', 'run-10'])
    expect(findRun(store, 'run-1').id).toBe('run-1')
  })

  it.each([
    ['an empty store', [], 'latest', 'holds no run yet; run `mitmlab run` first'],
    ['an unknown id', ['run-a'], 'nope', 'No run "nope" in '],
    ['an ambiguous prefix', ['run-a1', 'run-a2'], 'run-a', '"run-a" matches 2 runs; give more of the id'],
  ])('refuses %s with a message naming it', (_name, ids, ref, message) => {
    const store = storeWithRuns(ids)
    expect(() => findRun(store, ref)).toThrow(expect.objectContaining({ code: 'API_INVALID_INPUT', message: expect.stringContaining(message) }))
  })
})

describe('loadRunReport', () => {
  it('names known scenarios from the registry, keeps unknown ones by id, and sets the genuine chain beside them', () => {
    const store = storeWithRuns(['run-1'])
    store.insertScenarioResult({ ...resultFixture('run-1', 0, 'wrong-host') })
    store.insertScenarioResult({ ...resultFixture('run-1', 1, 'retired-scenario') })
    const report = loadRunReport(store, 'latest', testPki(), new Date('2026-11-24T12:00:00Z'))
    expect(report.run.id).toBe('run-1')
    expect(report.generatedAt).toBe('2026-11-24T12:00:00.000Z')
    expect(report.results.map((r) => r.scenarioId)).toEqual(['wrong-host', 'retired-scenario'])
    expect(report.scenarios['wrong-host']?.title).toBe('Valid certificate for another host')
    expect(report.scenarios['retired-scenario']).toEqual({ id: 'retired-scenario', title: 'retired-scenario', explanation: '', references: [], tags: [] })
    expect(report.genuineChain.map((c) => c.subject)).toEqual(['CN=bank.lab', 'C=ZZ, O=mitmlab Trust Services, CN=mitmlab Issuing CA 1'])
    expect(loadRunReport(store, 'run-1', null).genuineChain).toEqual([])
  })
})

describe('formatHtmlReport chain comparison', () => {
  const cert = (fields: Partial<CertSummary>): CertSummary => ({
    subject: 'CN=bank.lab',
    issuer: 'CN=Lab CA',
    serialHex: '01',
    version: 3,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    sans: [{ type: 'dns', value: 'bank.lab' }],
    isCa: null,
    pathLen: null,
    keyUsage: [],
    extendedKeyUsage: [],
    publicKey: 'EC P-256',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    spkiSha256: 'AAAA',
    fingerprintSha256: '00',
    extensions: [{ oid: '2.5.29.17', name: 'subjectAltName', critical: false }],
    ...fields,
  })

  /** The HTML report of one result whose client was shown `presented`, and its "Shown to the client" column. */
  const report = (presented: CertSummary[], genuine: CertSummary[]): { html: string; shown: string } => {
    const result: ScenarioResult = resultFixture('run-1', 0, 'wrong-host')
    result.client = { ...clientOf(presented) }
    const html = formatHtmlReport({
      run: { id: 'run-1', startedAt: '', finishedAt: null, status: 'passed', trigger: 't', options: {}, scenarioCount: 1, resultCount: 1, caughtCount: 1, leakedCount: 0, unexpectedCount: 0 },
      results: [result],
      scenarios: {},
      genuineChain: genuine,
      generatedAt: '',
    })
    return { html, shown: html.slice(html.indexOf('<h4>Shown to the client</h4>'), html.indexOf('<h4>Genuine chain</h4>')) }
  }

  it('marks exactly the rows where the presented certificate differs from the genuine one', () => {
    const genuine = [cert({})]
    const presented = [cert({ subject: 'CN=evil.lab', sans: [{ type: 'dns', value: 'evil.lab' }], isCa: true, pathLen: 0 })]
    const { html, shown } = report(presented, genuine)
    expect([...shown.matchAll(/<tr class="(diff|)"><th>([^<]+)<\/th>/g)].map((m) => `${m[2] ?? ''}${m[1] === 'diff' ? ' ≠' : ''}`)).toEqual([
      'subject ≠',
      'issuer',
      'SANs ≠',
      'valid',
      'key',
      'signature',
      'CA ≠',
      'SPKI sha256',
      'extensions',
    ])
    expect(shown).toContain('<td>true, pathLen 0</td>')
    expect(html).toContain('<td>absent</td>')
  })

  it('shows a certificate the genuine chain has no counterpart for with no row marked different', () => {
    const genuine = [cert({})]
    const presented = [cert({ subject: 'CN=evil.lab' }), cert({ subject: 'CN=Attacker CA', isCa: true, pathLen: 1, notBefore: '2026-02-01T00:00:00Z' })]
    const { shown } = report(presented, genuine)
    const second = shown.slice(shown.indexOf('CN=Attacker CA') - 200)
    expect(second).toContain('<tr class=""><th>valid</th><td>2026-02-01T00:00:00Z → 2027-01-01T00:00:00Z</td></tr>')
    expect(second).toContain('<tr class=""><th>CA</th><td>true, pathLen 1</td></tr>')
    expect(second).not.toContain('class="diff"')
  })

  it('shows no comparison when the client was shown no chain', () => {
    const result = resultFixture('run-1', 0, 'wrong-host')
    const html = formatHtmlReport({
      run: { id: 'run-1', startedAt: '', finishedAt: null, status: 'passed', trigger: 't', options: {}, scenarioCount: 1, resultCount: 1, caughtCount: 1, leakedCount: 0, unexpectedCount: 0 },
      results: [result],
      scenarios: {},
      genuineChain: [cert({})],
      generatedAt: '',
    })
    expect(html).not.toContain('Shown to the client')
  })
})

function clientOf(presentedChain: CertSummary[]): NonNullable<ScenarioResult['client']> {
  return {
    clientId: 'lab-verifier',
    transport: { connected: true, error: null },
    tls: null,
    presentedChainDer: [],
    chainSource: 'as-sent',
    wire: { segments: [], keyLog: '' },
    handshake: null,
    presentedChain,
    certificate: null,
    verdict: 'reject',
    catchingStep: 'HOST',
    code: 'HOSTNAME_MISMATCH',
    node: { authorized: false, error: null },
    http: null,
  }
}
