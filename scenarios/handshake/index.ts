import type { Scenario } from '../define-scenario.js'
import { clientHelloEditScenarios } from './client-hello-edit-scenarios.js'
import { faithfulRelayScenarios } from './faithful-relay-scenarios.js'
import { keyPossessionScenarios } from './key-possession-scenarios.js'
import { postQuantumScenarios } from './post-quantum-scenarios.js'
import { recordTamperingScenarios } from './record-tampering-scenarios.js'

export { clientHelloEditScenarios, faithfulRelayScenarios, keyPossessionScenarios, postQuantumScenarios, recordTamperingScenarios }

/**
 * Issue 12: attacks on the handshake and the record layer rather than the
 * certificate, each caught by the step it teaches (HS, FIN, PROTO's downgrade
 * sentinel, REC), with the record-level relay as the control.
 */
export const handshakeScenarios: readonly Scenario[] = [
  ...faithfulRelayScenarios,
  ...keyPossessionScenarios,
  ...clientHelloEditScenarios,
  ...recordTamperingScenarios,
  ...postQuantumScenarios,
]
