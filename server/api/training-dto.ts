/**
 * Training mode over REST (issue 11): the shapes the dashboard's quiz reads and
 * sends. Types and paths only, so the page can import them through `@contract`.
 */
import type { StepId } from '../steps/step-ids.js'

/** A step id, or NONE for "nothing catches it" (server/training/quiz.ts). */
export type TrainingPrediction = StepId | 'NONE'

/** What the trainee sees before predicting: the attack's title and tags, never its explanation (it gives the answer away). */
export interface TrainingQuestionDto {
  scenarioId: string
  title: string
  tags: string[]
  kind: 'attack' | 'control'
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
} as const
