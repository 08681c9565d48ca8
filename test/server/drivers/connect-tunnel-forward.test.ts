import { describe, expect, it } from 'vitest'
import { forwardedHead } from '../../../server/util/proxy-request-head.js'

describe('the CONNECT tunnel relaying a plain-HTTP request (the first visit of sslstrip scenarios)', () => {
  it('rewrites absolute-form to origin-form, keeps Host, and closes the connection after one request', () => {
    expect(
      forwardedHead('GET http://bank.lab/login?x=1 HTTP/1.1\r\nHost: bank.lab\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n'),
    ).toBe('GET /login?x=1 HTTP/1.1\r\nHost: bank.lab\r\nAccept: */*\r\nConnection: close\r\n')
  })

  it('gives a bare authority the path /', () => {
    expect(forwardedHead('GET http://bank.lab HTTP/1.0\r\nHost: bank.lab\r\n')).toBe('GET / HTTP/1.0\r\nHost: bank.lab\r\nConnection: close\r\n')
  })

  it('leaves CONNECT, origin-form and https:// requests to the tunnel (null)', () => {
    expect(forwardedHead('CONNECT bank.lab:443 HTTP/1.1\r\nHost: bank.lab:443\r\n')).toBeNull()
    expect(forwardedHead('GET / HTTP/1.1\r\nHost: bank.lab\r\n')).toBeNull()
    expect(forwardedHead('GET https://bank.lab/ HTTP/1.1\r\nHost: bank.lab\r\n')).toBeNull()
  })
})

describe('the CONNECT tunnel forwarding a login POST written in two parts (head, then body)', () => {
  it('sends head and body upstream in one write, as a browser does, so a middlebox reading the first chunk sees the login', async () => {
    const { createServer, connect } = await import('node:net')
    const { startConnectTunnel } = await import('../../../server/drivers/connect-tunnel.js')
    const firstChunk = new Promise<string>((resolve) => {
      const origin = createServer((socket) => socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString('latin1'))
        socket.destroy()
      }))
      origin.listen(0, '127.0.0.1', () => {
        const address = origin.address()
        if (address === null || typeof address === 'string') throw new Error('no port')
        void startConnectTunnel({ host: '127.0.0.1', port: address.port }).then((tunnel) => {
          const client = connect(tunnel.port, tunnel.host, () => {
            client.write('POST http://bank.lab/login HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 11\r\n\r\n')
            // The body follows once the tunnel has surely connected upstream (ordering, not a timed assertion).
            setTimeout(() => client.write('password=pw'), 100)
          })
          client.on('error', () => {})
          client.once('close', () => {
            origin.close()
            void tunnel.close()
          })
        })
      })
    })
    expect(await firstChunk).toBe('POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 11\r\nConnection: close\r\n\r\npassword=pw')
  })
})
