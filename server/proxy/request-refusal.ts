import { headerValue, type MessageHead } from './http-parser.js'

/** A request a server turns down on its head alone, without processing it. */
export interface RequestRefusal {
  /** The status line's code and phrase, e.g. '400 Bad Request'. */
  status: string
  reason: string
}

/**
 * The requests every conforming origin refuses on their head, whatever its
 * framing: the genuine server (Node's http server) answers these itself and
 * the site never sees them, so neither relay mode records them.
 * - RFC 9112 §3.2: an HTTP/1.1 request without Host MUST get 400 (Node:
 *   `requireHostHeader`, on by default).
 * - RFC 9110 §10.1.1: an expectation other than 100-continue MAY get 417,
 *   and Node's server does (lib/_http_server.js, 'checkExpectation').
 */
export function refusalByOrigin(head: MessageHead): RequestRefusal | null {
  if (head.versionMajor === 1 && head.versionMinor === 1 && headerValue(head.rawHeaders, 'host') === undefined)
    return { status: '400 Bad Request', reason: 'an HTTP/1.1 request without Host (RFC 9112 §3.2)' }
  const expect = headerValue(head.rawHeaders, 'expect')
  if (expect !== undefined && expect.trim().toLowerCase() !== '100-continue')
    return { status: '417 Expectation Failed', reason: `an expectation the server cannot meet (Expect: ${expect})` }
  return null
}
