import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scenarios } from '../../../scenarios/index.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { attacksOf, familyOf, QUIZ_FAMILY_IDS } from '../../../server/training/quiz-families.js'
import { advanceQuizSession, currentScenarioId, loadQuizSession, quizState, QuizState, startQuizSession } from '../../../server/training/quiz-session.js'
import { listSessionAnswers, recordTrainingAnswer } from '../../../server/training/training-store.js'

const inOrder = <T>(items: T[]): T[] => items

function answer(store: LabStore, sessionId: string, scenarioId: string, correct: boolean): () => void {
  return () =>
    recordTrainingAnswer(store, { trainee: 'ada', sessionId, scenarioId, predicted: 'REV', actual: correct ? 'REV' : 'NONE', correct, answeredAt: new Date().toISOString() })
}

describe('quiz families', () => {
  it('put every attack in exactly one family, and "all" holds every attack', () => {
    const attacks = scenarios.filter((s) => s.kind === 'attack')
    const perFamily = QUIZ_FAMILY_IDS.filter((id) => id !== 'all').map((id) => attacksOf(id, scenarios).length)
    expect(perFamily.reduce((a, b) => a + b, 0)).toBe(attacks.length)
    expect(attacksOf('all', scenarios)).toHaveLength(attacks.length)
    expect(familyOf({ tags: ['http', 'sslstrip', 'hsts'] })).toBe('sslstrip')
    expect(familyOf({ tags: ['chain', 'forgery', 'classic'] })).toBe('certificates')
  })
})

describe('a stored quiz sitting', () => {
  it('asks the chosen family and count, advances per answer, and resumes after the store is reopened', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-quiz-')), 'mitmlab.sqlite')
    const store = new LabStore(file)
    const revocation = attacksOf('revocation', scenarios).map((s) => s.id)
    const session = startQuizSession(store, { trainee: 'ada', family: 'revocation', count: 3, catalog: scenarios, shuffle: inOrder })
    expect(session.scenarioIds).toEqual(revocation.slice(0, 3))
    expect(quizState(session)).toBe(QuizState.Asking)

    const first = revocation[0] ?? ''
    const afterOne = advanceQuizSession(store, session, first, true, answer(store, session.id, first, true))
    expect({ position: afterOne.position, correct: afterOne.correct }).toEqual({ position: 1, correct: 1 })
    // Only the current question is accepted, and only once.
    expect(() => advanceQuizSession(store, afterOne, first, true, () => {})).toThrow(/asks "/)
    expect(() => advanceQuizSession(store, session, first, true, () => {})).toThrow(/already answered/)
    store.close()

    // A server restart: a new store on the same file finds the sitting where it was.
    const reopened = new LabStore(file)
    const resumed = loadQuizSession(reopened, session.id)
    expect(resumed).toMatchObject({ id: session.id, trainee: 'ada', family: 'revocation', position: 1, correct: 1, scenarioIds: revocation.slice(0, 3) })
    expect(resumed === null ? null : currentScenarioId(resumed)).toBe(revocation[1])
    expect(listSessionAnswers(reopened, session.id).map((a) => [a.scenarioId, a.correct])).toEqual([[first, true]])

    let current = resumed
    for (const correct of [false, true]) {
      if (current === null) throw new Error('no session')
      const id = currentScenarioId(current) ?? ''
      current = advanceQuizSession(reopened, current, id, correct, answer(reopened, session.id, id, correct))
    }
    expect(current === null ? null : { state: quizState(current), position: current.position, correct: current.correct, next: currentScenarioId(current) }).toEqual({
      state: QuizState.Finished,
      position: 3,
      correct: 2,
      next: null,
    })
    reopened.close()
  })
})
