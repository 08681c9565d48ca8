import { get as httpGet, type IncomingHttpHeaders } from 'node:http'
import { withShapes } from '../../../server/api/run-shapes.js'
import { clientIdsOf, clientVersionsOf, summarizeClients } from '../../../server/report/client-summary.js'
import { gunzipSync } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { API_PATHS } from '../../../server/api/contract.js'
import { toResultDto } from '../../../server/api/dto.js'
import { RUN_VIEW_VERSION } from '../../../server/api/run-view.js'
import { resultFixture } from '../store/result-fixture.js'
import {
  removeSharedPki,
  startDashboardFixture,
  type DashboardFixture,
} from './support/with-dashboard-server.js'

let lab: DashboardFixture | null = null
afterEach(async () => {
  vi.restoreAllMocks()
  await lab?.close()
  lab = null
})
afterAll(() => removeSharedPki())

function recordRun(fixture: DashboardFixture, id: string, finished: boolean): void {
  fixture.store.createRun({ id, trigger: 'cli', options: {}, scenarioCount: 2 })
  fixture.store.insertScenarioResult(resultFixture(id, 0))
  fixture.store.insertScenarioResult({ ...resultFixture(id, 1), leaked: true })
  if (finished) fixture.store.finishRun(id, 'passed')
}

const getRun = async (fixture: DashboardFixture, id: string): Promise<unknown> =>
  (await fetch(`${fixture.base}${API_PATHS.run(id)}`)).json()
const viewCount = (fixture: DashboardFixture): number =>
  (fixture.store.db.prepare('SELECT COUNT(*) AS n FROM run_views').get() as { n: number }).n

// Issue 17 item 10: every GET /api/runs/:id re-parsed and reshaped ~3 MB of stored JSON.
describe('a finished run read over REST', () => {
  it('is built once, kept as a run view, and then served without rebuilding its results', async () => {
    lab = await startDashboardFixture()
    recordRun(lab, 'run-1', true)
    const first = await getRun(lab, 'run-1')
    expect(viewCount(lab)).toBe(1)
    const getResults = vi.spyOn(lab.store, 'getResults')
    const second = await getRun(lab, 'run-1')
    expect(getResults).not.toHaveBeenCalled()
    expect(second).toEqual(first)
    // The view is the whole RunDetailDto: the run with its (scenario, client) shape, every result,
    // and the per-client summaries (issue 18).
    const row = lab.store.getRun('run-1')
    if (row === null) throw new Error('run-1 was not stored')
    const results = lab.store.getResults('run-1')
    expect(second).toEqual(
      JSON.parse(
        JSON.stringify({
          run: withShapes(lab.store, [row])[0],
          results: results.map(toResultDto),
          liveSteps: [],
          clients: summarizeClients(results, clientVersionsOf(row.options), clientIdsOf(row.options)),
        }),
      ),
    )
    expect((second as { run: { shape: { label: string } } }).run.shape.label).toBe('2 scenarios × 1 client, 2/2 as expected')
  })

  it('is not kept while it is running: more results are coming', async () => {
    lab = await startDashboardFixture()
    recordRun(lab, 'run-2', false)
    expect(await getRun(lab, 'run-2')).toMatchObject({ run: { status: 'running', resultCount: 2 } })
    expect(viewCount(lab)).toBe(0)
  })

  it('rebuilds a view stored for another DTO version', async () => {
    lab = await startDashboardFixture()
    recordRun(lab, 'run-3', true)
    await getRun(lab, 'run-3')
    lab.store.db
      .prepare("UPDATE run_views SET version = ?, detail_gzip = CAST('' AS BLOB)")
      .run(RUN_VIEW_VERSION - 1)
    const rebuilt = (await getRun(lab, 'run-3')) as { results: unknown[] }
    expect(rebuilt.results).toEqual(
      JSON.parse(JSON.stringify(lab.store.getResults('run-3').map(toResultDto))),
    )
  })

  it('is sent gzipped to a client that accepts gzip, and as plain JSON to one that does not', async () => {
    lab = await startDashboardFixture()
    recordRun(lab, 'run-4', true)
    const expected = await getRun(lab, 'run-4')
    const gz = await rawGet(`${lab.base}${API_PATHS.run('run-4')}`, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(expected)
    const plain = await rawGet(`${lab.base}${API_PATHS.run('run-4')}`, {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(plain.body.toString('utf8'))).toEqual(expected)
  })
})

/** node:http, which (unlike fetch) neither asks for nor undoes a Content-Encoding. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}
