// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ProxyView from '../../../../dashboard/src/components/detail/ProxyView.vue'
import { resultOf, runRealScenarios, type RealRun } from '../../support/lab-fixtures.js'

let lab: RealRun
beforeAll(async () => {
  lab = await runRealScenarios(['tcp-passthrough', 'installed-interception-ca'])
})

function mountProxyView(id: string) {
  const result = resultOf(lab, id)
  return mount(ProxyView, { props: { connections: result.connections, result } })
}

describe('ProxyView: what the proxy read, as flows (issue 18 item 5)', () => {
  it('shows the login it decrypted: the form fields with the credentials marked, and the bank’s answer read on the upstream leg', () => {
    const wrapper = mountProxyView('installed-interception-ca')
    const read = wrapper.findAll('[data-testid="flow-read"]')
    const login = read.find((flow) => flow.text().includes('POST') || flow.element.closest('li')?.textContent?.includes('POST') === true)
    expect(login).toBeDefined()
    const flow = login?.element.closest('li')
    expect(['.flow-method', '.flow-url', '.flow-status'].map((part) => flow?.querySelector(part)?.textContent)).toEqual(['POST', 'https://bank.lab/login', '→ 302'])
    expect([...(flow?.querySelectorAll('.flow-fields mark.credential') ?? [])].map((mark) => mark.textContent)).toEqual(['alice', 'correct-horse-battery-staple'])
    const summaries = [...(flow?.querySelectorAll('.flow-message summary') ?? [])].map((summary) => summary.textContent?.replace(/\s+/g, ' ').trim())
    expect(summaries[0]).toMatch(/^Request, read on the client → proxy leg: \d+ headers · application\/x-www-form-urlencoded · form fields · 52 bytes$/)
    expect(summaries[1]).toMatch(/^Response 302 Found, read on the bank → proxy leg: \d+ headers · text\/plain; charset=utf-8 · text · \d+ bytes$/)
    // The session cookie the bank set is a credential the attacker now holds.
    expect([...(flow?.querySelectorAll('[data-testid="flow-response"] dd.credential') ?? [])].map((dd) => dd.previousElementSibling?.textContent)).toEqual(['Set-Cookie'])
  })

  it('says a tunnelled connection was not decrypted, and shows no flow', () => {
    const wrapper = mountProxyView('tcp-passthrough')
    expect(wrapper.findAll('[data-testid="flow-read"]')).toHaveLength(0)
    expect(wrapper.get('.badge').text()).toBe('ciphertext only (tunnelled, not decrypted)')
    expect(wrapper.get('[data-testid="proxy-ciphertext"]').text()).toMatch(/^Only ciphertext: the connection was tunnelled, not decrypted\./)
  })
})
