import tls from 'node:tls'
import { KeylogRecorder } from '../../../../server/tls/keylog/keylog-recorder.js'
import type { TestPki } from '../support/test-pki.js'

export interface ClientResult {
  secureConnected: boolean
  error: { code: string | undefined; message: string } | undefined
  received: string
  ended: boolean
  keylog: string
}

/** A real Node client that trusts the test CA, connecting to `port` as localhost. */
export function connectClient(pki: TestPki, port: number, options: tls.ConnectionOptions = {}): Promise<ClientResult> {
  return new Promise((resolve) => {
    const keylog = new KeylogRecorder()
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.caPem, ...options })
    keylog.attach(socket)
    const result: ClientResult = { secureConnected: false, error: undefined, received: '', ended: false, keylog: '' }
    const timer = setTimeout(() => socket.destroy(new Error('client timed out')), 5000)
    socket.on('secureConnect', () => {
      result.secureConnected = true
      socket.write('hello engine')
    })
    socket.on('data', (data: Buffer) => {
      result.received += data.toString()
      socket.end()
    })
    socket.on('end', () => (result.ended = true))
    socket.on('error', (e: NodeJS.ErrnoException) => {
      result.error ??= { code: e.code, message: e.message }
      socket.destroy()
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ ...result, keylog: keylog.text })
    })
  })
}
