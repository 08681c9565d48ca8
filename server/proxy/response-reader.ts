import type { Readable } from 'node:stream'
import { HttpParser } from './http-parser.js'
import type { ResponseRecorder } from './response-recorder.js'

/**
 * Per-client mode relays the genuine server's bytes untouched (a pipe); this
 * reads a copy of them with llhttp, the parser the client itself uses, to
 * record each response. It only reads: a stream it cannot frame (an upgrade,
 * a protocol it does not know) stops the reading, never the relay.
 */
export function readResponses(upstream: Readable, recorder: ResponseRecorder): void {
  const parser = new HttpParser('response', {
    onHead: (head) => {
      recorder.head(head)
      // RFC 9110 §9.3.2: a response to HEAD has no body whatever its Content-Length says.
      return recorder.nextRequestMethod() === 'HEAD' ? 'no-body' : 'body'
    },
    onBody: (chunk) => recorder.bodyChunk(chunk),
    onComplete: () => recorder.end(),
  })
  let isReading = true
  const stop = (): void => {
    if (!isReading) return
    isReading = false
    upstream.off('data', onData)
    parser.free()
  }
  const onData = (chunk: Buffer): void => {
    const result = parser.execute(chunk)
    if (!result.ok || (result.bytes < chunk.length)) stop()
  }
  upstream.on('data', onData)
  upstream.once('close', stop)
}
