import type { StepId } from '@contract'
import { isStepIdValue } from '../model/step-vocabulary.js'
import { useUrlSearchParams } from '@vueuse/core'
import { computed, type WritableComputedRef } from 'vue'
import type { GroupBy, OutcomeFilter } from '../model/matrix.js'

/**
 * The selection lives in the URL hash (`#run=…&scenario=…&step=HOST`) so a
 * link to a run, a scenario or a step can be shared; a replay is `#replay=RUN`.
 */
const params = useUrlSearchParams('hash-params', { removeNullishValues: true, removeFalsyValues: true })

function stringParam(key: string): WritableComputedRef<string | null> {
  return computed({
    get: () => {
      const value = params[key]
      return typeof value === 'string' && value !== '' ? value : null
    },
    set: (value) => {
      params[key] = value ?? ''
    },
  })
}

export const selectedRunParam = stringParam('run')
export const selectedScenarioParam = stringParam('scenario')
export const replayRunParam = stringParam('replay')
export const tagParam = stringParam('tag')
/** The client whose scenario × step matrix and detail are shown (`#client=curl`). */
export const selectedClientParam = stringParam('client')
/** The matrix's search box (`#q=wrong-host`). */
export const queryParam = stringParam('q')
/** `#matrix=clients`: the scenario × client matrix; anything else the scenario × step matrix. */
export const matrixModeParam = stringParam('matrix')
/** `#view=training`: the training quiz in place of the matrix (issue 11). */
export const viewParam = stringParam('view')
const stepRaw = stringParam('step')
const outcomeRaw = stringParam('outcome')
const groupRaw = stringParam('group')

export const selectedStepParam = computed<StepId | null>({
  get: () => (stepRaw.value !== null && isStepIdValue(stepRaw.value) ? stepRaw.value : null),
  set: (value) => (stepRaw.value = value),
})

const OUTCOMES: readonly OutcomeFilter[] = ['all', 'caught', 'accepted', 'leaked', 'not-exercised', 'unexpected']
export const outcomeParam = computed<OutcomeFilter>({
  get: () => OUTCOMES.find((o) => o === outcomeRaw.value) ?? 'all',
  set: (value) => (outcomeRaw.value = value === 'all' ? null : value),
})

const GROUPS: readonly GroupBy[] = ['none', 'tag', 'outcome']
export const groupParam = computed<GroupBy>({
  get: () => GROUPS.find((g) => g === groupRaw.value) ?? 'none',
  set: (value) => (groupRaw.value = value === 'none' ? null : value),
})
