import { describe, expect, it } from 'vitest'
import type { GenuineRequest } from '../../../server/lab/scenario-result.js'
import { newConnectionRecord, type ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { classifyName } from '../../../server/open/lab-names.js'
import { observeProbe, probeQuery, type ProbeStep } from '../../../server/open/probe-observation.js'

const TOKEN = '0123456789abcdef01234567'

function request(step: ProbeStep, token = TOKEN): GenuineRequest {
  return {
    at: '2026-12-05T12:00:00.000Z',
    method: step === 'login' ? 'POST' : 'GET',
    path: `/login?${probeQuery(token, step)}`,
    client: null,
    userAgent: 'test',
    receivedCredentials: step === 'login',
    fingerprint: null,
  }
}

function record(outcome: ConnectionRecord['outcome'], alert: string | null = null): ConnectionRecord {
  return { ...newConnectionRecord(1, 'terminate', '127.0.0.1'), outcome, clientAlert: alert }
}

describe('a probe is judged from what the lab saw', () => {
  it('accepted only when the acknowledgement after the login’s answer arrived', () => {
    expect(observeProbe(TOKEN, [], [request('page'), request('login'), request('ack')]).sighting).toBe('answer-accepted')
    expect(observeProbe(TOKEN, [], [request('page'), request('login'), request('ack')]).accepted).toBe(true)
    const refusedAnswer = observeProbe(TOKEN, [], [request('page'), request('login')])
    expect([refusedAnswer.accepted, refusedAnswer.sighting]).toEqual([false, 'credentials-posted'])
  })

  it('ignores another visit’s probes of the same scenario', () => {
    const other = 'fedcba9876543210fedcba98'
    expect(observeProbe(TOKEN, [record('client-rejected', 'bad_certificate')], [request('page', other), request('login', other), request('ack', other)])).toEqual({
      sighting: 'handshake-aborted',
      accepted: false,
      alert: 'bad_certificate',
      detail: 'the browser aborted the handshake with the alert bad_certificate',
    })
  })

  it('reads the attacker’s plaintext too: an ack the proxy read counts, and says the password was read', () => {
    const read = { ...record('relayed'), plaintext: { requests: [{ method: 'GET', path: `/login?${probeQuery(TOKEN, 'ack')}`, host: null }], credentials: [{ field: 'password', value: 'x', path: '/login' }], cookies: [] } }
    const seen = observeProbe(TOKEN, [read], [])
    expect([seen.accepted, seen.detail]).toEqual([true, 'the browser posted the login through the attacker, who read the password, and accepted the answer'])
  })

  it('says how a refused connection ended, with OpenSSL’s reason and not its source position', () => {
    const failed = { ...record('handshake-failed'), error: { code: 'X', message: '40AD01EE137F0000:error:0A0000C1:SSL routines:tls_post_process_client_hello:no shared cipher:../deps/openssl/openssl/ssl/statem/statem_srvr.c:2361:\n' } }
    expect(observeProbe(TOKEN, [failed], []).detail).toBe('the handshake failed (handshake-failed: no shared cipher)')
    expect(observeProbe(TOKEN, [record('client-closed-after-handshake')], []).sighting).toBe('closed-after-handshake')
    expect(observeProbe(TOKEN, [], []).sighting).toBe('nothing-seen')
  })
})

describe('lab names', () => {
  it('are bank.lab and one label under it; everything else is foreign', () => {
    expect(classifyName('bank.lab')).toEqual({ kind: 'bank' })
    expect(classifyName('BANK.LAB.')).toEqual({ kind: 'bank' })
    expect(classifyName('expired-leaf.bank.lab')).toEqual({ kind: 'scenario', scenarioId: 'expired-leaf' })
    for (const name of ['example.com', 'bank.lab.example.com', 'a.b.bank.lab', 'evilbank.lab', 'lab', '', 'bank..lab', '127.0.0.1.bank.lab.evil']) {
      expect(classifyName(name), name).toEqual({ kind: 'foreign' })
    }
  })
})
