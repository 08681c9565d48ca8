import type { Addon } from '../bus/lab-bus.js'

/** One line per finished result (scenario × client) on stderr, so stdout stays the table / JSON. */
export function printProgress(out: NodeJS.WritableStream, total: number): Addon {
  let done = 0
  return {
    'run:started': ({ run }) => {
      out.write(`mitmlab: run ${run.id}, ${total} results to come\n`)
    },
    'scenario:finished': ({ result }) => {
      done += 1
      const outcome =
        result.external?.notExercised !== undefined
          ? 'not exercised (never met the attack)'
          : result.verdict === 'reject'
            ? `caught by ${result.catchingStep ?? '?'}`
            : result.leaked
              ? 'accepted, credentials LEAKED'
              : 'accepted'
      const mark = result.asExpected ? 'ok ' : 'XX '
      const who = result.clientId === 'lab-verifier' ? '' : ` [${result.clientId}]`
      out.write(`  [${String(done).padStart(String(total).length)}/${total}] ${mark} ${`${result.scenarioId}${who}`.padEnd(40)} ${outcome} (${Math.round(result.durationMs)} ms)\n`)
    },
  }
}
