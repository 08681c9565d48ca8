import { describe, expect, it } from 'vitest'
import { forwardedHead } from '../../../server/drivers/connect-tunnel.js'

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
