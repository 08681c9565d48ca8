import { describe, expect, it } from 'vitest'
import { directConnection } from '../../scenarios/attacks/direct-connection.js'
import { postQuantumScenarios } from '../../scenarios/handshake/index.js'
import { catchingStepOf, connectionRow, playLive } from './handshake-support.js'

/**
 * Issue 16: the post-quantum hybrid X25519MLKEM768 on Node 24, per leg, and the three attacks on it,
 * each played live (genuine bank, middlebox, the lab's victim on 127.0.0.1) and judged end to end.
 */
function scenario(id: string): (typeof postQuantumScenarios)[number] {
  const found = postQuantumScenarios.find((s) => s.id === id)
  if (found === undefined) throw new Error(`no scenario ${id}`)
  return found
}

function stepOf(result: Awaited<ReturnType<typeof playLive>>, id: string): { status: string; code: string | null; message: string } {
  const step = result.steps.find((s) => s.step === id)
  if (step === undefined) throw new Error(`no ${id} step`)
  return { status: step.status, code: step.code ?? null, message: step.message }
}

describe('post-quantum key exchange, live on Node 24', () => {
  it('the direct connection negotiates X25519MLKEM768, as the victim and its decoded ServerHello both say', async () => {
    const result = await playLive(directConnection)
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(result.client?.tls?.group).toBe('X25519MLKEM768')
    expect(result.client?.handshake?.keyShareGroup).toBe('X25519MLKEM768')
    expect(stepOf(result, 'PROTO').message).toMatch(/key exchange X25519MLKEM768 \(hybrid\)/)
  })

  it('interception-classical-upstream: accepted and leaked, hybrid on the victim leg, x25519 to the bank, flagged by FP naming the removed group', async () => {
    const result = await playLive(scenario('interception-classical-upstream'))
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect({ verdict: result.verdict, step: result.catchingStep, leaked: result.leaked }).toEqual({ verdict: 'accept', step: null, leaked: true })
    const legs = result.connections.map((c) => ({ victim: c.negotiated?.group, bank: c.upstream?.group }))
    expect(legs).toEqual([{ victim: 'X25519MLKEM768', bank: 'x25519' }])
    const fp = result.steps.find((s) => s.step === 'FP')
    expect(fp?.status).toBe('fail')
    expect(fp?.code).toBe('INTERCEPTION_DETECTED')
    expect(fp?.message).toContain('The post-quantum hybrid X25519MLKEM768 was removed')
    expect((fp?.detail?.['downgrades'] as { code: string }[]).map((d) => d.code)).toEqual(['HYBRID_GROUP_REMOVED'])
  })

  it('interception-classical-pq-policy: a client requiring a hybrid group refuses the classical leg at PROTO before sending anything', async () => {
    const result = await playLive(scenario('interception-classical-pq-policy'))
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(stepOf(result, 'PROTO')).toMatchObject({ status: 'fail', code: 'CLASSICAL_KEY_EXCHANGE' })
    expect(result.client?.tls?.group).toBe('x25519')
    expect(result.leaked).toBe(false)
    expect(result.genuine.requests).toEqual([])
  })

  it('client-hello-drop-hybrid-key-share: the edited hello makes the transcripts differ, caught by FIN; the bank negotiated x25519', async () => {
    const result = await playLive(scenario('client-hello-drop-hybrid-key-share'))
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(connectionRow(result)).toEqual({ PROTO: 'pass', HS: 'skip NOT_REACHED', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' })
    expect(catchingStepOf(result)?.code).toBe('TRANSCRIPT_MISMATCH')
    // What the victim could decode of the server's reply: a ServerHello choosing the classical share.
    expect(result.client?.handshake?.keyShareGroup).toBe('x25519')
  })
})

describe('ML-DSA-65 chains, live', () => {
  it('ml-dsa-chain: the genuine site serves an ML-DSA CA and leaf; the lab verifier and Node accept, over X25519MLKEM768', async () => {
    const { mlDsaChain } = await import('../../scenarios/attacks/ml-dsa-scenarios.js')
    const result = await playLive(mlDsaChain)
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(result.node.authorized).toBe(true)
    expect(result.client?.presentedChain.map((c) => c.publicKey)).toEqual(['ML-DSA-65', 'ML-DSA-65'])
    expect(result.client?.tls?.group).toBe('X25519MLKEM768')
  })

  it('ml-dsa-forged-untrusted-root: a forged ML-DSA leaf under the attacker\'s ML-DSA root is caught by TRUST', async () => {
    const { mlDsaForgedUntrustedRoot } = await import('../../scenarios/attacks/ml-dsa-scenarios.js')
    const result = await playLive(mlDsaForgedUntrustedRoot)
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect({ step: result.catchingStep, code: result.code }).toEqual({ step: 'TRUST', code: 'UNTRUSTED_ROOT' })
    expect(stepOf(result, 'SIG').status).toBe('pass')
  })
})
