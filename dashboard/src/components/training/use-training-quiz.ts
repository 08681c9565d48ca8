import type { TraineeScoreDto, TrainingPrediction, TrainingQuestionDto, TrainingRevealDto } from '@contract'
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
  start(): void
  submit(): Promise<void>
  next(): void
  refreshScores(): Promise<void>
}

/**
 * The quiz state for one sitting. Questions come from the server (title and
 * tags only); `order` pins them (a trainer's link, a spec), otherwise the
 * attacks are shuffled, since controls teach little in a quiz.
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
  const sessionId = saved?.sessionId ?? newSessionId()
  const save = (): void => {
    if (stage.value === 'name') return
    writeSaved({ sessionId, trainee: trainee.value, order: questions.value.map((q) => q.scenarioId), index: index.value, tally: tally.value })
  }

  const refreshScores = async (): Promise<void> => {
    const reply = await api.scores()
    if (reply.ok) scores.value = reply.value
    else error.value = reply.message
  }
  return {
    stage,
    trainee,
    question: computed(() => questions.value[index.value] ?? null),
    position: computed(() => ({ index: index.value, total: questions.value.length })),
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
      // A reload mid-quiz resumes the same questions at the same place with the same score (this tab only).
      if (saved !== null && order === null) {
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
    start: () => {
      const name = trainee.value.trim()
      if (name === '' || name.length > MAX_TRAINEE_LENGTH || questions.value.length === 0) return
      const chosen = family.value
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
      const current = questions.value[index.value]
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
      // Saved as the next question: a reload after the reveal does not ask the answered one again.
      writeSaved({ sessionId, trainee: trainee.value, order: questions.value.map((q) => q.scenarioId), index: index.value + 1, tally: tally.value })
    },
    next: () => {
      reveal.value = null
      prediction.value = null
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
