import type { StepResult } from '../../steps/step-result.js'
import { failStep, passStep, skipStep } from '../../steps/step-result.js'
import { classifyClientError } from './client-error-kind.js'
import type { ClassifiedError, ClientErrorLike } from './client-error-kind.js'
import { HandshakeType } from './tls-names.js'
import type { HandshakeTranscript } from './transcript-types.js'

/** What a scenario observed on the client side of one connection. */
export interface ConnectionOutcome {
  /** The client's handshake completed (Node 'secureConnect'). */
  handshakeCompleted: boolean
  /** The client's error as Node reported it, if any. */
  clientError?: ClientErrorLike | undefined
  /** The client saw its TCP stream end. */
  streamEnded: boolean
  /** decodeConnection of the client leg with the client's key log, when captured. */
  transcript?: HandshakeTranscript | undefined
}

/**
 * The connection-level steps of issue 12, from what actually happened:
 * PROTO (TLS 1.3 downgrade sentinel, RFC 8446 §4.1.3), HS (the server's
 * signature over the handshake), FIN (Finished / transcript integrity) and
 * REC (record protection and close_notify).
 */
export function handshakeSteps(outcome: ConnectionOutcome): StepResult[] {
  const error = outcome.clientError ? classifyClientError(outcome.clientError) : undefined
  const proto = protoStep(outcome, error)
  const hs = hsStep(outcome, error)
  const fin = finStep(outcome, error, proto.status === 'fail' || hs.status === 'fail')
  return [proto, hs, fin, recStep(outcome, error)]
}

function errorDetail(error: ClassifiedError | undefined): Record<string, unknown> {
  return error ? { clientError: error.code ?? null, alert: error.alert ?? null, detectedBy: error.detectedBy } : {}
}

function protoStep(outcome: ConnectionOutcome, error: ClassifiedError | undefined): StepResult {
  const hello = outcome.transcript?.serverToClient.find((m) => m.type === HandshakeType.serverHello && m.fields['helloRetryRequest'] !== true)
  if (hello?.fields['downgradeDetected'] === true || error?.kind === 'downgrade') {
    return failStep('PROTO', 'DOWNGRADE_SENTINEL', 'ServerHello.random carries the TLS 1.3 downgrade sentinel: someone removed TLS 1.3 from the ClientHello.', {
      sentinel: hello?.fields['downgradeSentinel'] ?? null,
      negotiated: hello?.fields['selectedVersion'] ?? null,
      ...errorDetail(error),
    })
  }
  if (!hello) return skipStep('PROTO', 'NOT_REACHED', 'No ServerHello was seen, so the downgrade sentinel could not be checked.')
  return passStep('PROTO', 'The negotiated version carries no downgrade sentinel.', { negotiated: hello.fields['selectedVersion'] ?? null })
}

/** The client sent its next flight, so it accepted the server's CertificateVerify / ServerKeyExchange. */
function clientAcceptedSignature(transcript: HandshakeTranscript | undefined): boolean {
  if (!transcript) return false
  const signed = transcript.serverToClient.some((m) => m.type === HandshakeType.certificateVerify || m.type === HandshakeType.serverKeyExchange)
  const next = transcript.clientToServer.some((m) => m.type === HandshakeType.clientKeyExchange || m.type === HandshakeType.finished)
  return signed && next
}

function hsStep(outcome: ConnectionOutcome, error: ClassifiedError | undefined): StepResult {
  const scheme = outcome.transcript?.signatureScheme ?? null
  if (error?.kind === 'signature') {
    return failStep('HS', 'HANDSHAKE_SIGNATURE_INVALID', "The handshake signature does not verify with the certificate's key: the server does not hold that key.", {
      signatureScheme: scheme,
      ...errorDetail(error),
    })
  }
  if (error?.kind === 'state-machine' && !outcome.handshakeCompleted) {
    return failStep('HS', 'UNEXPECTED_MESSAGE', 'A record arrived that the handshake state machine does not allow at that point, and the client aborted.', errorDetail(error))
  }
  if (outcome.handshakeCompleted || clientAcceptedSignature(outcome.transcript)) {
    return passStep('HS', "The server's handshake signature verified with the certificate's key.", { signatureScheme: scheme })
  }
  return skipStep('HS', 'NOT_REACHED', 'The handshake stopped before the server proved possession of its key.')
}

function finStep(outcome: ConnectionOutcome, error: ClassifiedError | undefined, earlierFailure: boolean): StepResult {
  const finished = outcome.transcript?.finished
  // The lab recomputes both verify_data values itself (finished-check.ts): a Finished that does not
  // match the captured transcript fails FIN even when the peer did not abort (RFC 8446 §4.4.4).
  const mismatch = finished?.client === 'mismatch' || finished?.server === 'mismatch'
  if (outcome.handshakeCompleted && !mismatch) {
    return passStep('FIN', 'Both Finished messages matched the handshake transcript.', finished ? { ...finished } : undefined)
  }
  if (earlierFailure && !outcome.handshakeCompleted) return skipStep('FIN', 'NOT_REACHED', 'The handshake failed before the Finished messages.')
  if (mismatch || error?.kind === 'finished' || error?.kind === 'record-mac') {
    // TLS 1.3 (and TLS 1.2 with extended_master_secret, RFC 7627) derive the keys from the
    // transcript hash, so an edited hello surfaces as bad_record_mac rather than at Finished.
    return failStep('FIN', 'TRANSCRIPT_MISMATCH', 'Client and server saw different handshake transcripts: the handshake was edited in flight.', {
      version: outcome.transcript?.version ?? null,
      ...(finished ? { finished: { ...finished } } : {}),
      ...(error ? errorDetail(error) : { detectedBy: 'lab' }),
    })
  }
  return skipStep('FIN', 'NOT_REACHED', 'The handshake failed for another reason before the Finished check.')
}

function recStep(outcome: ConnectionOutcome, error: ClassifiedError | undefined): StepResult {
  if (!outcome.handshakeCompleted) return skipStep('REC', 'NOT_REACHED', 'No application records were exchanged.')
  if (error?.kind === 'record-mac') {
    return failStep('REC', 'RECORD_MAC_FAILED', 'A protected record failed its integrity check (bad_record_mac): records were altered, injected or reordered.', errorDetail(error))
  }
  if (error) return failStep('REC', 'RECORD_LAYER_ERROR', `The connection failed after the handshake: ${error.code ?? 'unknown error'}.`, errorDetail(error))
  const totals = outcome.transcript?.totals.serverToClient
  if (outcome.streamEnded && totals && !totals.closeNotify) {
    return failStep('REC', 'TRUNCATED_WITHOUT_CLOSE_NOTIFY', 'The stream ended without close_notify: the response may have been cut short, and the client did not notice.', {
      applicationRecords: totals.applicationRecords,
      applicationBytes: totals.applicationBytes,
    })
  }
  return passStep('REC', 'Every record verified and the server closed with close_notify.', totals ? { ...totals } : undefined)
}
