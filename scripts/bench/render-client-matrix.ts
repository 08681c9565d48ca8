/** The full client matrix (every scenario × every available client) timed at several --jobs values. */
export interface ClientMatrixResult {
  date: string
  machine: { nproc: number; cpuModel: string; node: string }
  /** The drivers that ran (`--clients all` minus what this machine lacks), and the ones skipped with the reason. */
  clients: string[]
  skipped: { id: string; reason: string }[]
  scenarios: number
  runs: ClientMatrixRun[]
}

export interface ClientMatrixRun {
  jobs: number
  seconds: number
  /** scenario × client results, the lab's verifier included. */
  results: number
  unexpected: number
  /** Load average (1 min) when the run started and ended: the machine is shared. */
  loadBefore: number
  loadAfter: number
  /** Results whose verdict, step, code, leaked or as-expected differ from the first run's (same scenario and client). */
  differing: string[]
  /** Where the number comes from when it was not measured by this script (e.g. the commit before --jobs). */
  note?: string
}

export const CLIENT_MATRIX_START = '<!-- client-matrix:start -->'
export const CLIENT_MATRIX_END = '<!-- client-matrix:end -->'

/** The "Full client matrix" section of docs/benchmarks.md, between its markers (so it can be replaced on its own). */
export function renderClientMatrixSection(result: ClientMatrixResult): string {
  // Speed-ups and verdict differences are against the first run this script measured itself.
  const first = result.runs.find((run) => run.note === undefined) ?? result.runs[0]
  // Speed-up: over the run with the fewest jobs (normally jobs 1), wherever it was measured.
  const slowest = [...result.runs].sort((a, b) => a.jobs - b.jobs)[0]
  const load = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '–')
  const lines = [
    CLIENT_MATRIX_START,
    '## Full client matrix (issue 19: `--jobs`)',
    '',
    `\`mitmlab run --clients all --jobs N\`: ${result.scenarios} scenarios × ${result.clients.length + 1} clients (the lab's verifier and ${result.clients.join(', ')})` +
      `${result.skipped.length === 0 ? '' : `; skipped: ${result.skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}`}. ` +
      `Measured ${result.date} on ${result.machine.nproc} × ${result.machine.cpuModel}, Node ${result.machine.node}, by \`npm run bench:matrix\` (or \`npm run bench\`).`,
    '',
    `| jobs | wall time | speed-up over jobs ${slowest?.jobs ?? '–'} | results | unexpected | results differing from jobs ${first?.jobs ?? '–'} | load avg before → after |`,
    '|---:|---:|---:|---:|---:|---:|---|',
    ...result.runs.map(
      (run) =>
        `| ${run.jobs}${run.note === undefined ? '' : '*'} | ${formatSeconds(run.seconds)} | ${slowest === undefined ? '–' : `${(slowest.seconds / run.seconds).toFixed(2)}×`} | ${run.results} | ${run.unexpected} | ${run.differing.length} | ${load(run.loadBefore)} → ${load(run.loadAfter)} |`,
    ),
    '',
    ...result.runs.flatMap((run) => (run.note === undefined ? [] : [`\\* ${run.note}`, ''])),
    ...result.runs.flatMap((run) =>
      run.differing.length === 0 || first === undefined ? [] : [`jobs ${run.jobs}${run.note === undefined ? '' : '*'} differs from jobs ${first.jobs} on (jobs ${first.jobs}'s result → this run's): ${run.differing.join('; ')}`, ''],
    ),
    CLIENT_MATRIX_END,
  ]
  return lines.join('\n')
}

/** The section as it stands in an existing docs/benchmarks.md (markers included), or null. */
export function previousClientMatrixSection(previous: string | null): string | null {
  if (previous === null) return null
  const start = previous.indexOf(CLIENT_MATRIX_START)
  const end = previous.indexOf(CLIENT_MATRIX_END)
  return start < 0 || end < start ? null : previous.slice(start, end + CLIENT_MATRIX_END.length)
}

/** `document` with its client-matrix section replaced by `section` (or `section` inserted before the first `## Start-up` / appended). */
export function spliceClientMatrixSection(document: string, section: string): string {
  const existing = previousClientMatrixSection(document)
  if (existing !== null) return document.replace(existing, section)
  const anchor = document.indexOf('## Start-up')
  return anchor < 0 ? `${document.trimEnd()}\n\n${section}\n` : `${document.slice(0, anchor)}${section}\n\n${document.slice(anchor)}`
}

function formatSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60)
  return minutes === 0 ? `${seconds.toFixed(1)} s` : `${seconds.toFixed(0)} s (${minutes} min ${Math.round(seconds - minutes * 60)} s)`
}
