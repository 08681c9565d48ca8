// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ResultMatrix from '../../../../dashboard/src/components/matrix/ResultMatrix.vue'
import { buildMatrixRows, filterRows, groupRows, type GroupBy, type MatrixFilters } from '../../../../dashboard/src/model/matrix.js'
import { applyDeltas, runViewFromDetail, type RunView } from '../../../../dashboard/src/model/run-view.js'
import type { LabDelta } from '../../../../server/api/contract.js'
import { resultOf, runRealScenarios, type RealRun } from '../../support/lab-fixtures.js'

const IDS = ['direct-connection', 'self-signed-leaf', 'wrong-host', 'installed-interception-ca']
let lab: RealRun
beforeAll(async () => {
  lab = await runRealScenarios(IDS)
})

function render(view: RunView, filters: MatrixFilters = { tag: null, outcome: 'all' }, groupBy: GroupBy = 'none') {
  const groups = groupRows(filterRows(buildMatrixRows(lab.catalog, view), filters), groupBy)
  return mount(ResultMatrix, { props: { groups, selectedScenarioId: null, selectedStep: null }, attachTo: document.body })
}

const cell = (wrapper: ReturnType<typeof render>, scenarioId: string, step: string) => wrapper.get(`[data-testid="cell-${scenarioId}-${step}"]`)

describe('ResultMatrix', () => {
  it('highlights the step that caught each attack, and only that one', () => {
    const wrapper = render(runViewFromDetail(lab.detail))
    expect(cell(wrapper, 'wrong-host', 'HOST').attributes('data-catching')).toBe('true')
    expect(cell(wrapper, 'wrong-host', 'HOST').attributes('data-status')).toBe('fail')
    expect(cell(wrapper, 'self-signed-leaf', 'TRUST').attributes('data-catching')).toBe('true')
    expect(wrapper.findAll('[data-catching="true"]').map((c) => c.attributes('data-testid'))).toEqual([
      'cell-self-signed-leaf-TRUST',
      'cell-wrong-host-HOST',
    ])
    expect(wrapper.get('[data-testid="outcome-wrong-host"]').text()).toContain('by HOST')
  })

  it('shows pass, skip and not-applicable cells as the client reported them', () => {
    const wrapper = render(runViewFromDetail(lab.detail))
    const direct = resultOf(lab, 'direct-connection')
    for (const step of direct.steps) expect(cell(wrapper, 'direct-connection', step.step).attributes('data-status')).toBe(step.status)
    const reported = new Set(direct.steps.map((s) => s.step))
    const missing = ['PROTO', 'TRUST', 'HOST', 'PIN', 'FP'].filter((s) => !reported.has(s as never))
    for (const step of missing) expect(cell(wrapper, 'direct-connection', step).attributes('data-status')).toBe('na')
  })

  it('puts LEAKED in the credentials column only for the installed interception CA', () => {
    const wrapper = render(runViewFromDetail(lab.detail))
    expect(wrapper.get('[data-testid="leak-installed-interception-ca"]').text()).toBe('LEAKED')
    for (const id of ['direct-connection', 'self-signed-leaf', 'wrong-host']) expect(wrapper.get(`[data-testid="leak-${id}"]`).text()).toBe('safe')
  })

  it('fills cells in as step deltas arrive, pending until the scenario result is committed', async () => {
    const result = resultOf(lab, 'wrong-host')
    const sentAt = Date.now()
    const started: LabDelta[] = [
      { type: 'run:started', sentAt, run: { ...lab.detail.run, status: 'running' }, scenarioIds: ['wrong-host'] },
      { type: 'scenario:started', sentAt, runId: result.runId, scenarioId: 'wrong-host', ordinal: 0 },
    ]
    const [first, ...rest] = result.steps
    if (first === undefined) throw new Error('wrong-host reported no steps')
    const stepDelta = (step: typeof first): LabDelta => ({ type: 'step:result', sentAt, runId: result.runId, scenarioId: 'wrong-host', clientId: result.clientId, ordinal: 0, step })
    let view = applyDeltas(new Map(), [...started, stepDelta(first)]).get(result.runId)
    if (view === undefined) throw new Error('no view')
    const wrapper = render(view)
    expect(cell(wrapper, 'wrong-host', first.step).attributes('data-status')).toBe(first.status)
    expect(cell(wrapper, 'wrong-host', 'HOST').attributes('data-status')).toBe('pending')
    expect(wrapper.get('[data-testid="outcome-wrong-host"]').text()).toContain('running')

    const finished = applyDeltas(new Map([[result.runId, view]]), [...rest.map(stepDelta), { type: 'scenario:finished', sentAt, result }])
    view = finished.get(result.runId)
    if (view === undefined) throw new Error('no view')
    await wrapper.setProps({ groups: groupRows(buildMatrixRows(lab.catalog, view), 'none') })
    expect(cell(wrapper, 'wrong-host', 'HOST').attributes('data-catching')).toBe('true')
    expect(wrapper.findAll('[data-status="pending"]')).toHaveLength(0)
  })

  it('filters by tag and by outcome', () => {
    const view = runViewFromDetail(lab.detail)
    const byTag = render(view, { tag: 'names', outcome: 'all' })
    expect(byTag.findAll('tbody tr[data-testid^="row-"]').map((r) => r.attributes('data-testid'))).toEqual(['row-wrong-host'])
    const leaked = render(view, { tag: null, outcome: 'leaked' })
    expect(leaked.findAll('tbody tr[data-testid^="row-"]').map((r) => r.attributes('data-testid'))).toEqual(['row-installed-interception-ca'])
    const caught = render(view, { tag: null, outcome: 'caught' })
    expect(caught.findAll('tbody tr[data-testid^="row-"]')).toHaveLength(2)
  })

  it('groups by tag, listing a scenario under each of its tags', () => {
    const wrapper = render(runViewFromDetail(lab.detail), { tag: null, outcome: 'all' }, 'tag')
    expect(wrapper.find('[data-testid="group-classic"] [data-testid="row-wrong-host"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="group-names"] [data-testid="row-wrong-host"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="group-control"] [data-testid="row-direct-connection"]').exists()).toBe(true)
  })

  it('moves focus between cells with the arrow keys and opens a cell on click', async () => {
    const wrapper = render(runViewFromDetail(lab.detail))
    const start = cell(wrapper, 'self-signed-leaf', 'TRUST')
    ;(start.element as HTMLElement).focus()
    await start.trigger('keydown', { key: 'ArrowRight' })
    expect(document.activeElement?.getAttribute('data-testid')).toBe('cell-self-signed-leaf-SIG')
    await cell(wrapper, 'self-signed-leaf', 'SIG').trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement?.getAttribute('data-testid')).toBe('cell-wrong-host-SIG')
    await cell(wrapper, 'wrong-host', 'HOST').trigger('click')
    expect(wrapper.emitted('select')).toEqual([['wrong-host', 'HOST']])
    wrapper.unmount()
  })
})
