import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRAINING_PATHS, type TrainingFamilyDto, type TrainingRevealDto, type TrainingSessionDto } from '../../../server/api/contract.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../api/support/with-dashboard-server.js'

let lab: DashboardFixture
beforeAll(async () => {
  lab = await startDashboardFixture()
})
afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${lab.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: await response.json() }
}

describe('training sittings over REST', () => {
  it('lists the families with their attack counts', async () => {
    const families = (await send('GET', TRAINING_PATHS.families)).json as TrainingFamilyDto[]
    expect(families[0]).toMatchObject({ id: 'all', title: 'Every attack' })
    const all = families[0]?.count ?? 0
    expect(families.slice(1).reduce((sum, family) => sum + family.count, 0)).toBe(all)
    expect(families.find((family) => family.id === 'sslstrip')?.count).toBe(4)
  })

  it('starts a sitting of the chosen family and count, and a restarted server resumes it at the same question and score', async () => {
    const started = await send('POST', TRAINING_PATHS.sessions, { trainee: 'Ada', family: 'names', count: 2 })
    expect(started.status).toBe(201)
    const session = started.json as TrainingSessionDto
    expect(session).toMatchObject({ trainee: 'Ada', family: 'names', total: 2, position: 0, correct: 0, isFinished: false, answered: [] })
    const first = session.question?.scenarioId ?? ''

    // Answering another question than the current one is refused before anything runs.
    const other = first === 'wrong-host' ? 'self-signed-leaf' : 'wrong-host'
    const refused = await send('POST', TRAINING_PATHS.answers, { trainee: 'Ada', sessionId: session.sessionId, scenarioId: other, prediction: 'HOST' })
    expect(refused.status).toBe(409)

    const reveal = (await send('POST', TRAINING_PATHS.answers, { trainee: 'Ada', sessionId: session.sessionId, scenarioId: first, prediction: 'HOST' })).json as TrainingRevealDto
    expect(reveal.session).toMatchObject({ position: 1, total: 2, isFinished: false })
    expect(reveal.tags?.length).toBeGreaterThan(0)

    await lab.restart()
    // fetch's pool may hand out a socket the stopped server closed: one retry on a fresh connection.
    const resumed = ((await send('GET', TRAINING_PATHS.session(session.sessionId)).catch(() => send('GET', TRAINING_PATHS.session(session.sessionId)))).json) as TrainingSessionDto
    expect(resumed).toMatchObject({
      sessionId: session.sessionId,
      position: 1,
      correct: reveal.isCorrect ? 1 : 0,
      answered: [{ scenarioId: first, predicted: 'HOST', actual: reveal.actual, isCorrect: reveal.isCorrect }],
    })
    expect(resumed.question?.scenarioId).toBe(reveal.session?.question?.scenarioId)
    expect(resumed.question?.scenarioId).not.toBe(first)
  }, 60_000)

  it('refuses an unknown family, a bad count and an unknown sitting with a clear message', async () => {
    expect((await send('POST', TRAINING_PATHS.sessions, { trainee: 'Ada', family: 'nope', count: 2 })).status).toBe(400)
    expect((await send('POST', TRAINING_PATHS.sessions, { trainee: 'Ada', family: 'all', count: 0 })).status).toBe(400)
    const missing = await send('GET', TRAINING_PATHS.session('0123456789abcdef'))
    expect(missing).toEqual({ status: 404, json: { code: 'NOT_FOUND', message: 'No quiz "0123456789abcdef": start a new one' } })
  })
})
