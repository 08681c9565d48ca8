import express, { type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import type { LabPki } from '../../ca/index.js'
import { findScenario, scenarios } from '../../scenarios/index.js'
import { runScenario, type LabEnvironment } from '../../scenarios/runner.js'
import { LabBus } from '../bus/lab-bus.js'
import { STEP_TITLES } from '../steps/step-ids.js'
import type { LabStore } from '../store/lab-store.js'
import { isLabError } from '../errors.js'
import { gradePrediction, PREDICTION_CHOICES, questionFor } from '../training/quiz.js'
import { attacksOf, QUIZ_FAMILIES, QUIZ_FAMILY_IDS, type QuizFamilyId } from '../training/quiz-families.js'
import { advanceQuizSession, currentScenarioId, loadQuizSession, quizState, QuizState, startQuizSession, type QuizSession } from '../training/quiz-session.js'
import { listTraineeScores, listSessionAnswers, recordTrainingAnswer } from '../training/training-store.js'
import { describeZodError } from './input-schemas.js'
import type { RunController } from './run-controller.js'
import {
  TRAINING_PATHS,
  type TraineeScoreDto,
  type TrainingAnswerInput,
  type TrainingFamilyDto,
  type TrainingQuestionDto,
  type TrainingRevealDto,
  type TrainingSessionDto,
  type TrainingSessionInput,
} from './training-dto.js'

/** An answer is four short fields; anything bigger is not ours. */
const MAX_BODY = '2kb'

/** Printable text, no control characters: the name is shown to the trainer and written to SQLite. */
const traineeName = z
  .string()
  .trim()
  .min(1, 'enter your name')
  .max(64, 'at most 64 characters')
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'no control characters')

export const trainingAnswerSchema = z.strictObject({
  trainee: traineeName,
  sessionId: z.string().regex(/^[0-9a-f]{8,32}$/, '8 to 32 hex digits'),
  scenarioId: z
    .string()
    .max(100)
    .refine((id) => findScenario(id) !== undefined, { message: 'no such scenario' }),
  prediction: z.enum(PREDICTION_CHOICES, { message: `one of ${PREDICTION_CHOICES.join(' ')}` }),
}) satisfies z.ZodType<TrainingAnswerInput>

export const trainingSessionSchema = z.strictObject({
  trainee: traineeName,
  family: z.enum(QUIZ_FAMILY_IDS as [QuizFamilyId, ...QuizFamilyId[]], { message: `one of ${QUIZ_FAMILY_IDS.join(', ')}` }),
  count: z.number().int('a whole number').min(1, 'at least 1').max(200, 'at most 200'),
}) satisfies z.ZodType<TrainingSessionInput>

const sessionIdSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits')

export interface TrainingRoutesParams {
  store: LabStore
  pki: LabPki
  /** The dashboard's run controller: a training run waits for no run, it is refused while one is in flight. Null: replay-only server. */
  runs: RunController | null
  runnerOptions?: Pick<LabEnvironment, 'now' | 'scenarioTimeoutMs'>
}

/**
 * Training mode (issue 11): the questions (attack title and tags), an answer
 * endpoint that runs the scenario live and grades the prediction against what
 * the verifier really did, and the trainer's score list. Mounted under /api,
 * so the origin, host and token checks of http-app.ts apply.
 */
export function createTrainingRouter(params: TrainingRoutesParams): Router {
  const router = express.Router()
  // Only what gives nothing away (issue 18): titles without outcome clauses or step ids, neutral tags.
  const questions: TrainingQuestionDto[] = scenarios.filter((s) => s.kind === 'attack').map((s) => ({ ...questionFor(s) }))
  const families: TrainingFamilyDto[] = [
    { id: 'all', title: 'Every attack', count: attacksOf('all', scenarios).length },
    ...QUIZ_FAMILIES.map((family) => ({ id: family.id, title: family.title, count: attacksOf(family.id, scenarios).length })),
  ]
  const sessionDto = (session: QuizSession): TrainingSessionDto => {
    const current = currentScenarioId(session)
    const scenario = current === null ? undefined : findScenario(current)
    return {
      sessionId: session.id,
      trainee: session.trainee,
      family: session.family,
      total: session.scenarioIds.length,
      position: session.position,
      correct: session.correct,
      isFinished: quizState(session) === QuizState.Finished,
      question: scenario === undefined ? null : { ...questionFor(scenario) },
      answered: listSessionAnswers(params.store, session.id).map((a) => ({ scenarioId: a.scenarioId, predicted: a.predicted, actual: a.actual, isCorrect: a.correct })),
    }
  }
  // One live training run at a time: scenarios share the lab's PKI and a run's ports.
  let isRunning = false

  router.get(TRAINING_PATHS.questions, (_req, res) => {
    res.json(questions)
  })
  router.get(TRAINING_PATHS.families, (_req, res) => {
    res.json(families)
  })
  router.post(TRAINING_PATHS.sessions, express.json({ limit: MAX_BODY }), (req: Request, res: Response) => {
    const input = trainingSessionSchema.safeParse(req.body)
    if (!input.success) return refuse(res, 400, 'INVALID_INPUT', describeZodError(input.error))
    const session = startQuizSession(params.store, { ...input.data, catalog: scenarios })
    res.status(201).json(sessionDto(session))
  })
  router.get(`${TRAINING_PATHS.sessions}/:sessionId`, (req: Request, res: Response) => {
    const id = sessionIdSchema.safeParse(req.params['sessionId'])
    if (!id.success) return refuse(res, 400, 'INVALID_INPUT', `sessionId: ${describeZodError(id.error)}`)
    const session = loadQuizSession(params.store, id.data)
    if (session === null) return refuse(res, 404, 'NOT_FOUND', `No quiz "${id.data}": start a new one`)
    res.json(sessionDto(session))
  })
  router.get(TRAINING_PATHS.scores, (_req, res) => {
    res.json(listTraineeScores(params.store) satisfies TraineeScoreDto[])
  })
  router.post(TRAINING_PATHS.answers, express.json({ limit: MAX_BODY }), async (req: Request, res: Response) => {
    const input = trainingAnswerSchema.safeParse(req.body)
    if (!input.success) return refuse(res, 400, 'INVALID_INPUT', describeZodError(input.error))
    if (params.runs === null) return refuse(res, 409, 'NO_RUN_IN_PROGRESS', 'This server only replays: it cannot run a training scenario')
    if (params.runs.activeRunId !== null || isRunning) {
      return refuse(res, 409, 'RUN_IN_PROGRESS', 'A run is in progress; answer again when it has finished')
    }
    const { trainee, sessionId, scenarioId, prediction } = input.data
    const scenario = findScenario(scenarioId)
    if (scenario === undefined) return refuse(res, 404, 'NOT_FOUND', `No scenario "${scenarioId}"`)
    // A stored sitting (issue 18) takes answers to its current question only, from its own trainee.
    const session = loadQuizSession(params.store, sessionId)
    if (session !== null) {
      if (session.trainee !== trainee) return refuse(res, 409, 'INVALID_INPUT', `Quiz ${sessionId} belongs to another trainee`)
      const current = currentScenarioId(session)
      if (current !== scenarioId) {
        return refuse(res, 409, 'INVALID_INPUT', current === null ? `Quiz ${sessionId} is finished` : `Quiz ${sessionId} asks "${current}" now, not "${scenarioId}"`)
      }
    }
    isRunning = true
    try {
      // A fresh bus: a training run is the trainee's, not a row in the dashboard's matrix.
      const env: LabEnvironment = { pki: params.pki, bus: new LabBus(), store: null, ...params.runnerOptions }
      const result = await runScenario(env, scenario, { runId: `training-${sessionId}`, ordinal: 0 })
      const grade = gradePrediction(prediction, result)
      const record = (): void =>
        recordTrainingAnswer(params.store, {
          trainee,
          sessionId,
          scenarioId,
          predicted: grade.predicted,
          actual: grade.actual,
          correct: grade.isCorrect,
          answeredAt: new Date().toISOString(),
        })
      const advanced = session === null ? null : advanceQuizSession(params.store, session, scenarioId, grade.isCorrect, record)
      if (session === null) record()
      const caught = result.steps.find((step) => step.step === result.catchingStep)
      const serverStep = result.steps.find((step) => step.step === 'FP')
      const reveal: TrainingRevealDto = {
        scenarioId,
        title: scenario.title,
        predicted: grade.predicted,
        actual: grade.actual,
        isCorrect: grade.isCorrect,
        caught: caught === undefined ? null : { step: caught.step, title: STEP_TITLES[caught.step], code: caught.code ?? null, message: caught.message },
        verdict: result.verdict,
        leaked: result.leaked,
        explanation: scenario.explanation,
        references: [...scenario.references],
        server: serverStep === undefined ? null : { status: serverStep.status, code: serverStep.code ?? null, message: serverStep.message },
        error: result.error,
        tags: [...scenario.tags],
        ...(advanced === null ? {} : { session: sessionDto(advanced) }),
      }
      res.json(reveal)
    } catch (error) {
      if (isLabError(error) && error.code === 'API_INVALID_INPUT') return refuse(res, 409, 'INVALID_INPUT', error.message)
      refuse(res, 500, 'INTERNAL', `The training run failed: ${(error as Error).message}`)
    } finally {
      isRunning = false
    }
  })
  return router
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ code, message })
}
