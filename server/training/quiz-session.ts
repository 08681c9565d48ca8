import { randomBytes } from 'node:crypto'
import type { Scenario } from '../../scenarios/define-scenario.js'
import { LabError } from '../errors.js'
import type { LabStore } from '../store/lab-store.js'
import { attacksOf, type QuizFamilyId } from './quiz-families.js'

/**
 * A quiz sitting, kept in SQLite (training_sessions) so that a reload of the
 * page or a restart of the server resumes at the same question with the same
 * score. The questions are drawn when it starts and never change; each answer
 * advances `position` in the same transaction that records it.
 *
 * States: asking (position < total) → finished (position = total). The only
 * transition is an answer to the current question.
 */
export interface QuizSession {
  id: string
  trainee: string
  family: QuizFamilyId
  scenarioIds: string[]
  /** Answers given so far; the current question is scenarioIds[position]. */
  position: number
  correct: number
  startedAt: string
  updatedAt: string
}

export enum QuizState {
  Asking = 'asking',
  Finished = 'finished',
}

export function quizState(session: QuizSession): QuizState {
  return session.position < session.scenarioIds.length ? QuizState.Asking : QuizState.Finished
}

/** The scenario the trainee must answer next; null once finished. */
export function currentScenarioId(session: QuizSession): string | null {
  return session.scenarioIds[session.position] ?? null
}

export interface StartQuizParams {
  trainee: string
  family: QuizFamilyId
  count: number
  catalog: readonly Scenario[]
  /** Order of the draw. Default: a shuffle; tests pass their own. */
  shuffle?: <T>(items: T[]) => T[]
  /** Exactly these scenarios, in this order, instead of a draw (`mitmlab train --scenario`). */
  scenarioIds?: readonly string[]
}

/** Draws `count` attacks of the family (all of them when fewer) and stores the sitting. */
export function startQuizSession(store: LabStore, params: StartQuizParams): QuizSession {
  const pool = attacksOf(params.family, params.catalog)
  if (pool.length === 0) throw new LabError('API_INVALID_INPUT', `The family "${params.family}" has no attack to ask about`)
  const drawn =
    params.scenarioIds === undefined
      ? (params.shuffle ?? shuffle)([...pool]).slice(0, params.count)
      : params.scenarioIds.map((id) => ({ id }))
  const now = new Date().toISOString()
  const session: QuizSession = {
    id: randomBytes(8).toString('hex'),
    trainee: params.trainee,
    family: params.family,
    scenarioIds: drawn.map((scenario) => scenario.id),
    position: 0,
    correct: 0,
    startedAt: now,
    updatedAt: now,
  }
  store.db
    .prepare(
      `INSERT INTO training_sessions (id, trainee, family, scenario_ids_json, position, correct, started_at, updated_at)
       VALUES (?, ?, ?, ?, 0, 0, ?, ?)`,
    )
    .run(session.id, session.trainee, session.family, JSON.stringify(session.scenarioIds), now, now)
  return session
}

export function loadQuizSession(store: LabStore, id: string): QuizSession | null {
  const row = store.db.prepare('SELECT * FROM training_sessions WHERE id = ?').get(id) as SessionRow | undefined
  return row === undefined ? null : toSession(row)
}

/**
 * Records that the current question was answered (and whether rightly):
 * advances the sitting. `record` writes the answer row in the same
 * transaction, so the score and the answers never disagree after a crash.
 * Refuses an answer to any other question than the current one.
 */
export function advanceQuizSession(store: LabStore, session: QuizSession, scenarioId: string, isCorrect: boolean, record: () => void): QuizSession {
  const expected = currentScenarioId(session)
  if (expected === null) throw new LabError('API_INVALID_INPUT', `Quiz ${session.id} is finished: start a new one`)
  if (expected !== scenarioId) throw new LabError('API_INVALID_INPUT', `Quiz ${session.id} asks "${expected}" now, not "${scenarioId}"`)
  const updatedAt = new Date().toISOString()
  store.db.transaction(() => {
    // The position in the WHERE clause: two tabs answering the same question advance it once.
    const { changes } = store.db
      .prepare('UPDATE training_sessions SET position = position + 1, correct = correct + ?, updated_at = ? WHERE id = ? AND position = ?')
      .run(isCorrect ? 1 : 0, updatedAt, session.id, session.position)
    if (changes !== 1) throw new LabError('API_INVALID_INPUT', `Quiz ${session.id} was already answered at question ${session.position + 1}`)
    record()
  })()
  return { ...session, position: session.position + 1, correct: session.correct + (isCorrect ? 1 : 0), updatedAt }
}

function shuffle<T>(items: T[]): T[] {
  // Fisher–Yates with crypto randomness: every order equally likely.
  for (let index = items.length - 1; index > 0; index--) {
    const other = randomBytes(4).readUInt32BE(0) % (index + 1)
    const swap = items[index] as T
    items[index] = items[other] as T
    items[other] = swap
  }
  return items
}

interface SessionRow {
  id: string
  trainee: string
  family: string
  scenario_ids_json: string
  position: number
  correct: number
  started_at: string
  updated_at: string
}

function toSession(row: SessionRow): QuizSession {
  return {
    id: row.id,
    trainee: row.trainee,
    family: row.family as QuizFamilyId,
    scenarioIds: JSON.parse(row.scenario_ids_json) as string[],
    position: row.position,
    correct: row.correct,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  }
}
