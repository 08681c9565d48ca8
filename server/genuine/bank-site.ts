import { randomBytes } from 'node:crypto'
import express, { type Express, type Request } from 'express'
import type { GenuineRequest } from '../lab/scenario-result.js'

/** The victim's account: what the lab's client logs in with, and what a proxy must not read. */
export const VICTIM_CREDENTIALS = { username: 'alice', password: 'correct-horse-battery-staple' } as const

/** HSTS as a real bank sends it (RFC 6797 §6.1): one year, subdomains included. */
export const BANK_HSTS = 'max-age=31536000; includeSubDomains'

const ACCOUNT = { owner: 'Alice Example', iban: 'ZZ00 LAB0 0000 1234 5678', balance: '12,345.67 LAB' }

/**
 * A small, realistic site worth stealing from: a login form posting
 * credentials, a session cookie, an account page and a JSON API. Every request
 * that reaches it is recorded, so a run can show what the genuine server saw.
 */
export function createBankSite(
  record: (request: GenuineRequest) => void,
  fingerprintOf: (request: Request) => GenuineRequest['fingerprint'] = () => null,
): Express {
  const app = express()
  const sessions = new Set<string>()
  app.disable('x-powered-by')
  app.use(express.urlencoded({ extended: false, limit: '16kb' }))
  app.use(express.json({ limit: '16kb' }))
  app.use((request, response, next) => {
    response.setHeader('Strict-Transport-Security', BANK_HSTS)
    // Recorded on arrival (bodies are parsed by now), so a run that reads the log right after
    // its client finished sees every request, even before the response has drained.
    const body = (request.body ?? {}) as Record<string, unknown>
    record(describe(request, typeof body['password'] === 'string', fingerprintOf(request)))
    next()
  })

  app.get('/', (_request, response) => {
    response.type('html').send(page('Lab Bank', `<p>Welcome to Lab Bank.</p><p><a href="https://bank.lab/login">Sign in</a></p>`))
  })
  app.get('/login', (_request, response) => {
    response.type('html').send(
      page(
        'Sign in',
        `<form method="post" action="https://bank.lab/login">
           <label>User <input name="username" autocomplete="username"></label>
           <label>Password <input name="password" type="password" autocomplete="current-password"></label>
           <button type="submit">Sign in</button>
         </form>`,
      ),
    )
  })
  app.post('/login', (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    if (body['username'] !== VICTIM_CREDENTIALS.username || body['password'] !== VICTIM_CREDENTIALS.password) {
      response.status(401).type('html').send(page('Sign in failed', '<p>Wrong user or password.</p>'))
      return
    }
    const session = randomBytes(16).toString('hex')
    sessions.add(session)
    response.cookie('session', session, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' })
    response.redirect(302, 'https://bank.lab/account')
  })
  app.get('/account', (request, response) => {
    if (!sessions.has(sessionOf(request))) return void response.redirect(302, 'https://bank.lab/login')
    response.type('html').send(page('Your account', `<p>${ACCOUNT.owner}</p><p>${ACCOUNT.iban}</p><p>${ACCOUNT.balance}</p>`))
  })
  app.get('/api/account', (request, response) => {
    if (!sessions.has(sessionOf(request))) return void response.status(401).json({ error: 'not signed in' })
    response.json(ACCOUNT)
  })
  return app
}

function sessionOf(request: Request): string {
  const match = /(?:^|;\s*)session=([0-9a-f]{32})/.exec(request.headers.cookie ?? '')
  return match?.[1] ?? ''
}

function describe(request: Request, receivedCredentials: boolean, fingerprint: GenuineRequest['fingerprint']): GenuineRequest {
  const client = request.headers['x-mitmlab-client']
  return {
    at: new Date().toISOString(),
    method: request.method,
    path: request.originalUrl,
    client: typeof client === 'string' ? client : null,
    userAgent: request.headers['user-agent'] ?? null,
    receivedCredentials,
    fingerprint,
  }
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Lab Bank</title></head><body><h1>${title}</h1>${body}</body></html>`
}
