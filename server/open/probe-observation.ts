import type { GenuineRequest } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'

/**
 * A probe is three requests to its scenario host, each sent only when the
 * browser accepted the previous answer, as a person's visit is (and as the
 * lab-driven chromium's is: load the login page, post the form, get the
 * answer): `page` (GET /login), `login` (the POST with the credentials), and
 * `ack` (GET /login once the POST's answer was accepted).
 */
export type ProbeStep = 'page' | 'login' | 'ack'

/** The query a probe request carries, tying it to the visit (`probe`) and its place in the visit (`step`). */
export function probeQuery(token: string, step: ProbeStep): string {
  return `probe=${token}&step=${step}`
}

/** What the lab saw on the wire for one probe, strongest first. */
export type ProbeSighting =
  /** The browser accepted the answer to its login: the `ack` request arrived. */
  | 'answer-accepted'
  /** The login POST arrived (the genuine bank got it, or the attacker read it), and no `ack` followed. */
  | 'credentials-posted'
  /** Only the page request arrived. */
  | 'request-sent'
  /** The client completed TLS and hung up without a request (how some clients refuse). */
  | 'closed-after-handshake'
  /** The client aborted the handshake with a TLS alert. */
  | 'handshake-aborted'
  /** The handshake failed otherwise (versions, ciphers, the client vanished). */
  | 'handshake-failed'
  /** Nothing reached the scenario's server. */
  | 'nothing-seen'

export interface ProbeObservation {
  sighting: ProbeSighting
  /** The browser accepted the connection: it sent the login and accepted the answer. */
  accepted: boolean
  /** The alert the client sent, e.g. 'bad_certificate', when it aborted. */
  alert: string | null
  /** One sentence for the page and the report. */
  detail: string
}

/**
 * The server side decides, never the page's guess: a probe counts as
 * accepted only when its `ack` request crossed the TLS connection, which the
 * page sends only after the browser accepted the login's answer — the
 * lab-driven client's rule (accepted when its login POST got an HTTP status).
 * Otherwise the connection records say how it was refused. `records` and
 * `requests` are what the scenario's servers saw since the probe started
 * (requests: the genuine bank's, or the site's when the scenario is the site).
 */
export function observeProbe(token: string, records: readonly ConnectionRecord[], requests: readonly GenuineRequest[]): ProbeObservation {
  const seen = (step: ProbeStep): boolean => {
    const query = probeQuery(token, step)
    return requests.some((request) => request.path.includes(query)) || records.some((record) => record.plaintext.requests.some((request) => request.path.includes(query)))
  }
  const leaked = records.some((record) => record.plaintext.credentials.length > 0)
  if (seen('ack')) {
    return {
      sighting: 'answer-accepted',
      accepted: true,
      alert: null,
      detail: leaked ? 'the browser posted the login through the attacker, who read the password, and accepted the answer' : 'the browser posted the login and accepted the answer',
    }
  }
  if (seen('login')) {
    return { sighting: 'credentials-posted', accepted: false, alert: null, detail: 'the browser posted the login, then refused the answer (the connection broke or was tampered with)' }
  }
  if (seen('page')) {
    return { sighting: 'request-sent', accepted: false, alert: null, detail: 'the browser asked for the page, then refused the answer (the connection broke or was tampered with)' }
  }
  const aborted = records.find((record) => record.outcome === 'client-rejected')
  if (aborted !== undefined) {
    return {
      sighting: 'handshake-aborted',
      accepted: false,
      alert: aborted.clientAlert,
      detail: `the browser aborted the handshake${aborted.clientAlert === null ? '' : ` with the alert ${aborted.clientAlert}`}`,
    }
  }
  const closed = records.find((record) => record.outcome === 'client-closed-after-handshake')
  if (closed !== undefined) {
    return { sighting: 'closed-after-handshake', accepted: false, alert: null, detail: 'the browser finished the handshake, then closed without sending a request' }
  }
  const failed = records.find((record) => record.outcome === 'handshake-failed' || record.outcome === 'client-hung-up')
  if (failed !== undefined) {
    return {
      sighting: 'handshake-failed',
      accepted: false,
      alert: failed.clientAlert,
      detail: `the handshake failed (${failed.outcome}${failed.error === null ? '' : `: ${shortError(failed.error.message)}`})`,
    }
  }
  if (records.length > 0) {
    return { sighting: 'closed-after-handshake', accepted: false, alert: null, detail: `the browser connected (${records.map((record) => record.outcome).join(', ')}) and sent no request` }
  }
  return { sighting: 'nothing-seen', accepted: false, alert: null, detail: 'no request from this probe reached the scenario (refused before or during the handshake)' }
}

/** OpenSSL's error line without its source position: `…:no shared cipher:../deps/…c:2361:` → `no shared cipher`. */
function shortError(message: string): string {
  const line = message.split('\n')[0]?.trim() ?? ''
  const reason = /:SSL routines:[^:]*:([^:]+):/.exec(line)?.[1]
  return reason ?? line
}
