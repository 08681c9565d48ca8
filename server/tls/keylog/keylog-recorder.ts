import type { EventEmitter } from 'node:events'

/**
 * Collects the lines a TLS socket (client) or server emits on `keylog`, so a
 * scenario can hand them to decodeConnection. Node emits one complete line
 * per event, newline included (Node docs, tls 'keylog' event).
 */
export class KeylogRecorder {
  private readonly lines: string[] = []

  /** Subscribes to `keylog` on a tls.TLSSocket (line) or tls.Server (line, socket). */
  attach(emitter: EventEmitter): this {
    emitter.on('keylog', (line: Buffer) => {
      this.lines.push(line.toString('latin1'))
    })
    return this
  }

  get text(): string {
    return this.lines.join('')
  }
}
