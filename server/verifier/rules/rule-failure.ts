import type { FailureCode } from '../codes.js'
import type { FailureDetail } from '../describe-failure.js'

/** A broken rule, before it becomes a StepResult: the code and the context its sentence needs. */
export interface RuleFailure {
  code: FailureCode
  detail: FailureDetail
}

/** Where a certificate sits on the path: rules differ for the leaf, intermediates and the anchor. */
export type PathRole = 'leaf' | 'intermediate' | 'anchor'
