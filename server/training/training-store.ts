import type { LabStore } from '../store/lab-store.js'

export interface TrainingAnswer {
  trainee: string
  sessionId: string
  scenarioId: string
  predicted: string
  actual: string
  correct: boolean
  answeredAt: string
}

export interface TraineeScore {
  trainee: string
  answered: number
  correct: number
  sessions: number
  lastAnsweredAt: string
}

/** Each answer is committed on its own: a trainee who quits mid-quiz keeps what they answered. */
export function recordTrainingAnswer(store: LabStore, answer: TrainingAnswer): void {
  store.db
    .prepare(
      `INSERT INTO training_answers (trainee, session_id, scenario_id, predicted, actual, correct, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(answer.trainee, answer.sessionId, answer.scenarioId, answer.predicted, answer.actual, answer.correct ? 1 : 0, answer.answeredAt)
}

/** The trainer's list: every trainee, best first. */
export function listTraineeScores(store: LabStore): TraineeScore[] {
  return (
    store.db
      .prepare(
        `SELECT trainee, COUNT(*) AS answered, SUM(correct) AS correct, COUNT(DISTINCT session_id) AS sessions,
                MAX(answered_at) AS lastAnsweredAt
         FROM training_answers GROUP BY trainee ORDER BY (1.0 * SUM(correct) / COUNT(*)) DESC, answered DESC, trainee`,
      )
      .all() as TraineeScore[]
  ).map((row) => ({ ...row, correct: Number(row.correct) }))
}

/** One sitting's answers, in the order given: what a resumed quiz shows as already answered. */
export function listSessionAnswers(store: LabStore, sessionId: string): TrainingAnswer[] {
  return (
    store.db
      .prepare(
        `SELECT trainee, session_id AS sessionId, scenario_id AS scenarioId, predicted, actual, correct, answered_at AS answeredAt
         FROM training_answers WHERE session_id = ? ORDER BY id`,
      )
      .all(sessionId) as (Omit<TrainingAnswer, 'correct'> & { correct: number })[]
  ).map((row) => ({ ...row, correct: row.correct === 1 }))
}
