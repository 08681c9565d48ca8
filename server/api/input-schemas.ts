import { z } from 'zod'
import type { RunCancelInput, RunGetInput, RunStartInput, RunsListInput } from './contract.js'

/**
 * Every client→server payload, socket or REST, passes one of these before it
 * is used (issue 10: validate every input). Strict objects: unknown keys are
 * refused rather than ignored, so a typo is an error, not a silent default.
 */
const scenarioId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(100)
/** `20261124T093012Z-3f9a1c` (scenarios/runner.ts newRunId), bounded so it cannot be abused as a payload. */
const runId = z.string().regex(/^[0-9A-Za-z-]{1,64}$/)

export const runStartInputSchema = z.strictObject({ scenarioIds: z.array(scenarioId).min(1).max(200).optional() })
export const runCancelInputSchema = z.strictObject({ runId })
export const runGetInputSchema = z.strictObject({ runId })
export const runsListInputSchema = z.strictObject({ limit: z.number().int().min(1).max(1000).optional() })
/** REST query for the runs list: strings in the URL. */
export const runsListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() })

// Compile-time proof that the schemas and the contract describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemasMatchContract: [
  Same<z.infer<typeof runStartInputSchema>, RunStartInput>,
  Same<z.infer<typeof runCancelInputSchema>, RunCancelInput>,
  Same<z.infer<typeof runGetInputSchema>, RunGetInput>,
  Same<z.infer<typeof runsListInputSchema>, RunsListInput>,
] = [true, true, true, true]
void schemasMatchContract

/** The first issue, as one sentence for the ack. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'invalid input'
  const where = issue.path.length === 0 ? 'input' : issue.path.join('.')
  return `${where}: ${issue.message}`
}
