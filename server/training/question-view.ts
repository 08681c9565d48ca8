import type { Scenario } from '../../scenarios/define-scenario.js'
import { STEP_IDS } from '../steps/step-ids.js'

/**
 * Tags that may be shown before the prediction: they say what kind of attack
 * or setting it is, never which check is about it. Every other tag names a
 * step's topic (#dates, #basic-constraints, #pinning, #ct, #transcript,
 * #record…) or the answer itself (#weakness and #teaching mark attacks
 * nothing catches, #strict and #legacy whether PROTO applies), so it waits for
 * the reveal. A whitelist, so a tag added to the catalog later stays hidden
 * until someone decides it gives nothing away.
 */
export const NEUTRAL_TAGS: ReadonlySet<string> = new Set([
  'classic',
  'interception',
  'trusted-rogue',
  'forging-strategy',
  'mitmproxy',
  'mockttp',
  'strategy',
  'probabilistic',
  'explicit-proxy',
  'http',
  'handshake',
  'tls12',
  'tls13',
  'large',
])

/** A step id written as a word of its own, in capitals, as titles write them ("HSTS", "CT"). */
const STEP_WORD = new RegExp(`\\b(${STEP_IDS.join('|')})\\b`)
/** A clause that tells the outcome: "…: caught by the CRL", "…: nothing catches it", "…: CT detects, it does not block". */
const OUTCOME_CLAUSE = /\b(catch(es)?|caught|detects?|nothing|blocks?)\b/i

/**
 * The title as the question shows it: a trailing clause that tells the
 * outcome is dropped, a parenthesis naming a step is dropped, and any other
 * step id is replaced by "…" (the reveal shows the full title).
 */
export function questionTitle(title: string): string {
  const colon = title.indexOf(': ')
  let shown = colon > 0 && OUTCOME_CLAUSE.test(title.slice(colon + 2)) ? title.slice(0, colon) : title
  shown = shown.replace(/\s*\([^)]*\)/g, (parenthesis) => (STEP_WORD.test(parenthesis) ? '' : parenthesis))
  return shown.replace(new RegExp(STEP_WORD.source, 'g'), '…').trim()
}

export function questionTags(scenario: Pick<Scenario, 'tags'>): string[] {
  return scenario.tags.filter((tag) => NEUTRAL_TAGS.has(tag))
}

/** True when text names a step id as a word, in any case ("hsts", "CT"): what no question may show. */
export function namesStep(text: string): boolean {
  return new RegExp(STEP_WORD.source, 'i').test(text)
}
