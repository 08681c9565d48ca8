import { describe, expect, it } from 'vitest'
import { scenarios } from '../../../scenarios/index.js'
import { STEP_IDS } from '../../../server/steps/step-ids.js'
import { NEUTRAL_TAGS, namesStep, questionTitle } from '../../../server/training/question-view.js'
import { questionFor } from '../../../server/training/quiz.js'

/**
 * Tags that name a step's topic: the ones issue 18 found shown before the
 * prediction (#dates, #basic-constraints, #pinning, #ct, #transcript, #record…)
 * and the ones that name the answer NONE or PROTO (#weakness, #teaching, #strict, #legacy).
 */
const REVEALING_TAGS = [
  'dates', 'basic-constraints', 'constraints', 'pinning', 'ct', 'transcript', 'record', 'revocation', 'ocsp', 'crl',
  'hostname', 'names', 'wildcard', 'name-constraints', 'eku', 'key-usage', 'path-length', 'algorithms', 'weak-hash',
  'weak-key', 'signature', 'extensions', 'hsts', 'sslstrip', 'protocol', 'downgrade', 'cipher', 'key-possession',
  'state-machine', 'fingerprint', 'weakness', 'teaching', 'strict', 'legacy', 'legacy-client', 'soft-fail', 'hard-fail',
  'must-staple', 'chain', 'forgery', 'path-building', 'encoding', 'parsing', 'truncation', 'close-notify', 'sentinel', 'alpn', 'curveball',
]

const attacks = scenarios.filter((scenario) => scenario.kind === 'attack')
const STEP_WORD = new RegExp(`\\b(${STEP_IDS.join('|')})\\b`)

describe('training questions give nothing away before the prediction', () => {
  it('no question of the 110 attacks shows a step id or a step-revealing tag', () => {
    const leaks = attacks.flatMap((scenario) => {
      const question = questionFor(scenario)
      const shown = [question.title, ...question.tags]
      return [
        ...(STEP_WORD.test(question.title) ? [`${scenario.id}: title "${question.title}" names a step`] : []),
        ...question.tags.filter((tag) => namesStep(tag) || REVEALING_TAGS.includes(tag)).map((tag) => `${scenario.id}: tag #${tag}`),
        ...(JSON.stringify(question).includes(scenario.explanation) ? [`${scenario.id}: explanation`] : []),
        ...shown.filter((text) => /\b(catch(es)?|caught|nothing catches)\b/i.test(text)).map((text) => `${scenario.id}: "${text}" tells the outcome`),
      ]
    })
    expect(leaks).toEqual([])
    expect(attacks.length).toBeGreaterThan(100)
  })

  it('shows only whitelisted tags, and none of the whitelist is revealing', () => {
    expect([...NEUTRAL_TAGS].filter((tag) => REVEALING_TAGS.includes(tag) || namesStep(tag))).toEqual([])
    for (const scenario of attacks) expect(questionFor(scenario).tags.every((tag) => NEUTRAL_TAGS.has(tag))).toBe(true)
  })

  it('drops the outcome clause and hides step ids in titles, keeping the attack described', () => {
    expect(questionTitle('sslstrip after one clean visit: the cached HSTS policy catches it')).toBe('sslstrip after one clean visit')
    expect(questionTitle('sslstrip on a first visit: nothing catches it')).toBe('sslstrip on a first visit')
    expect(questionTitle('Stolen, revoked certificate: caught by OCSP')).toBe('Stolen, revoked certificate')
    expect(questionTitle('Trusted CA mis-issues for the bank (client without pins or CT)')).toBe('Trusted CA mis-issues for the bank')
    expect(questionTitle('sslstrip against a client with bank.lab on its HSTS preload list')).toBe('sslstrip against a client with bank.lab on its … preload list')
    expect(questionTitle('TLS 1.3 dropped: the proxy stops at TLS 1.2')).toBe('TLS 1.3 dropped: the proxy stops at TLS 1.2')
    expect(questionTitle('Expired certificate for the bank')).toBe('Expired certificate for the bank')
  })
})
