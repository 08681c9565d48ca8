import { describe, expect, it } from 'vitest'
import { gradePrediction, parsePrediction } from '../../../server/training/quiz.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'

const result = (catchingStep: ScenarioResult['catchingStep']): ScenarioResult => ({ catchingStep }) as ScenarioResult

describe('parsePrediction', () => {
  it('reads step ids in any case and the words for "nothing catches it"', () => {
    expect(['trust', ' HOST ', 'pin', 'none', 'Nothing', 'accept', 'banana', ''].map(parsePrediction)).toEqual([
      'TRUST',
      'HOST',
      'PIN',
      'NONE',
      'NONE',
      'NONE',
      null,
      null,
    ])
  })
})

describe('gradePrediction', () => {
  it('grades against the live result: NONE is right when the client accepted', () => {
    expect(gradePrediction('NONE', result(null))).toEqual({ predicted: 'NONE', actual: 'NONE', isCorrect: true })
    expect(gradePrediction('TRUST', result('HOST'))).toEqual({ predicted: 'TRUST', actual: 'HOST', isCorrect: false })
  })
})
