/**
 * Handshake decoding and the connection-level steps of issue 12.
 *
 * @example
 * const transcript = decodeConnection({ ...relay.connections[0].clientLeg(), keylog: recorder.text })
 * const steps = handshakeSteps({ handshakeCompleted, clientError, streamEnded, transcript })
 */
export { decodeConnection, type CapturedConnection } from './decode-connection.js'
export { handshakeSteps, type ConnectionOutcome } from './handshake-steps.js'
export { classifyClientError, RSA_SIGNATURE_FAILURE_CODES, type ClassifiedError, type ClientErrorLike, type ErrorKind } from './client-error-kind.js'
export { checkDowngradeSentinel, DOWNGRADE_TLS11, DOWNGRADE_TLS12, type SentinelCheck } from './downgrade-sentinel.js'
export type { HandshakeTranscript, HandshakeMessage, AlertSeen, Direction, DirectionTotals, FinishedCheck, TranscriptError, TranscriptErrorCode } from './transcript-types.js'
export type { HandshakeFields } from './message-fields.js'
export { hkdfExpandLabel, tls13TrafficKeys, tls12Prf, tls12KeyBlock } from './key-schedule.js'
export { RecordProtection, type RecordKeys } from './record-protection.js'
