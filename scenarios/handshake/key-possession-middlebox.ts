import { generateKeyPairSync } from 'node:crypto'
import { formatName } from '../../ca/index.js'
import type { ConnectionRecord } from '../../server/proxy/connection-record.js'
import { createEngineServer, type EngineOutcome } from '../../server/tls/engine/index.js'
import type { PathMiddlebox, ScenarioContext, UpstreamEndpoint } from '../define-scenario.js'
import { startTamperMiddlebox } from './tamper-middlebox.js'

/** What the engine answers if a broken client ever completes the handshake. */
const ATTACKER_PAGE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nattacker\n')

/**
 * The key-possession attack: the attacker copies the genuine server's public
 * certificate chain (anyone can, it is sent in every handshake) and serves
 * it from the lab's own handshake engine, signing ServerKeyExchange (TLS 1.2)
 * or CertificateVerify (TLS 1.3) with a key of its own, because it does not
 * hold the genuine one. Every certificate check passes; only the handshake
 * signature (RFC 8446 §4.4.3, RFC 5246 §7.4.3) can tell. The genuine server
 * is never contacted. A faithful relay in front only counts the bytes.
 */
export async function startKeyPossessionEngine(context: ScenarioContext, _upstream: UpstreamEndpoint, version: 'TLSv1.2' | 'TLSv1.3'): Promise<PathMiddlebox> {
  const served = [context.pki.genuineLeaf, context.pki.trustedIntermediate]
  const engine = await createEngineServer({
    version,
    certificateChain: served.map((certificate) => certificate.der),
    signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    respond: () => ATTACKER_PAGE,
    timeoutMs: 10_000,
  })
  const settled: (EngineOutcome | undefined)[] = []
  const front = await startTamperMiddlebox({ host: engine.host, port: engine.port, caPem: '' }, { kind: 'faithful' })
  const servedChain = served.map((certificate, index) => ({
    subject: formatName(certificate.subject),
    issuer: formatName((served[index + 1] ?? context.pki.trustedRoot).subject),
    derBase64: certificate.der.toString('base64'),
  }))
  return {
    connectTo: front.connectTo,
    records: () =>
      front.records().map((record, index) => {
        const outcome = settled[index]
        void engine.outcomes[index]?.then((value) => (settled[index] = value))
        return engineRecord(record, outcome, servedChain, version)
      }),
    whenIdle: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
      const outcomes = Promise.all(engine.outcomes.map((promise, index) => promise.then((value) => (settled[index] = value))))
      await Promise.race([Promise.all([outcomes, front.whenIdle(timeoutMs)]), timeout])
      clearTimeout(timer)
    },
    close: async () => {
      await front.close()
      await engine.close()
    },
  }
}

/** The relay's byte counts, with what the engine itself knows: the chain it served and how the client answered. */
function engineRecord(relayed: ConnectionRecord, outcome: EngineOutcome | undefined, servedChain: ConnectionRecord['servedChain'], version: string): ConnectionRecord {
  const completed = outcome?.completed === true
  return {
    ...relayed,
    mode: 'terminate',
    servedChain,
    negotiated: completed ? { version, cipher: version === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', alpn: null } : null,
    outcome: outcome === undefined ? 'open' : completed ? 'relayed' : outcome.clientAlert === undefined ? 'handshake-failed' : 'client-rejected',
    clientAlert: outcome?.clientAlert ?? null,
    error:
      outcome?.failure === undefined
        ? null
        : { code: outcome.failure, message: `The engine's handshake ended at ${outcome.stage}${outcome.clientAlert === undefined ? '' : ` with the client's ${outcome.clientAlert} alert`}` },
    upstream: null,
  }
}
