import {
  TOKEN_HEADER,
  TRAINING_PATHS,
  type TraineeScoreDto,
  type TrainingAnswerInput,
  type TrainingQuestionDto,
  type TrainingRevealDto,
  type TrainingSessionDto,
  type TrainingSessionInput,
} from '@contract'
import { readAccessToken } from '../../composables/client/access-token.js'

/** The narrow part of `fetch` the quiz uses, so a spec can pass a Node transport to a real server. */
export type TrainingTransport = (
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; json(): Promise<unknown> }>

/** Every call answers with a value: a refusal carries the server's sentence, never a throw into the component. */
export type TrainingReply<T> = { ok: true; value: T } | { ok: false; message: string }

export interface TrainingApi {
  questions(): Promise<TrainingReply<TrainingQuestionDto[]>>
  answer(input: TrainingAnswerInput): Promise<TrainingReply<TrainingRevealDto>>
  scores(): Promise<TrainingReply<TraineeScoreDto[]>>
  /** Starts a sitting stored on the server (migration 006): it survives a reload and a server restart. */
  startSession?(input: TrainingSessionInput): Promise<TrainingReply<TrainingSessionDto>>
  session?(sessionId: string): Promise<TrainingReply<TrainingSessionDto>>
}

/** The training endpoints of the server that served this page (server/api/training-routes.ts). */
export function createTrainingApi(params: { token: string | null; baseUrl?: string; transport?: TrainingTransport }): TrainingApi {
  const transport: TrainingTransport = params.transport ?? ((url, init) => window.fetch(url, init))
  const base = params.baseUrl ?? ''
  const headers: Record<string, string> = params.token === null ? {} : { [TOKEN_HEADER]: params.token }
  const call = async <T>(path: string, body?: unknown): Promise<TrainingReply<T>> => {
    try {
      const response = await transport(
        `${base}${path}`,
        body === undefined
          ? { headers }
          : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) },
      )
      const json = await response.json()
      if (response.status === 200 || response.status === 201) return { ok: true, value: json as T }
      const message = (json as { message?: unknown }).message
      return { ok: false, message: typeof message === 'string' ? message : `HTTP ${response.status}` }
    } catch (error) {
      return { ok: false, message: `The lab server did not answer: ${(error as Error).message}` }
    }
  }
  return {
    questions: () => call<TrainingQuestionDto[]>(TRAINING_PATHS.questions),
    answer: (input) => call<TrainingRevealDto>(TRAINING_PATHS.answers, input),
    scores: () => call<TraineeScoreDto[]>(TRAINING_PATHS.scores),
    startSession: (input) => call<TrainingSessionDto>(TRAINING_PATHS.sessions, input),
    session: (sessionId) => call<TrainingSessionDto>(TRAINING_PATHS.session(sessionId)),
  }
}

export function defaultTrainingApi(): TrainingApi {
  return createTrainingApi({ token: readAccessToken() })
}

/** One quiz sitting: 12 random bytes as hex (the server accepts 8 to 32 hex digits). */
export function newSessionId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
