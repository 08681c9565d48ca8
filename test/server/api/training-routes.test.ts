import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRAINING_PATHS, type TraineeScoreDto, type TrainingQuestionDto, type TrainingRevealDto } from '../../../server/api/contract.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from './support/with-dashboard-server.js'

let lab: DashboardFixture
beforeAll(async () => {
  lab = await startDashboardFixture()
})
afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

async function postAnswer(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${lab.base}${TRAINING_PATHS.answers}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: await response.json() }
}

const answer = { trainee: 'Ada', sessionId: '0a1b2c3d4e5f', scenarioId: 'self-signed-leaf', prediction: 'TRUST' }

describe('training routes', () => {
  it('lists attacks by title and tags without the explanation that gives the answer away', async () => {
    const questions = (await (await fetch(`${lab.base}${TRAINING_PATHS.questions}`)).json()) as TrainingQuestionDto[]
    const selfSigned = questions.find((q) => q.scenarioId === 'self-signed-leaf')
    expect(selfSigned).toEqual({ scenarioId: 'self-signed-leaf', title: expect.any(String), tags: expect.any(Array), kind: 'attack', family: 'certificates' })
    expect(questions.every((q) => q.kind === 'attack')).toBe(true)
    expect(JSON.stringify(questions)).not.toContain('explanation')
  })

  it('grades a prediction against a live run of the scenario and stores it for the trainer', async () => {
    const right = await postAnswer(answer)
    expect(right.status).toBe(200)
    const reveal = right.json as TrainingRevealDto
    expect(reveal).toMatchObject({ scenarioId: 'self-signed-leaf', predicted: 'TRUST', actual: 'TRUST', isCorrect: true, verdict: 'reject', leaked: false, error: null })
    expect(reveal.caught).toMatchObject({ step: 'TRUST', code: 'SELF_SIGNED_LEAF', message: 'The certificate for bank.lab is self-signed and not trusted' })
    expect(reveal.explanation).toBe(
      'The proxy mints a certificate for bank.lab and signs it with its own key: issuer equals subject. ' +
        'Nothing vouches for it, so a client that checks the chain refuses it. Georgiev et al. (2012) found ' +
        'SDKs and apps that accept exactly this.',
    )

    const wrong = (await postAnswer({ ...answer, prediction: 'NONE' })).json as TrainingRevealDto
    expect(wrong).toMatchObject({ predicted: 'NONE', actual: 'TRUST', isCorrect: false })

    const scores = (await (await fetch(`${lab.base}${TRAINING_PATHS.scores}`)).json()) as TraineeScoreDto[]
    expect(scores).toEqual([{ trainee: 'Ada', answered: 2, correct: 1, sessions: 1, lastAnsweredAt: expect.any(String) }])
  })

  it('reveals NONE as correct when nothing the client checks catches the attack', async () => {
    const reveal = (await postAnswer({ ...answer, trainee: 'Bob', scenarioId: 'interception-detected-by-server', prediction: 'NONE' })).json as TrainingRevealDto
    expect(reveal).toMatchObject({ actual: 'NONE', isCorrect: true, caught: null, verdict: 'accept', leaked: true })
    // The bank still notices: the FP step is reported beside the client's verdict.
    expect(reveal.server).toMatchObject({ status: 'fail', code: 'INTERCEPTION_DETECTED' })
  })

  it.each([
    [{ ...answer, scenarioId: 'no-such-attack' }, 'scenarioId: no such scenario'],
    [{ ...answer, prediction: 'XYZ' }, 'prediction: one of PROTO'],
    [{ ...answer, trainee: '   ' }, 'trainee: enter your name'],
    [{ ...answer, trainee: 'x'.repeat(65) }, 'trainee: at most 64 characters'],
    [{ ...answer, trainee: 'Ada\u0007' }, 'trainee: no control characters'],
    [{ ...answer, sessionId: '../etc' }, 'sessionId: 8 to 32 hex digits'],
    [{ ...answer, isAdmin: true }, 'input: Unrecognized key'],
  ])('refuses %j with a clear message', async (body, message) => {
    const refused = await postAnswer(body)
    expect(refused.status).toBe(400)
    expect(refused.json).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(message) })
  })

  it('refuses an answer from a page on another origin', async () => {
    const refused = await postAnswer(answer, { origin: 'http://evil.example' })
    expect(refused).toMatchObject({ status: 403, json: { code: 'ORIGIN_REFUSED' } })
  })
})

describe('training routes behind a token', () => {
  it('needs the token like every other API path', async () => {
    const guarded = await startDashboardFixture({ token: 'a-long-enough-token-1234' })
    try {
      const response = await fetch(`${guarded.base}${TRAINING_PATHS.scores}`)
      expect(response.status).toBe(401)
      const allowed = await fetch(`${guarded.base}${TRAINING_PATHS.scores}`, { headers: { 'x-mitmlab-token': 'a-long-enough-token-1234' } })
      expect(await allowed.json()).toEqual([])
    } finally {
      await guarded.close()
    }
  })
})
