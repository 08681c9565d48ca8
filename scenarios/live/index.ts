import type { Scenario } from '../define-scenario.js'
import { ctScenarios } from './ct-scenarios.js'
import { forgingBehaviourScenarios } from './forging-behaviour-scenarios.js'
import { protocolScenarios } from './protocol-scenarios.js'
import { revocationScenarios } from './revocation-scenarios.js'
import { sslstripScenarios } from './sslstrip-scenarios.js'

/**
 * Scenarios that need live infrastructure beyond a forged chain: CT logs,
 * the CA's CRL and OCSP responder, a stripping HTTP proxy, a weakened TLS
 * server. Each runs on 127.0.0.1 and tears everything down after itself.
 */
export const liveScenarios: readonly Scenario[] = [...ctScenarios, ...revocationScenarios, ...sslstripScenarios, ...protocolScenarios, ...forgingBehaviourScenarios]
export { ctScenarios, revocationScenarios, sslstripScenarios, protocolScenarios, forgingBehaviourScenarios }
