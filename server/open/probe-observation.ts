import type { GenuineRequest } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'

/** What the lab saw on the wire for one probe, strongest first. */
export type ProbeSighting =
  /** The probe's login POST reached the genuine bank (or was read by the attacker) with the credentials. */
  | 'credentials-posted'
  /** A request carrying the probe's token got through TLS. */
  | 'request-sent'
  /** The client completed TLS and hung up without a request (how some clients refuse). */
  | 'closed-after-handshake'
  /** The client aborted the handshake with a TLS alert. */
  | 'handshake-aborted'
  /** The handshake failed otherwise (versions, ciphers, the client vanished). */
  | 'handshake-failed'
  /** Nothing reached the scenario's server (the probe never left the browser, or not through the lab). */
  | 'nothing-seen'

export interface ProbeObservation {
  sighting: ProbeSighting
  /** The browser accepted the connection: a request with the probe's token crossed it. */
  accepted: boolean
  /** The alert the client sent, e.g. 'bad_certificate', when it aborted. */
  alert: string | null
  /** One sentence for the page and the report. */
  detail: string
}

/**
 * The server side decides, never the page's guess: a probe counts as
 * accepted only when a request carrying its token crossed the TLS
 * connection (the genuine bank logged it, or the attacker's proxy read it),
 * exactly as a lab-driven client counts as accepting when its login POST got
 * through (server/drivers/). Otherwise the connection records say how it was
 * refused. `records` and `requests` are what the scenario's servers saw since
 * the probe started.
 */
export function observeProbe(token: string, records: readonly ConnectionRecord[], requests: readonly GenuineRequest[]): ProbeObservation {
  const carriesToken = (path: string): boolean => path.includes(`probe=${token}`)
  const reached = requests.filter((request) => carriesToken(request.path))
  const read = records.filter((record) => record.plaintext.requests.some((request) => carriesToken(request.path)))
  if (reached.some((request) => request.receivedCredentials) || read.some((record) => record.plaintext.credentials.length > 0)) {
    const leaked = read.some((record) => record.plaintext.credentials.length > 0)
    return {
      sighting: 'credentials-posted',
      accepted: true,
      alert: null,
      detail: leaked ? 'the browser posted the login through the attacker, who read the password' : 'the browser posted the login and the bank received it',
    }
  }
  if (reached.length > 0 || read.length > 0) {
    return { sighting: 'request-sent', accepted: true, alert: null, detail: 'the browser sent its request over the connection' }
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
      detail: `the handshake failed (${failed.outcome}${failed.error === null ? '' : `: ${failed.error.message}`})`,
    }
  }
  if (records.length > 0) {
    return { sighting: 'closed-after-handshake', accepted: false, alert: null, detail: `the browser connected (${records.map((record) => record.outcome).join(', ')}) and sent no request` }
  }
  return { sighting: 'nothing-seen', accepted: false, alert: null, detail: 'no request from this probe reached the scenario (refused before or during the handshake)' }
}
