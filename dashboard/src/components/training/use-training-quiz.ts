import type { TraineeScoreDto, TrainingPrediction, TrainingQuestionDto, TrainingRevealDto, TrainingSessionDto } from '@contract'
import { computed, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue'
import { newSessionId, type TrainingApi } from './training-api.js'

/** name → question (predict) → running (the scenario runs live) → revealed → next question. */
export type QuizStage = 'name' | 'question' | 'running' | 'revealed' | 'finished'

/** Same bound as the server's schema (training-routes.ts). */
export const MAX_TRAINEE_LENGTH = 64

export interface TrainingQuiz {
  stage: Ref<QuizStage>
  trainee: Ref<string>
  question: ComputedRef<TrainingQuestionDto | null>
  position: ComputedRef<{ index: number; total: number }>
  /** The questions have arrived: the quiz can start. */
  isReady: ComputedRef<boolean>
  prediction: Ref<TrainingPrediction | null>
  reveal: ShallowRef<TrainingRevealDto | null>
  tally: Ref<{ answered: number; correct: number }>
  scores: ShallowRef<TraineeScoreDto[]>
  error: Ref<string | null>
  /** The families (scenario tags, or the server's `family` when it sends one) a trainee can pick. */
  families: ComputedRef<string[]>
  /** The chosen family (null: every attack) and how many questions (null: all of them). */
  family: Ref<string | null>
  count: Ref<number | null>
  load(): Promise<void>
  start(): Promise<void>
  submit(): Promise<void>
  next(): void
  refreshScores(): Promise<void>
}

/**
 * The quiz state for one sitting. Questions come from the server (title and
 * tags only); `order` pins them (a trainer's link, a spec) and the sitting is
 * kept in this tab. Otherwise the sitting is the server's (POST
 * /api/training/sessions: family, count and order fixed there, answers
 * stored in SQLite), and this tab keeps only its id: a reload or a server
 * restart resumes it from the server at the same question with the same tally.
 */
export function useTrainingQuiz(api: TrainingApi, order: readonly string[] | null): TrainingQuiz {
  const stage = ref<QuizStage>('name')
  const trainee = ref('')
  const questions = shallowRef<TrainingQuestionDto[]>([])
  const all = shallowRef<TrainingQuestionDto[]>([])
  const index = ref(0)
  const prediction = ref<TrainingPrediction | null>(null)
  const reveal = shallowRef<TrainingRevealDto | null>(null)
  const tally = ref({ answered: 0, correct: 0 })
  const scores = shallowRef<TraineeScoreDto[]>([])
  const error = ref<string | null>(null)
  const family = ref<string | null>(null)
  const count = ref<number | null>(10)
  const saved = readSaved()
  let sessionId = saved?.sessionId ?? newSessionId()
  /** The server's sitting, when the quiz runs on one; its next state waits in `pending` until the trainee moves on. */
  const sitting = shallowRef<TrainingSessionDto | null>(null)
  let pending: TrainingSessionDto | null = null
  const usesServer = (): boolean => order === null && api.startSession !== undefined && api.session !== undefined
  const save = (): void => {
    if (stage.value === 'name') return
    writeSaved({ sessionId, trainee: trainee.value, order: questions.value.map((q) => q.scenarioId), index: index.value, tally: tally.value, ...(sitting.value === null ? {} : { isServer: true }) })
  }
  const follow = (session: TrainingSessionDto): void => {
    sitting.value = session
    sessionId = session.sessionId
    trainee.value = session.trainee
    tally.value = { answered: session.position, correct: session.correct }
    stage.value = session.isFinished ? 'finished' : 'question'
    if (session.isFinished) clearSaved()
    else save()
  }

  const refreshScores = async (): Promise<void> => {
    const reply = await api.scores()
    if (reply.ok) scores.value = reply.value
    else error.value = reply.message
  }
  return {
    stage,
    trainee,
    question: computed(() => (sitting.value === null ? (questions.value[index.value] ?? null) : sitting.value.question)),
    position: computed(() => (sitting.value === null ? { index: index.value, total: questions.value.length } : { index: sitting.value.position, total: sitting.value.total })),
    isReady: computed(() => questions.value.length > 0),
    families: computed(() => [...new Set(all.value.flatMap(familiesOf))].sort()),
    family,
    count,
    prediction,
    reveal,
    tally,
    scores,
    error,
    refreshScores,
    load: async () => {
      const reply = await api.questions()
      if (!reply.ok) {
        error.value = reply.message
        return
      }
      all.value = reply.value
      questions.value =
        order === null
          ? shuffled(reply.value)
          : order.flatMap((id) => reply.value.filter((question) => question.scenarioId === id))
      // A reload mid-quiz (or after a server restart) resumes the server's sitting: same question, same tally.
      if (saved?.isServer === true && usesServer() && api.session !== undefined) {
        const resumed = await api.session(saved.sessionId)
        if (resumed.ok && !resumed.value.isFinished) follow(resumed.value)
        else clearSaved()
      } else if (saved !== null && order === null) {
        // A sitting this tab kept itself: a server without stored sittings.
        const restored = saved.order.flatMap((id) => reply.value.filter((question) => question.scenarioId === id))
        if (restored.length > 0 && saved.index < restored.length) {
          questions.value = restored
          index.value = saved.index
          tally.value = saved.tally
          trainee.value = saved.trainee
          stage.value = 'question'
        }
      }
      await refreshScores()
    },
    start: async () => {
      const name = trainee.value.trim()
      if (name === '' || name.length > MAX_TRAINEE_LENGTH || questions.value.length === 0) return
      const chosen = family.value
      if (usesServer() && api.startSession !== undefined) {
        const started = await api.startSession({ trainee: name, family: chosen ?? 'all', count: count.value ?? 200 })
        if (!started.ok) {
          error.value = started.message
          return
        }
        error.value = null
        follow(started.value)
        return
      }
      const inFamily = chosen === null ? questions.value : questions.value.filter((q) => familiesOf(q).includes(chosen))
      if (inFamily.length === 0) return
      questions.value = count.value === null ? inFamily : inFamily.slice(0, count.value)
      index.value = 0
      trainee.value = name
      error.value = null
      stage.value = 'question'
      save()
    },
    submit: async () => {
      const current = sitting.value === null ? questions.value[index.value] : (sitting.value.question ?? undefined)
      if (current === undefined || prediction.value === null || stage.value !== 'question') return
      stage.value = 'running'
      error.value = null
      const reply = await api.answer({ trainee: trainee.value, sessionId, scenarioId: current.scenarioId, prediction: prediction.value })
      if (!reply.ok) {
        error.value = reply.message
        stage.value = 'question'
        return
      }
      // The trainer's list is refreshed first, so the reveal and the new score appear together.
      await refreshScores()
      reveal.value = reply.value
      tally.value = { answered: tally.value.answered + 1, correct: tally.value.correct + (reply.value.isCorrect ? 1 : 0) }
      stage.value = 'revealed'
      if (sitting.value !== null) {
        // The server moved the sitting on already: a reload now resumes at the next question.
        pending = reply.value.session ?? null
        return
      }
      // Saved as the next question: a reload after the reveal does not ask the answered one again.
      writeSaved({ sessionId, trainee: trainee.value, order: questions.value.map((q) => q.scenarioId), index: index.value + 1, tally: tally.value })
    },
    next: () => {
      reveal.value = null
      prediction.value = null
      if (sitting.value !== null) {
        if (pending !== null) follow(pending)
        pending = null
        return
      }
      index.value += 1
      stage.value = index.value < questions.value.length ? 'question' : 'finished'
      if (stage.value === 'finished') clearSaved()
      else save()
    },
  }
}

/** A question's families: the server's `family` when it sends one, else its tags (kept for filtering, never shown before the reveal). */
function familiesOf(question: TrainingQuestionDto): string[] {
  const declared = (question as TrainingQuestionDto & { family?: unknown }).family
  return typeof declared === 'string' ? [declared] : question.tags
}

interface SavedQuiz {
  sessionId: string
  trainee: string
  order: string[]
  index: number
  tally: { answered: number; correct: number }
  /** The sitting is the server's: only its id matters, the rest is read back from the server. */
  isServer?: boolean
}

const SAVED_KEY = 'mitmlab:training'

function readSaved(): SavedQuiz | null {
  try {
    const raw = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(SAVED_KEY)
    if (raw === null) return null
    const value = JSON.parse(raw) as Partial<SavedQuiz>
    const isValid =
      typeof value.sessionId === 'string' &&
      typeof value.trainee === 'string' &&
      Array.isArray(value.order) &&
      typeof value.index === 'number' &&
      typeof value.tally?.answered === 'number' &&
      typeof value.tally.correct === 'number'
    return isValid ? (value as SavedQuiz) : null
  } catch {
    return null
  }
}

function writeSaved(quiz: SavedQuiz): void {
  if (typeof sessionStorage !== 'undefined') sessionStorage.setItem(SAVED_KEY, JSON.stringify(quiz))
}

function clearSaved(): void {
  if (typeof sessionStorage !== 'undefined') sessionStorage.removeItem(SAVED_KEY)
}

/** Fisher–Yates. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1))
    const a = copy[i]
    const b = copy[j]
    if (a !== undefined && b !== undefined) [copy[i], copy[j]] = [b, a]
  }
  return copy
}
