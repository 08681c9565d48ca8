import { STEP_IDS, STEP_TITLES, type StepId } from '@contract'

export { STEP_IDS, STEP_TITLES }

export function isStepIdValue(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value)
}
