// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ClientHelloComparison from '../../dashboard/src/components/fingerprint/ClientHelloComparison.vue'
import type { ResultDto } from '../../server/api/contract.js'
import { runTsx } from './support/spawn-tsx.js'

let flagged: ResultDto
let mirrored: ResultDto
beforeAll(async () => {
  // A real run of both scenarios (genuine server, proxy, client on 127.0.0.1), in a Node child process (see the script).
  const output = await runTsx('test/dashboard/support/live-results-process.ts', ['interception-detected-by-server', 'interception-mirroring-client'])
  ;[flagged, mirrored] = JSON.parse(output) as [ResultDto, ResultDto]
})

function marks(wrapper: ReturnType<typeof mount>, field: string, side: 'sent' | 'received'): string[] {
  return wrapper.findAll(`[data-testid="hello-field-${field}"] td.${side} li[data-mark]`).map((li) => li.attributes('data-mark') ?? '')
}

describe('ClientHelloComparison', () => {
  it('flags the proxy-built hello: verdict, expected vs received JA4, and the differing cipher suites highlighted', () => {
    const wrapper = mount(ClientHelloComparison, { props: { result: flagged } })
    const detection = flagged.genuine.requests.find((r) => r.fingerprint !== null)?.fingerprint?.detection
    expect(detection?.verdict).toBe('intercepted')
    expect(wrapper.get('[data-testid="hello-verdict"]').text()).toBe('intercepted')
    expect(wrapper.get('[data-testid="hello-ja4-observed"]').text()).toBe(detection?.observed.ja4)
    expect(wrapper.get('[data-testid="hello-ja4-expected"]').text()).toBe(detection?.expected?.ja4)
    expect(wrapper.get('[data-testid="hello-ja4-observed"]').classes()).toContain('hello-differs')
    expect(wrapper.get('[data-testid="hello-sentence"]').text()).toContain("The ClientHello is not lab-verifier's")
    // Every field the detector names as differing is highlighted in the table.
    const differing = wrapper.findAll('tr[data-differs="true"]').map((row) => row.attributes('data-testid'))
    expect(differing.length).toBeGreaterThan(0)
    // The proxy's node:tls default offers far fewer suites than the lab verifier: the missing ones are exactly those marked.
    const cipherDiff = detection?.differences.find((d) => d.field === 'cipherSuites')
    expect(cipherDiff?.missing?.length).toBeGreaterThan(0)
    expect(differing).toContain('hello-field-cipherSuites')
    const highlighted = wrapper.findAll('[data-testid="hello-field-cipherSuites"] td.sent li[data-mark="missing"]').map((li) => li.text())
    expect(highlighted).toEqual(cipherDiff?.missing)
    expect(wrapper.get('[data-testid="hello-difference-fields"]').text()).toBe(detection?.differences.map((d) => d.field).join(', '))
  })

  it('adds a row for a differing field the hello view does not carry, from the detector\'s own lists', () => {
    const wrapper = mount(ClientHelloComparison, { props: { result: flagged } })
    const detection = flagged.genuine.requests.find((r) => r.fingerprint !== null)?.fingerprint?.detection
    const signatures = detection?.differences.find((d) => d.field === 'signatureAlgorithms')
    expect(signatures?.extra).toEqual(expect.arrayContaining(['rsa_pkcs1_sha1']))
    const row = wrapper.get('[data-testid="hello-field-signatureAlgorithms"]')
    expect(row.attributes('data-differs')).toBe('true')
    const extra = row.findAll('td.received li[data-mark="extra"]').map((li) => li.text())
    expect(extra).toEqual(signatures?.extra)
  })

  it('lists the downgrades the detector found, each by code', () => {
    const wrapper = mount(ClientHelloComparison, { props: { result: flagged } })
    const downgrades = flagged.genuine.requests.find((r) => r.fingerprint !== null)?.fingerprint?.detection.downgrades ?? []
    const shown = wrapper.findAll('[data-testid^="downgrade-"]').map((li) => li.attributes('data-testid'))
    expect(shown).toEqual(downgrades.map((d) => `downgrade-${d.code}`))
  })

  it('shows the mirroring proxy hello as identical to the client: match, nothing highlighted', () => {
    const wrapper = mount(ClientHelloComparison, { props: { result: mirrored } })
    expect(wrapper.get('[data-testid="hello-verdict"]').text()).toBe('match')
    expect(wrapper.findAll('tr[data-differs="true"]')).toHaveLength(0)
    expect(wrapper.find('[data-testid="hello-downgrades"]').exists()).toBe(false)
    const suites = marks(wrapper, 'cipherSuites', 'received')
    expect(suites.length).toBeGreaterThan(3)
    expect(suites.every((mark) => mark === 'same' || mark === 'grease')).toBe(true)
    expect(wrapper.get('[data-testid="hello-ja4-observed"]').text()).toBe(wrapper.get('[data-testid="hello-ja4-expected"]').text())
  })

  it('puts the claimed client\'s recorded hello next to the received one, in offered order', () => {
    const fingerprint = flagged.genuine.requests.find((r) => r.fingerprint !== null)?.fingerprint
    const wrapper = mount(ClientHelloComparison, { props: { result: flagged } })
    const sentSuites = wrapper.findAll('[data-testid="hello-field-cipherSuites"] td.sent li[data-mark]').map((li) => li.text())
    const receivedSuites = wrapper.findAll('[data-testid="hello-field-cipherSuites"] td.received li[data-mark]').map((li) => li.text())
    expect(sentSuites).toEqual(fingerprint?.sent?.hello.cipherSuites)
    expect(receivedSuites).toEqual(fingerprint?.hello.cipherSuites)
  })

  it('says so when no request reached the genuine server', () => {
    const wrapper = mount(ClientHelloComparison, { props: { result: { ...flagged, genuine: { requests: [] } } } })
    expect(wrapper.find('[data-testid="hello-none"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="hello-table"]').exists()).toBe(false)
  })
})
