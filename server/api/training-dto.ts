/**
 * Training mode over REST (issue 11): the shapes the dashboard's quiz reads and
 * sends. Types and paths only, so the page can import them through `@contract`.
 */
import type { StepId } from '../steps/step-ids.js'

/** A step id, or NONE for "nothing catches it" (server/training/quiz.ts). */
export type TrainingPrediction = StepId | 'NONE'

/**
 * What the trainee sees before predicting: the attack's title (without an
 * outcome clause or a step id) and only the tags that name no step's topic
 * (server/training/question-view.ts), never its explanation: nothing that
 * gives the answer away. The reveal carries the full title and tags.
 */
export interface TrainingQuestionDto {
  scenarioId: string
  title: string
  tags: string[]
  kind: 'attack' | 'control'
  /** The quiz family it belongs to (shown before the answer: a family never names the step). */
  family: string
}

export interface TrainingAnswerInput {
  /** 1 to 64 printable characters, trimmed. */
  trainee: string
  /** One quiz sitting, chosen by the page: 8 to 32 hex digits. */
  sessionId: string
  scenarioId: string
  prediction: TrainingPrediction
}

/** The answer, revealed after the scenario ran live. */
export interface TrainingRevealDto {
  scenarioId: string
  title: string
  predicted: TrainingPrediction
  /** The step that caught the attack in this run, or NONE when the client accepted. */
  actual: TrainingPrediction
  isCorrect: boolean
  /** The catching step's code and sentence; null when nothing caught it. */
  caught: { step: StepId; title: string; code: string | null; message: string } | null
  verdict: 'accept' | 'reject'
  /** The proxy read the victim's credentials in the clear. */
  leaked: boolean
  explanation: string
  references: string[]
  /** The genuine server's own finding (FP step): it never changes the client's verdict, but the bank may still notice. */
  server: { status: 'pass' | 'fail' | 'skip'; code: string | null; message: string } | null
  /** Why the live run could not run the scenario (infrastructure), when it could not. */
  error: string | null
  /** Every tag of the scenario, now that the answer is known (issue 18). */
  tags?: string[]
  /** The sitting after this answer, when the answer belonged to a stored sitting. */
  session?: TrainingSessionDto
}

/** A family the trainee can pick a quiz from (server/training/quiz-families.ts), with how many attacks it holds. */
export interface TrainingFamilyDto {
  /** 'all' or a family id. */
  id: string
  title: string
  count: number
}

/** Starts a stored sitting: the trainee, a family and how many questions. */
export interface TrainingSessionInput {
  trainee: string
  family: string
  /** 1 to 200; fewer when the family holds fewer attacks. */
  count: number
}

/**
 * A quiz sitting as stored in SQLite: a reload or a server restart resumes it
 * by id (GET TRAINING_PATHS.session(id)) at the same question with the same score.
 */
export interface TrainingSessionDto {
  sessionId: string
  trainee: string
  family: string
  total: number
  /** Questions answered so far. */
  position: number
  correct: number
  isFinished: boolean
  /** The question to answer now; null once finished. */
  question: TrainingQuestionDto | null
  /** What was answered so far, in order. */
  answered: { scenarioId: string; predicted: string; actual: string; isCorrect: boolean }[]
}

export interface TraineeScoreDto {
  trainee: string
  answered: number
  correct: number
  sessions: number
  lastAnsweredAt: string
}

export const TRAINING_PATHS = {
  questions: '/api/training/questions',
  answers: '/api/training/answers',
  scores: '/api/training/scores',
  families: '/api/training/families',
  sessions: '/api/training/sessions',
  session: (sessionId: string) => `/api/training/sessions/${encodeURIComponent(sessionId)}`,
} as const
