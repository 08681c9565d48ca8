import type { ResultDto, ScenarioDto } from '@contract'
import { PAIR_VERDICT_WORDS, type PairVerdict } from './pair-verdict.js'

/**
 * The matrix's search box: every whitespace-separated term must appear
 * (case-insensitively) somewhere in a row's text: its id, title, tags, the
 * expected and catching steps, the failure code, the client and the outcome.
 * `wrong-host`, `#dates`, `HOST curl`, `ACCEPTED`, `not exercised` all work.
 */
export function parseQuery(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((term) => term !== '')
}

export function matchesQuery(terms: readonly string[], text: string): boolean {
  return terms.every((term) => text.includes(term))
}

/** What a (scenario, client) pair can be found by. */
export function pairSearchParts(scenario: ScenarioDto, clientId: string, result: ResultDto | null, verdict: PairVerdict): string[] {
  return [
    scenario.id,
    scenario.title,
    scenario.kind,
    ...scenario.tags.map((tag) => `#${tag}`),
    scenario.expect.step ?? 'none',
    clientId,
    PAIR_VERDICT_WORDS[verdict],
    verdict,
    result?.catchingStep ?? '',
    result?.code ?? '',
    result?.leaked === true ? 'leaked' : '',
    result?.asExpected === false ? 'unexpected' : '',
  ]
}

export function rowSearchText(row: { scenario: ScenarioDto; clientId: string; result: ResultDto | null; verdict: PairVerdict; outcome: string }): string {
  return [...pairSearchParts(row.scenario, row.clientId, row.result, row.verdict), row.outcome].join(' ').toLowerCase()
}
