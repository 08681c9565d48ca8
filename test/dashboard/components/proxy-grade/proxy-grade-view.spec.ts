// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ProxyGradeView from '../../../../dashboard/src/components/proxy-grade/ProxyGradeView.vue'
import { createProxyGradeApi, type GradeTransport } from '../../../../dashboard/src/model/proxy-grade.js'
import { gradeProduct } from '../../../../server/grade-proxy/grade-product.js'
import { saveReportCard } from '../../../../server/grade-proxy/proxy-grade-store.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../../../server/api/support/with-dashboard-server.js'
import { referenceProxy } from '../../../server/grade-proxy/reference-proxies.js'

/** node:http, not happy-dom's fetch (which enforces CORS from its fake origin): the page's fetch against the real server. */
const nodeTransport: GradeTransport = (url, init) =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers: init.headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => Promise.resolve(JSON.parse(body) as unknown) }))
    })
    req.on('error', reject)
    req.end()
  })

let lab: DashboardFixture
beforeAll(async () => {
  lab = await startDashboardFixture()
  const card = await gradeProduct({ product: referenceProxy('masking'), defects: ['expired'], pki: lab.pki })
  saveReportCard(lab.store.db, card)
}, 60_000)
afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

describe('ProxyGradeView', () => {
  it('shows the stored card: grade, what set it, the masked defect with the chain the client received and the upstream hello', async () => {
    const api = createProxyGradeApi({ token: null, baseUrl: lab.base, transport: nodeTransport })
    const wrapper = mount(ProxyGradeView, { props: { api } })
    for (let i = 0; i < 20 && !wrapper.find('[data-testid="proxy-report-card"]').exists(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      await flushPromises()
    }
    expect(wrapper.get('[data-testid="proxy-grade-reference-masking"]').text()).toBe('F reference-masking')
    expect(wrapper.get('[data-testid="proxy-grade-sentence"]').text()).toContain('Grade F, set by defect:expired, hello:broken-suites.')
    expect(wrapper.get('[data-testid="defect-expired"]').text()).toContain('masked')
    // The masked defect is opened first: its forged chain and the product's hello to the expired upstream.
    const evidence = wrapper.get('[data-testid="proxy-grade-evidence"]')
    expect(evidence.text()).toContain('expired.upstream.lab')
    expect(evidence.get('[data-testid="evidence-chain"]').text()).toContain('CN=expired.upstream.lab ← CN=reference masking CA')
    expect(evidence.get('[data-testid="evidence-upstream"]').text()).toContain('TLS 1.0')
    // The checks behind the grade start with those that decided it.
    const firstCheck = wrapper.get('[data-testid="proxy-grade-checks"] tbody tr')
    expect(firstCheck.text()).toContain('defect:expired')
    expect(firstCheck.classes()).toContain('decided')
  })

  it('says when nothing was graded yet, and shows the server’s sentence for a refused request', async () => {
    const empty = mount(ProxyGradeView, { props: { api: { list: () => Promise.resolve({ ok: true, value: [] }), card: () => Promise.resolve({ ok: false, message: 'unused' }) } } })
    await flushPromises()
    expect(empty.get('[data-testid="proxy-grades-empty"]').text()).toContain('npx mitmlab grade-proxy')
    const refused = mount(ProxyGradeView, { props: { api: { list: () => Promise.resolve({ ok: false, message: 'A token is required' }), card: () => Promise.resolve({ ok: false, message: 'unused' }) } } })
    await flushPromises()
    expect(refused.get('[data-testid="proxy-grades-problem"]').text()).toBe('A token is required')
  })
})
