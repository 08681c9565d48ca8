// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ScenarioDetail from '../../../../dashboard/src/components/detail/ScenarioDetail.vue'
import type { ScenarioDto } from '../../../../server/api/contract.js'
import { resultOf, runRealScenarios, type RealRun } from '../../support/lab-fixtures.js'

let lab: RealRun
beforeAll(async () => {
  lab = await runRealScenarios(['tcp-passthrough', 'wrong-host', 'installed-interception-ca'])
})

function scenario(id: string): ScenarioDto {
  const found = lab.catalog.find((s) => s.id === id)
  if (found === undefined) throw new Error(`no scenario ${id}`)
  return found
}

function mountDetail(id: string, selectedStep: string | null = null) {
  return mount(ScenarioDetail, {
    props: { scenario: scenario(id), result: resultOf(lab, id), liveSteps: [], genuineChain: lab.genuineChain, selectedStep },
  })
}

describe('ScenarioDetail', () => {
  it('lays the handshake out in order: hello, wire, certificate, every step, outcome', () => {
    const wrapper = mountDetail('wrong-host')
    const items = wrapper.findAll('[data-testid="timeline"] > li')
    const result = resultOf(lab, 'wrong-host')
    expect(items[0]?.text()).toContain('ClientHello')
    expect(wrapper.get('[data-testid="timeline-wire"]').text()).toContain('Certificate')
    expect(items.at(-1)?.attributes('data-testid')).toBe('timeline-outcome')
    expect(wrapper.findAll('[data-testid^="timeline-"][class*="step"]').map((li) => li.attributes('data-testid'))).toEqual(
      result.steps.map((step) => `timeline-${step.step}`),
    )
    expect(wrapper.get('[data-testid="timeline-HOST"]').classes()).toContain('catching')
    expect(wrapper.get('[data-testid="timeline-HOST"]').text()).toContain('HOSTNAME_MISMATCH')
  })

  it("states the chosen step's sentence", () => {
    const wrapper = mountDetail('wrong-host', 'HOST')
    const host = resultOf(lab, 'wrong-host').steps.find((step) => step.step === 'HOST')
    expect(wrapper.get('[data-testid="chosen-step"]').text()).toContain(host?.message ?? 'missing')
  })

  it('shows the plaintext credentials the proxy read when the victim trusted it', () => {
    const wrapper = mountDetail('installed-interception-ca')
    expect(wrapper.get('[data-testid="proxy-plaintext"]').text()).toContain('password=')
    expect(wrapper.find('[data-testid="proxy-ciphertext"]').exists()).toBe(false)
  })

  it('shows only ciphertext for a proxy that relays without terminating TLS', () => {
    const wrapper = mountDetail('tcp-passthrough')
    expect(wrapper.get('[data-testid="proxy-ciphertext"]').text()).toContain('Only ciphertext')
    expect(wrapper.find('[data-testid="proxy-plaintext"]').exists()).toBe(false)
  })

  it('gives the trainee the explanation and the references', () => {
    const wrapper = mountDetail('wrong-host')
    expect(wrapper.text()).toContain(scenario('wrong-host').explanation)
    for (const reference of scenario('wrong-host').references) expect(wrapper.text()).toContain(reference)
  })
})
