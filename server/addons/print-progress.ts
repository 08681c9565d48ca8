import type { Addon } from '../bus/lab-bus.js'

/** One line per finished scenario on stderr, so stdout stays the table / JSON. */
export function printProgress(out: NodeJS.WritableStream, total: number): Addon {
  let done = 0
  return {
    'run:started': ({ run }) => {
      out.write(`mitmlab: run ${run.id}, ${total} scenarios\n`)
    },
    'scenario:finished': ({ result }) => {
      done += 1
      const outcome = result.verdict === 'reject' ? `caught by ${result.catchingStep ?? '?'}` : result.leaked ? 'accepted, credentials LEAKED' : 'accepted'
      const mark = result.asExpected ? 'ok ' : 'XX '
      out.write(`  [${String(done).padStart(String(total).length)}/${total}] ${mark} ${result.scenarioId.padEnd(36)} ${outcome} (${Math.round(result.durationMs)} ms)\n`)
    },
  }
}
