// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import HandshakeTimeline from '../../../../dashboard/src/components/detail/HandshakeTimeline.vue'
import { resultOf, runRealScenarios, type RealRun } from '../../support/lab-fixtures.js'

/** Issue 16: the negotiated group of each leg in the handshake timeline, from real runs on Node 24. */
let lab: RealRun
beforeAll(async () => {
  lab = await runRealScenarios(['direct-connection', 'interception-classical-upstream'])
})

function timelineOf(id: string) {
  const result = resultOf(lab, id)
  return mount(HandshakeTimeline, { props: { result, steps: result.steps, selectedStep: null } })
}

describe('HandshakeTimeline: key exchange per leg', () => {
  it('shows the direct connection as one post-quantum hybrid leg, without the mixed-legs warning', () => {
    const wrapper = timelineOf('direct-connection')
    expect(wrapper.get('[data-testid="timeline-key-exchange"]').text()).toContain('victim ↔ bank X25519MLKEM768 post-quantum hybrid')
    expect(wrapper.find('[data-testid="timeline-key-exchange-mixed"]').exists()).toBe(false)
  })

  it('shows the classical upstream leg next to the hybrid victim leg, and says what it means', () => {
    const wrapper = timelineOf('interception-classical-upstream')
    const text = wrapper.get('[data-testid="timeline-key-exchange"]').text()
    expect(text).toContain('victim ↔ proxy X25519MLKEM768 post-quantum hybrid')
    expect(text).toContain('proxy ↔ bank x25519 classical')
    expect(wrapper.get('[data-testid="timeline-key-exchange-mixed"]').text()).toContain('future quantum computer')
  })
})
