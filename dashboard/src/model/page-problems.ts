import type { RunView } from './run-view.js'

export interface PageProblem {
  kind: 'replay' | 'run' | 'scenario' | 'client'
  title: string
  detail: string
  action: { label: string; href: string } | null
}

/**
 * What is wrong with the page's URL, if anything (issue 18 item 8): a replay
 * or run id the store does not have, a scenario or client the run does not
 * have. The page shows the sentence instead of raw JSON or another run.
 */
export function pageProblems(params: {
  replayRunId: string | null
  snapshotError: string | null
  runId: string | null
  runError: string | null
  view: RunView | null
  scenarioId: string | null
  clientId: string | null
}): PageProblem[] {
  const { replayRunId, snapshotError, runId, runError, view, scenarioId, clientId } = params
  if (replayRunId !== null && snapshotError !== null) {
    return [
      {
        kind: 'replay',
        title: `Cannot replay run “${replayRunId}”`,
        detail: `${snapshotError}. The link may be mistyped, or the run was recorded in another store (--data-dir).`,
        action: { label: 'Open the live lab and its list of runs', href: './' },
      },
    ]
  }
  if (runId !== null && runError !== null) {
    return [
      {
        kind: 'run',
        title: `No run “${runId}” here`,
        detail: `${runError}. The link may be mistyped, or the run was recorded in another store (--data-dir).`,
        action: { label: 'Show the latest run instead', href: '#' },
      },
    ]
  }
  if (view === null) return []
  const problems: PageProblem[] = []
  if (scenarioId !== null && !view.scenarioIds.includes(scenarioId)) {
    problems.push({
      kind: 'scenario',
      title: `Run ${view.run.id} has no scenario “${scenarioId}”`,
      detail: `It ran ${view.scenarioIds.length} scenario${view.scenarioIds.length === 1 ? '' : 's'}; pick one in the matrix below.`,
      action: { label: 'Close this message', href: `#run=${encodeURIComponent(view.run.id)}` },
    })
  }
  if (clientId !== null && !view.clientIds.includes(clientId)) {
    problems.push({
      kind: 'client',
      title: `Run ${view.run.id} has no client “${clientId}”`,
      detail: `Its clients: ${view.clientIds.join(', ')}.`,
      action: { label: 'Close this message', href: `#run=${encodeURIComponent(view.run.id)}` },
    })
  }
  return problems
}
