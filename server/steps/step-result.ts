import type { StepId } from './step-ids.js'

export type StepStatus = 'pass' | 'fail' | 'skip'

/**
 * One verification step's outcome. Every step, certificate-level (from the
 * verifier) or connection-level (PROTO, HSTS, FP, ...), has this one shape, so
 * the store, the CLI table and the dashboard treat them alike.
 *
 * A rejected certificate is a value of this type, never an exception.
 */
export interface StepResult {
  step: StepId
  status: StepStatus
  /** SCREAMING_SNAKE failure code when status is 'fail'; the skip reason code when 'skip'. */
  code?: string
  /** One human sentence, written by the step's describe function, never inline prose. */
  message: string
  /** Structured context for the sentence (expected vs presented names, dates, ...). */
  detail?: Record<string, unknown>
}

export function passStep(step: StepId, message: string, detail?: Record<string, unknown>): StepResult {
  return detail === undefined ? { step, status: 'pass', message } : { step, status: 'pass', message, detail }
}

export function skipStep(step: StepId, code: string, message: string): StepResult {
  return { step, status: 'skip', code, message }
}

export function failStep(
  step: StepId,
  code: string,
  message: string,
  detail?: Record<string, unknown>,
): StepResult {
  return detail === undefined
    ? { step, status: 'fail', code, message }
    : { step, status: 'fail', code, message, detail }
}
