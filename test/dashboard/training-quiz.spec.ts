// @vitest-environment happy-dom
import type { ChildProcess } from 'node:child_process'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTrainingApi, type TrainingApi } from '../../dashboard/src/components/training/training-api.js'
import TrainingView from '../../dashboard/src/components/training/TrainingView.vue'
import { nodeTransport } from './support/node-transport.js'
import { startTsx } from './support/spawn-tsx.js'

let server: ChildProcess
let api: TrainingApi
beforeAll(async () => {
  const started = await startTsx('test/dashboard/support/training-server-process.ts', /PORT (\d+)/)
  server = started.child
  api = createTrainingApi({ token: null, baseUrl: `http://127.0.0.1:${started.match[1] ?? ''}`, transport: nodeTransport })
})
afterAll(() => {
  server?.stdin?.end()
})

/** Waits, bounded, until the selector shows up (the answer runs a real scenario, about a second). */
async function waitFor(wrapper: VueWrapper, selector: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await flushPromises()
    if (wrapper.find(selector).exists()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${selector} did not appear within ${timeoutMs} ms`)
}

describe('TrainingView', () => {
  it('asks for a name, shows the attack without its explanation, runs it live after the prediction and reveals the catching step', async () => {
    const wrapper = mount(TrainingView, { props: { api, order: ['self-signed-leaf', 'wrong-host'] }, attachTo: document.body })
    expect(wrapper.get<HTMLButtonElement>('[data-testid="training-start"]').element.disabled).toBe(true)
    await wrapper.get('[data-testid="training-name"]').setValue('Grace')
    await waitFor(wrapper, '[data-testid="training-start"]:not([disabled])')
    await wrapper.get('[data-testid="training-name-form"]').trigger('submit')

    const question = wrapper.get('[data-testid="training-question"]')
    expect(question.attributes('data-scenario-id')).toBe('self-signed-leaf')
    expect(wrapper.find('[data-testid="training-reveal"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('self-signed')
    // Tags name the answer's topic: none is on the page before the reveal (issue 18 item 9).
    expect(wrapper.find('[data-testid="question-tags"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="training-question"]').text()).not.toContain('#')
    // Nothing runs before a prediction is locked in.
    expect(wrapper.get<HTMLButtonElement>('[data-testid="training-submit"]').element.disabled).toBe(true)
    await wrapper.get('[data-testid="predict-TRUST"] input').setValue(true)
    await wrapper.get('[data-testid="training-submit"]').trigger('submit')
    await waitFor(wrapper, '[data-testid="training-reveal"]')

    expect(wrapper.get('[data-testid="reveal-grade"]').text()).toBe('Correct')
    expect(wrapper.get('[data-testid="question-tags"]').text()).toContain('#')
    expect(wrapper.get('[data-testid="reveal-actual"]').text()).toBe('TRUST')
    // The words themselves (the same the training API returns: training-routes.test.ts), not a length.
    expect(wrapper.get('[data-testid="reveal-sentence"]').text()).toBe('SELF_SIGNED_LEAF The certificate for bank.lab is self-signed and not trusted')
    expect(wrapper.get('[data-testid="reveal-explanation"]').text()).toBe(
      'The proxy mints a certificate for bank.lab and signs it with its own key: issuer equals subject. ' +
        'Nothing vouches for it, so a client that checks the chain refuses it. Georgiev et al. (2012) found ' +
        'SDKs and apps that accept exactly this.',
    )
    expect(wrapper.get('[data-testid="training-tally"]').text()).toContain('1/1 correct')
    expect(wrapper.get('[data-testid="score-Grace"]').text()).toContain('1/1')

    await wrapper.get('[data-testid="training-next"]').trigger('click')
    expect(wrapper.get('[data-testid="training-question"]').attributes('data-scenario-id')).toBe('wrong-host')
    await wrapper.get('[data-testid="predict-NONE"] input').setValue(true)
    await wrapper.get('[data-testid="training-submit"]').trigger('submit')
    await waitFor(wrapper, '[data-testid="training-reveal"]')
    expect(wrapper.get('[data-testid="reveal-grade"]').text()).toBe('Not quite')
    expect(wrapper.get('[data-testid="reveal-predicted"]').text()).toBe('NONE')
    expect(wrapper.get('[data-testid="reveal-actual"]').text()).toBe('HOST')
    expect(wrapper.get('[data-testid="score-Grace"]').text()).toContain('1/2')

    await wrapper.get('[data-testid="training-next"]').trigger('click')
    expect(wrapper.get('[data-testid="training-finished"]').text()).toBe('Done: 1 of 2 correct.')
    wrapper.unmount()
  })

  it('asks only the chosen family, and no more questions than asked for', async () => {
    sessionStorage.clear()
    const wrapper = mount(TrainingView, { props: { api, order: ['self-signed-leaf', 'wrong-host', 'expired-leaf', 'direct-connection'] }, attachTo: document.body })
    await wrapper.get('[data-testid="training-name"]').setValue('Ada')
    await waitFor(wrapper, '[data-testid="training-start"]:not([disabled])')
    expect(wrapper.findAll('[data-testid="training-family"] option').map((o) => o.text())).toContain('names')
    await wrapper.get('[data-testid="training-family"]').setValue('names')
    await wrapper.get('[data-testid="training-count"]').setValue('5')
    await wrapper.get('[data-testid="training-name-form"]').trigger('submit')
    // wrong-host is the one #names scenario of the four.
    expect(wrapper.get('[data-testid="training-question"]').attributes('data-scenario-id')).toBe('wrong-host')
    expect(wrapper.get('[data-testid="training-question"]').text()).toContain('Attack 1 of 1')
    wrapper.unmount()
    sessionStorage.clear()
  })

  it('shows the server\'s sentence when it refuses an answer, and stays on the question', async () => {
    const wrapper = mount(TrainingView, { props: { api, order: ['self-signed-leaf'] } })
    await waitFor(wrapper, '[data-testid="scores-empty"], [data-testid^="score-"]')
    // A name the server refuses (a control character) although the form accepts it.
    await wrapper.get('[data-testid="training-name"]').setValue('Mallory\u0007')
    await waitFor(wrapper, '[data-testid="training-start"]:not([disabled])')
    await wrapper.get('[data-testid="training-name-form"]').trigger('submit')
    await wrapper.get('[data-testid="predict-HOST"] input').setValue(true)
    await wrapper.get('[data-testid="training-submit"]').trigger('submit')
    await waitFor(wrapper, '[data-testid="training-error"]')
    expect(wrapper.get('[data-testid="training-error"]').text()).toBe('trainee: no control characters')
    expect(wrapper.find('[data-testid="training-question"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="training-reveal"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
