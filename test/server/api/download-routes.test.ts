import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findScenario } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import { DOWNLOAD_PATHS, type DownloadsDto } from '../../../server/api/download-dto.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from './support/with-dashboard-server.js'

const TOKEN = 'a-long-enough-token-for-downloads'
const auth = { 'x-mitmlab-token': TOKEN }

let lab: DashboardFixture
let runId = ''
beforeAll(async () => {
  lab = await startDashboardFixture({ token: TOKEN })
  const scenarios = ['direct-connection', 'wrong-host', 'installed-interception-ca'].map((id) => {
    const scenario = findScenario(id)
    if (scenario === undefined) throw new Error(`no scenario ${id}`)
    return scenario
  })
  const { run } = await runScenarios({ pki: lab.pki, bus: lab.bus, store: lab.store }, { scenarios, trigger: 'test', options: {} })
  runId = run.id
}, 120_000)
afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

async function get(path: string, headers: Record<string, string> = auth): Promise<{ status: number; disposition: string | null; type: string | null; body: Buffer }> {
  const response = await fetch(`${lab.base}${path}`, { headers })
  return {
    status: response.status,
    disposition: response.headers.get('content-disposition'),
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  }
}

describe('downloads from the page (issue 18 item 5), on a real server over a real store', () => {
  it('the HTML, JUnit and Markdown reports, each named in Content-Disposition', async () => {
    const html = await get(DOWNLOAD_PATHS.report(runId, 'html'))
    expect({ status: html.status, disposition: html.disposition, type: html.type }).toEqual({
      status: 200,
      disposition: `attachment; filename=mitmlab-${runId}.html`,
      type: 'text/html; charset=utf-8',
    })
    expect(html.body.toString('utf8')).toContain('wrong-host')
    const junit = await get(DOWNLOAD_PATHS.report(runId, 'junit'))
    expect({ status: junit.status, disposition: junit.disposition }).toEqual({ status: 200, disposition: `attachment; filename=mitmlab-${runId}.xml` })
    expect(junit.body.toString('utf8')).toMatch(/^<\?xml[^>]*\?>\s*<testsuites/)
    const md = await get(DOWNLOAD_PATHS.report(runId, 'md'))
    expect({ status: md.status, disposition: md.disposition, type: md.type }).toEqual({
      status: 200,
      disposition: `attachment; filename=mitmlab-${runId}.md`,
      type: 'text/markdown; charset=utf-8',
    })
  })

  it("the lab client's pcap of one result and the run's key log", async () => {
    const pcap = await get(DOWNLOAD_PATHS.pcap(runId, 'wrong-host', 'lab-verifier'))
    expect({ status: pcap.status, disposition: pcap.disposition }).toEqual({ status: 200, disposition: 'attachment; filename=wrong-host--lab-verifier.pcap' })
    // libpcap's magic number, little-endian (https://wiki.wireshark.org/Development/LibpcapFileFormat).
    expect(pcap.body.subarray(0, 4).toString('hex')).toBe('d4c3b2a1')
    const keyLog = await get(DOWNLOAD_PATHS.keyLog(runId))
    expect({ status: keyLog.status, disposition: keyLog.disposition }).toEqual({ status: 200, disposition: `attachment; filename=mitmlab-${runId}-sslkeylog.txt` })
    expect(keyLog.body.toString('utf8')).toMatch(/^# direct-connection \(lab-verifier\) client leg\n/)
  })

  it('the chain the proxy forged, as PEM: the leaf for bank.lab first', async () => {
    const pem = await get(DOWNLOAD_PATHS.forgedChain(runId, 'installed-interception-ca', 'lab-verifier'))
    expect({ status: pem.status, disposition: pem.disposition }).toEqual({ status: 200, disposition: 'attachment; filename=installed-interception-ca--forged-chain.pem' })
    const certificates = pem.body.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    expect(certificates.length).toBeGreaterThanOrEqual(1)
    expect(new X509Certificate(certificates[0] ?? '').subjectAltName).toBe('DNS:bank.lab')
  })

  it('lists what it offers, and says why instead of a dead link when there is nothing to download', async () => {
    const response = await get(`${DOWNLOAD_PATHS.list(runId)}?scenario=direct-connection&client=lab-verifier`)
    const list = JSON.parse(response.body.toString('utf8')) as DownloadsDto
    expect(list.run.map((d) => [d.id, d.path !== null])).toEqual([
      ['report-html', true],
      ['report-junit', true],
      ['report-md', true],
      ['keylog', true],
    ])
    expect(list.result.map((d) => ({ id: d.id, path: d.path, unavailable: d.unavailable }))).toEqual([
      { id: 'pcap', path: DOWNLOAD_PATHS.pcap(runId, 'direct-connection', 'lab-verifier'), unavailable: null },
      { id: 'forged-chain', path: null, unavailable: 'No proxy on the path in direct-connection: nothing was forged.' },
    ])
    const refused = await get(DOWNLOAD_PATHS.forgedChain(runId, 'direct-connection', 'lab-verifier'))
    expect({ status: refused.status, body: JSON.parse(refused.body.toString('utf8')) as unknown }).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'No proxy on the path in direct-connection: nothing was forged.' },
    })
  })

  it('refuses without the token, from another origin, and for unknown runs or results', async () => {
    expect((await get(DOWNLOAD_PATHS.report(runId, 'html'), {})).status).toBe(401)
    expect((await get(DOWNLOAD_PATHS.report(runId, 'html'), { ...auth, origin: 'http://evil.example' })).status).toBe(403)
    const unknownRun = await get(DOWNLOAD_PATHS.report('nope-123', 'html'))
    expect({ status: unknownRun.status, body: JSON.parse(unknownRun.body.toString('utf8')) as unknown }).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: 'No run "nope-123"' } })
    const unknownResult = await get(DOWNLOAD_PATHS.pcap(runId, 'no-such-scenario', 'lab-verifier'))
    expect(unknownResult.status).toBe(404)
    expect((await get(`/api/runs/${runId}/report.exe`)).status).toBe(404)
  })
})
