import { computed, watch } from 'vue'
import type { RunView } from '../model/run-view.js'
import { selectedRunParam } from './params.js'
import { loadRun, runs, runViews } from './client/state.js'

/** The run on screen: the one in the URL, else the one running, else the newest. */
export const currentRunId = computed<string | null>(
  () => selectedRunParam.value ?? runs.value.find((run) => run.status === 'running')?.id ?? runs.value[0]?.id ?? null,
)

export const currentRunView = computed<RunView | null>(() => {
  const id = currentRunId.value
  return id === null ? null : (runViews.value.get(id) ?? null)
})

/** Fetches the selected run when it is not in memory (a past run, a shared link, after a resync). */
export function watchCurrentRun(): void {
  watch(
    [currentRunId, runViews],
    ([id]) => {
      if (id !== null && !runViews.value.has(id)) void loadRun(id)
    },
    { immediate: true },
  )
}
