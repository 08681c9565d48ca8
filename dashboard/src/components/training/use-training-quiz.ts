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
  const index = ref(0)
  const prediction = ref<TrainingPrediction | null>(null)
  const reveal = shallowRef<TrainingRevealDto | null>(null)
  const tally = ref({ answered: 0, correct: 0 })
  const scores = shallowRef<TraineeScoreDto[]>([])
  const error = ref<string | null>(null)
  const sessionId = newSessionId()

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
      questions.value =
        order === null
          ? shuffled(reply.value)
          : order.flatMap((id) => reply.value.filter((question) => question.scenarioId === id))
      await refreshScores()
    },
    start: () => {
      const name = trainee.value.trim()
      if (name === '' || name.length > MAX_TRAINEE_LENGTH || questions.value.length === 0) return
      trainee.value = name
      error.value = null
      stage.value = 'question'
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
    },
    next: () => {
      reveal.value = null
      prediction.value = null
      index.value += 1
      stage.value = index.value < questions.value.length ? 'question' : 'finished'
    },
  }
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
