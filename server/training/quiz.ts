import type { Scenario } from '../../scenarios/define-scenario.js'
import type { ScenarioResult } from '../lab/scenario-result.js'
import { isStepId, STEP_IDS, type StepId } from '../steps/step-ids.js'
import { questionTags, questionTitle } from './question-view.js'
import { familyOf } from './quiz-families.js'

/** "Nothing catches it": the answer for attacks no verification step stops. */
export const NOTHING = 'NONE'
export type Prediction = StepId | typeof NOTHING

/**
 * What the trainee is shown before predicting: the attack, not the answer —
 * the title without an outcome clause or a step id, and only the tags that
 * name no step's topic (question-view.ts). The reveal shows the rest.
 */
export interface Question {
  scenarioId: string
  title: string
  tags: string[]
  kind: Scenario['kind']
  /**
   * The quiz family (server/training/quiz-families.ts) the trainee picks from: what the attacker does
   * or where it sits, never which step stops it, so it may be shown before the answer.
   */
  family: string
}

export function questionFor(scenario: Scenario): Question {
  return { scenarioId: scenario.id, title: questionTitle(scenario.title), tags: questionTags(scenario), kind: scenario.kind, family: familyOf(scenario) }
}

/** Reads a typed answer: a step id in any case, or none / nothing / accept. Null when it is neither. */
export function parsePrediction(input: string): Prediction | null {
  const answer = input.trim().toUpperCase()
  if (['NONE', 'NOTHING', 'ACCEPT', '-'].includes(answer)) return NOTHING
  return isStepId(answer) ? answer : null
}

export interface Grade {
  predicted: Prediction
  /** What really caught it in the live run, or NONE when the client accepted. */
  actual: Prediction
  isCorrect: boolean
}

/** Graded against what the lab's verifier actually did just now, not against the catalog. */
export function gradePrediction(predicted: Prediction, result: ScenarioResult): Grade {
  const actual: Prediction = result.catchingStep ?? NOTHING
  return { predicted, actual, isCorrect: predicted === actual }
}

export const PREDICTION_CHOICES = [...STEP_IDS, NOTHING] as const
