// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ChainComparison from '../../../../dashboard/src/components/detail/ChainComparison.vue'
import { resultOf, runRealScenarios, type RealRun } from '../../support/lab-fixtures.js'

let lab: RealRun
beforeAll(async () => {
  lab = await runRealScenarios(['direct-connection', 'wrong-host', 'installed-interception-ca'])
})

function differingFields(wrapper: ReturnType<typeof mount>, position: string): string[] {
  return wrapper
    .get(`[data-testid="chain-${position}"]`)
    .findAll('tr[data-differs="true"]')
    .map((row) => row.attributes('data-testid') ?? '')
}

describe('ChainComparison', () => {
  it('shows the genuine chain as identical to what a direct client was shown', () => {
    const presented = resultOf(lab, 'direct-connection').client?.presentedChain ?? []
    const wrapper = mount(ChainComparison, { props: { presented, genuine: lab.genuineChain } })
    expect(wrapper.get('[data-testid="chain-difference-count"]').text()).toBe('identical')
    expect(wrapper.findAll('tr[data-differs="true"]')).toHaveLength(0)
  })

  it('highlights subject, SANs, key and SPKI of a forged wrong-host leaf but not its issuer', () => {
    const presented = resultOf(lab, 'wrong-host').client?.presentedChain ?? []
    const wrapper = mount(ChainComparison, { props: { presented, genuine: lab.genuineChain } })
    const leafDiffs = differingFields(wrapper, 'leaf')
    expect(leafDiffs).toEqual(expect.arrayContaining(['field-Subject', 'field-SANs', 'field-SPKI SHA-256', 'field-Fingerprint SHA-256']))
    expect(leafDiffs).not.toContain('field-Issuer')
    const subjectRow = wrapper.get('[data-testid="chain-leaf"] [data-testid="field-Subject"]')
    expect(subjectRow.get('.presented').text()).toContain('evil.lab')
    expect(subjectRow.get('.genuine').text()).toContain('bank.lab')
    // The wrong-host attacker serves the genuine intermediate: position 2 matches.
    expect(differingFields(wrapper, 'issuer-1')).toEqual([])
  })

  it('marks the issuer of a leaf signed by the installed interception CA as different', () => {
    const presented = resultOf(lab, 'installed-interception-ca').client?.presentedChain ?? []
    const wrapper = mount(ChainComparison, { props: { presented, genuine: lab.genuineChain } })
    expect(differingFields(wrapper, 'leaf')).toContain('field-Issuer')
    // The forged leaf names bank.lab like the genuine one: only its issuer and key give it away.
    expect(wrapper.get('[data-testid="chain-leaf"] [data-testid="field-SANs"] .presented').text()).toContain('DNS:bank.lab')
    expect(wrapper.get('[data-testid="chain-difference-count"]').text()).toMatch(/^\d+ differences$/)
  })

  it('says the client was shown no certificate when the chain is empty', () => {
    const wrapper = mount(ChainComparison, { props: { presented: [], genuine: lab.genuineChain } })
    expect(wrapper.find('[data-testid="no-presented-chain"]').exists()).toBe(true)
    // No table of "differences" against a chain that does not exist (issue 18: "25 differences against an empty chain").
    expect(wrapper.find('[data-testid="chain-leaf"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="chain-difference-count"]').exists()).toBe(false)
  })
})
