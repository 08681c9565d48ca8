import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import type { z } from 'zod'
import { isHostAllowed, isOriginAllowed, isTokenValid, type AccessPolicy } from './access-policy.js'
import type { Ack, ClientToServerEvents, ServerToClientEvents } from './contract.js'
import { describeZodError, runCancelInputSchema, runGetInputSchema, runStartInputSchema, runsListInputSchema } from './input-schemas.js'
import type { LabQueries } from './lab-queries.js'
import { DEFAULT_SOCKET_RATE_LIMIT, TokenBuckets, type RateLimit } from './rate-limit.js'
import type { RunController } from './run-controller.js'

export type LabSocketServer = Server<ClientToServerEvents, ServerToClientEvents>

/** Client payloads are tiny; anything bigger is not ours. */
const MAX_MESSAGE_BYTES = 16 * 1024

/** socket.io with the typed contract; origin and token are checked before a socket exists. */
export function createSocketServer(params: {
  httpServer: HttpServer
  policy: AccessPolicy
  queries: LabQueries
  runs: RunController | null
  /** Per client address, over connections and every event its sockets send. Default: DEFAULT_SOCKET_RATE_LIMIT. */
  rateLimit?: RateLimit
}): LabSocketServer {
  const { policy, queries, runs } = params
  const buckets = new TokenBuckets(params.rateLimit ?? DEFAULT_SOCKET_RATE_LIMIT)
  const io: LabSocketServer = new Server(params.httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Same-origin only: no CORS headers at all, and the upgrade itself checks Origin.
    allowRequest: (req, callback) => callback(null, isHostAllowed(policy, req.headers.host) && isOriginAllowed(policy, req.headers.origin)),
  })
  io.use((socket, next) => {
    const taken = buckets.take(socket.handshake.address)
    if (taken.ok) next()
    else next(new Error(`RATE_LIMITED: too many connections from this address; try again in ${taken.retryAfterSeconds} s`))
  })
  io.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>
    if (isTokenValid(policy, auth['token'])) next()
    else next(new Error('UNAUTHORIZED: missing or wrong token'))
  })
  io.on('connection', (socket) => {
    // Every incoming event spends from its address's bucket; one over budget is dropped, and says so.
    socket.use(([event, ...args], next) => {
      const taken = buckets.take(socket.handshake.address)
      if (taken.ok) return next()
      const message = `Too many events from this address; "${event}" was dropped, try again in ${taken.retryAfterSeconds} s`
      lastFunction(args)?.({ ok: false, code: 'RATE_LIMITED', message })
      socket.emit('lab:error', { code: 'RATE_LIMITED', message, event, retryAfterSeconds: taken.retryAfterSeconds })
    })
    socket.on('lab:snapshot', (...args: unknown[]) => {
      const ack = lastFunction(args)
      ack?.({ ok: true, value: queries.snapshot() })
    })
    socket.on('runs:list', (...args: unknown[]) =>
      handle(args, runsListInputSchema, (input) => ({ ok: true, value: queries.runs(input.limit) })),
    )
    socket.on('run:get', (...args: unknown[]) => handle(args, runGetInputSchema, (input) => queries.run(input.runId)))
    socket.on('run:start', (...args: unknown[]) =>
      handle(args, runStartInputSchema, (input) => runs?.start(input.scenarioIds) ?? readOnly()),
    )
    socket.on('run:cancel', (...args: unknown[]) =>
      handle(args, runCancelInputSchema, (input) => runs?.cancel(input.runId) ?? readOnly()),
    )
  })
  return io
}

/** Validates the payload (first argument) and answers through the ack (last argument); a call without an ack is ignored. */
function handle<S extends z.ZodType, T>(args: unknown[], schema: S, run: (input: z.infer<S>) => Ack<T>): void {
  const ack = lastFunction(args)
  if (ack === undefined) return
  const parsed = schema.safeParse(args.length >= 2 ? args[0] : undefined)
  if (!parsed.success) {
    ack({ ok: false, code: 'INVALID_INPUT', message: describeZodError(parsed.error) })
    return
  }
  try {
    ack(run(parsed.data))
  } catch (error) {
    ack({ ok: false, code: 'INTERNAL', message: (error as Error).message })
  }
}

function lastFunction(args: unknown[]): ((reply: unknown) => void) | undefined {
  const last = args.at(-1)
  return typeof last === 'function' ? (last as (reply: unknown) => void) : undefined
}

function readOnly(): Ack<never> {
  return { ok: false, code: 'NO_RUN_IN_PROGRESS', message: 'This server only replays: it cannot start or cancel runs' }
}
