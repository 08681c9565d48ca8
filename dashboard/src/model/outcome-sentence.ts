import type { ResultDto, ScenarioDto } from '@contract'
import { pairVerdict } from './pair-verdict.js'

/**
 * The one sentence at the top of a scenario's page: what happened to this
 * client, in words that agree with the title and with every step below
 * (issue 18: sslstrip-first-visit's title says nothing catches it while FP
 * shows ✗; the sentence says the bank noticed only after the password leaked).
 */
export function outcomeSentences(scenario: ScenarioDto, result: ResultDto | null): string[] {
  if (result === null) return []
  const client = result.clientId
  switch (pairVerdict(scenario, result, false)) {
    case 'error':
      return [`The lab could not run this scenario with ${client}: ${result.error ?? 'unknown error'}.`]
    case 'not-exercised':
      return [
        `${client} never met this attack: it went straight to https://, so the proxy only relayed ciphertext and the stripped http:// page was never requested. It is not judged on this scenario.`,
      ]
    case 'caught':
      return [`${client} refused the connection at ${result.catchingStep ?? 'an unmapped step'}${result.code ? ` (${result.code})` : ''}: the attack was stopped.`]
    case 'refused-control':
      return [`${client} refused a connection it should have accepted${result.catchingStep ? `, at ${result.catchingStep}` : ''}${result.code ? ` (${result.code})` : ''}: a false reject.`]
    case 'accepted':
      return [`${client} accepted the genuine connection, as it should.`]
    default: {
      const sentences = [
        result.expected.verdict === 'accept'
          ? `Nothing on the client side catches this attack: ${client} accepted${result.leaked ? ' and the proxy read the password in the clear' : ''}.`
          : `${client} accepted an attack it should have refused${result.expected.step ? ` at ${result.expected.step}` : ''}${result.leaked ? ': the proxy read the password in the clear' : ''}.`,
      ]
      const fp = result.steps.find((step) => step.step === 'FP')
      if (fp?.status === 'fail') {
        sentences.push(
          `The bank noticed the interception (FP ✗) only when the ${result.leaked ? 'stolen login' : 'request'} reached it${result.leaked ? ', after the password had already leaked' : ''}: a server-side finding never stops the client.`,
        )
      }
      return sentences
    }
  }
}
