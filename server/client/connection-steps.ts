import { failStep, skipStep, type StepResult } from '../steps/step-result.js'
import { handshakeSteps, type ConnectionOutcome } from '../tls/handshake/handshake-steps.js'
import { CONNECTION_CODES } from './connection-codes.js'

/** What the victim saw on its own connection, plus its raw error message for the trace. */
export interface ObservedConnection extends ConnectionOutcome {
  /** The protocol-policy PROTO result (version / cipher policy), when one was decided. */
  policyProto: StepResult | null
}

/**
 * The victim's connection-level steps (PROTO, HS, FIN, REC) from its own
 * captured transcript and its actual TLS error (handshakeSteps, issue 12),
 * merged with the protocol policy's PROTO: a failure wins, the policy's
 * failure first (it names the broken rule). A handshake that failed with
 * no step to blame keeps PROTO HANDSHAKE_FAILED, so it is never accepted.
 *
 * @example
 * connectionSteps({ handshakeCompleted: false, clientError: { code: 'ERR_SSL_INAPPROPRIATE_FALLBACK', message }, streamEnded: false, transcript, policyProto: null })
 * // PROTO fail DOWNGRADE_SENTINEL, HS/FIN/REC skip NOT_REACHED
 */
export function connectionSteps(observed: ObservedConnection): StepResult[] {
  const { policyProto, ...outcome } = observed
  const [sentinelProto, ...rest] = handshakeSteps(outcome).map((step) => withRawError(truncationAsSeen(undecodedRecordsSkip(step, observed)), observed))
  const proto = mergeProto(policyProto, sentinelProto)
  const steps = proto === undefined ? rest : [proto, ...rest]
  if (!observed.handshakeCompleted && !steps.some((step) => step.status === 'fail')) {
    const error = observed.clientError
    return [
      failStep('PROTO', CONNECTION_CODES.HANDSHAKE_FAILED, `The TLS handshake failed: ${error?.message ?? 'unknown error'}`, {
        error: error?.code ?? null,
        rawError: error?.message ?? null,
      }),
      ...rest,
    ]
  }
  return steps
}

/**
 * A truncation raises no error at all: Node reports a clean end of stream.
 * Only this client's own close_notify check (RFC 8446 §6.1) catches it, so
 * the trace says what Node saw instead of a TLS error.
 */
function truncationAsSeen(step: StepResult): StepResult {
  if (step.code !== 'TRUNCATED_WITHOUT_CLOSE_NOTIFY') return step
  return {
    ...step,
    message: 'The stream ended without close_notify: anyone on the path may have cut the response short. Node reported a clean end, with no TLS error.',
    detail: { ...step.detail, clientError: null, closeNotify: false, nodeSaw: 'end of stream, no error' },
  }
}

function mergeProto(policy: StepResult | null, sentinel: StepResult | undefined): StepResult | undefined {
  if (policy?.status === 'fail') return policy
  if (sentinel?.status === 'fail') return sentinel
  return policy ?? sentinel
}

/** A failed step keeps the client's error exactly as OpenSSL/Node gave it. */
function withRawError(step: StepResult, observed: ObservedConnection): StepResult {
  if (step.status !== 'fail' || observed.clientError === undefined) return step
  return { ...step, detail: { ...step.detail, rawError: observed.clientError.message } }
}

/**
 * close_notify is an encrypted alert: when the decoder could not open the
 * server's records (suites it does not decrypt: CBC, NULL, TLS 1.0/1.1), its
 * absence proves nothing, so REC is not decided rather than failed.
 */
function undecodedRecordsSkip(step: StepResult, observed: ObservedConnection): StepResult {
  const totals = observed.transcript?.totals.serverToClient
  if (step.step !== 'REC' || step.code !== 'TRUNCATED_WITHOUT_CLOSE_NOTIFY' || totals === undefined || totals.undecodedRecords === 0) return step
  return skipStep('REC', 'NOT_DECODED', `The server's records use a suite the lab cannot decrypt (${totals.undecodedRecords} undecoded), so close_notify cannot be checked`)
}
