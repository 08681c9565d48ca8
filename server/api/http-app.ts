import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express'
import { isLabError } from '../errors.js'
import { isHostAllowed, isOriginAllowed, isTokenValid, type AccessPolicy } from './access-policy.js'
import { API_PATHS, TOKEN_HEADER, type Ack, type ApiErrorCode } from './contract.js'
import { describeZodError, runGetInputSchema, runsListQuerySchema } from './input-schemas.js'
import type { LabQueries } from './lab-queries.js'
import { DEFAULT_API_RATE_LIMIT, TokenBuckets, type RateLimit } from './rate-limit.js'

const ACK_STATUS = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  RUN_IN_PROGRESS: 409,
  NO_RUN_IN_PROGRESS: 409,
  INTERNAL: 500,
  RATE_LIMITED: 429,
} as const satisfies Record<ApiErrorCode, number>

/** The REST API the replay client reads, and the built dashboard. */
export function createHttpApp(params: {
  queries: LabQueries
  policy: AccessPolicy
  dashboardDir: string
  /** Feature routes (training mode) mounted after the access checks and before the /api 404. */
  routers?: Router[]
  /** Per client address, over every /api call. Default: DEFAULT_API_RATE_LIMIT. */
  rateLimit?: RateLimit
}): Express {
  const { queries, policy } = params
  const buckets = new TokenBuckets(params.rateLimit ?? DEFAULT_API_RATE_LIMIT)
  const app = express()
  app.disable('x-powered-by')
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    })
    if (!isHostAllowed(policy, req.headers.host)) {
      res.status(403).json({ code: 'HOST_REFUSED', message: `This lab does not answer to ${req.headers.host ?? 'an empty Host'}` })
      return
    }
    if (!isOriginAllowed(policy, req.headers.origin)) {
      res.status(403).json({ code: 'ORIGIN_REFUSED', message: `Origin ${req.headers.origin ?? ''} may not use this lab` })
      return
    }
    next()
  })
  // Before the token check, so guessing tokens is as slow as everything else.
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    const taken = buckets.take(req.socket.remoteAddress ?? 'unknown')
    if (taken.ok) return next()
    res.set('Retry-After', String(taken.retryAfterSeconds))
    res.status(429).json({ code: 'RATE_LIMITED', message: `Too many requests from this address; try again in ${taken.retryAfterSeconds} s` })
  })
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    if (!isTokenValid(policy, req.headers[TOKEN_HEADER])) {
      res.status(401).json({ code: 'UNAUTHORIZED', message: `Missing or wrong ${TOKEN_HEADER} header` })
      return
    }
    next()
  })
  app.get(API_PATHS.lab, (_req, res) => {
    res.json(queries.lab())
  })
  app.get(API_PATHS.runs, (req, res) => {
    const query = runsListQuerySchema.safeParse(req.query)
    if (!query.success) return sendAck(res, { ok: false, code: 'INVALID_INPUT', message: describeZodError(query.error) })
    res.json(queries.runs(query.data.limit))
  })
  app.get('/api/runs/:runId', (req, res) => {
    const input = runGetInputSchema.safeParse({ runId: req.params['runId'] })
    if (!input.success) return sendAck(res, { ok: false, code: 'INVALID_INPUT', message: describeZodError(input.error) })
    const body = queries.runBody(input.data.runId)
    if (!body.ok) return sendAck(res, body)
    // Sent as stored: res.send would copy the body and hash it for an ETag nobody uses.
    const { bytes, gzipped } = body.value
    const asGzip = gzipped && req.acceptsEncodings('gzip') === 'gzip'
    const payload = gzipped && !asGzip ? gunzipSync(bytes) : bytes
    res.status(200).set({ 'Content-Type': 'application/json; charset=utf-8', Vary: 'Accept-Encoding', 'Content-Length': String(payload.length) })
    if (asGzip) res.set('Content-Encoding', 'gzip')
    res.end(payload)
  })
  for (const router of params.routers ?? []) app.use(router)
  app.use('/api', (_req, res) => {
    res.status(404).json({ code: 'NOT_FOUND', message: 'No such API path' })
  })
  if (existsSync(join(params.dashboardDir, 'index.html'))) {
    app.use(express.static(params.dashboardDir, { index: 'index.html', maxAge: 0 }))
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('The dashboard is not built: run `npm run build:dashboard`, then reload.\n')
    })
  }
  // Express recognises an error handler by its four parameters, so `_next` must stay.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const client = clientError(error)
    if (client !== null) {
      res.status(client.status).json({ code: client.code, message: client.message })
      return
    }
    const status = isLabError(error) && error.code === 'API_INVALID_INPUT' ? 400 : 500
    res.status(status).json({ code: isLabError(error) ? error.code : 'INTERNAL', message: (error as Error).message })
  })
  return app
}

/**
 * body-parser's errors are the client's (https://github.com/expressjs/body-parser#errors):
 * they carry an HTTP status and `expose`. A body over the route's limit is 413
 * (RFC 9110 §15.5.14), not a 500; malformed JSON is 400.
 */
function clientError(error: unknown): { status: number; code: string; message: string } | null {
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown }
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null
  if (type === 'entity.too.large') return { status, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than this endpoint accepts' }
  if (type === 'entity.parse.failed') return { status, code: 'INVALID_INPUT', message: 'The request body is not valid JSON' }
  return { status, code: 'INVALID_INPUT', message: (error as Error).message }
}

function sendAck<T>(res: Response, ack: Ack<T>): void {
  if (ack.ok) res.json(ack.value)
  else res.status(ACK_STATUS[ack.code]).json({ code: ack.code, message: ack.message })
}
