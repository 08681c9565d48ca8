import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAccessPolicy,
  isHostAllowed,
  isLoopbackHost,
  isOriginAllowed,
  isTokenValid,
  originsFor,
  type AccessPolicy,
} from '../../../server/api/access-policy.js'
import { connectSocket, removeSharedPki, startDashboardFixture, waitForConnect, type DashboardFixture } from './support/with-dashboard-server.js'

/*
 * Origin and Host are compared as whole serialized origins (RFC 6454 §6.1), never by prefix,
 * suffix or pattern: a browser sends exactly `http://127.0.0.1:PORT` from the lab's own page,
 * lower-case and without a path, so anything else is another site.
 */

const PORT = 8377

function loopbackPolicy(token?: string): AccessPolicy {
  const policy = createAccessPolicy('127.0.0.1', token)
  for (const origin of originsFor('127.0.0.1', PORT)) policy.allowedOrigins.add(origin)
  return policy
}

/** Look-alike origins a page elsewhere could send; every one must be refused. */
const LOOK_ALIKE_ORIGINS: [string, string][] = [
  ['prefix: the allowed origin followed by a domain', `http://127.0.0.1:${PORT}.evil.example`],
  ['prefix: localhost followed by a domain', `http://localhost:${PORT}.evil.example`],
  ['prefix: the allowed origin plus a path', `http://127.0.0.1:${PORT}/`],
  ['suffix: a host ending in the allowed host', `http://evil127.0.0.1:${PORT}`],
  ['suffix: a subdomain-looking host ending in localhost', `http://evil-localhost:${PORT}`],
  ['suffix: a subdomain of localhost', `http://evil.localhost:${PORT}`],
  ['userinfo: the allowed origin as user name of another host', `http://127.0.0.1:${PORT}@evil.example`],
  ['userinfo: a user name in front of the allowed host', `http://user@127.0.0.1:${PORT}`],
  ['port confusion: an extra digit', `http://127.0.0.1:${PORT}0`],
  ['port confusion: a digit short', `http://127.0.0.1:${String(PORT).slice(0, -1)}`],
  ['port confusion: a leading zero', `http://127.0.0.1:0${PORT}`],
  ['port confusion: no port (80)', 'http://127.0.0.1'],
  ['port confusion: the default port spelled out', 'http://127.0.0.1:80'],
  ['scheme: https on the same host and port', `https://127.0.0.1:${PORT}`],
  ['scheme: ws instead of http', `ws://127.0.0.1:${PORT}`],
  ['case: an upper-case scheme', `HTTP://127.0.0.1:${PORT}`],
  ['case: an upper-case host', `http://LOCALHOST:${PORT}`],
  ['trailing dot on localhost', `http://localhost.:${PORT}`],
  ['trailing dot on the address', `http://127.0.0.1.:${PORT}`],
  ['IPv6: ::1 written out in full', `http://[0:0:0:0:0:0:0:1]:${PORT}`],
  ['IPv6: the IPv4-mapped loopback', `http://[::ffff:127.0.0.1]:${PORT}`],
  ['IPv6: ::1 without brackets', `http://::1:${PORT}`],
  ['IPv6: the allowed origin followed by a domain', `http://[::1]:${PORT}.evil.example`],
  ['another loopback address the server does not name', `http://127.0.0.2:${PORT}`],
  ['an opaque origin (sandboxed frame, file:)', 'null'],
  ['empty', ''],
  ['leading space', ` http://127.0.0.1:${PORT}`],
  ['trailing space', `http://127.0.0.1:${PORT} `],
  ['another site', 'http://evil.example'],
]

describe('isOriginAllowed', () => {
  const policy = loopbackPolicy()

  it.each([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`])('allows the lab page origin %s', (origin) => {
    expect(isOriginAllowed(policy, origin)).toBe(true)
  })

  it('allows a request without Origin (curl, tests: no browser, no ambient credentials)', () => {
    expect(isOriginAllowed(policy, undefined)).toBe(true)
  })

  it.each(LOOK_ALIKE_ORIGINS)('refuses %s (%s)', (_name, origin) => {
    expect(isOriginAllowed(policy, origin)).toBe(false)
  })

  it('allows nothing before the port is known', () => {
    expect(isOriginAllowed(createAccessPolicy('127.0.0.1', undefined), `http://127.0.0.1:${PORT}`)).toBe(false)
  })
})

describe('isHostAllowed (DNS rebinding)', () => {
  const policy = loopbackPolicy()

  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`])('allows Host %s', (host) => {
    expect(isHostAllowed(policy, host)).toBe(true)
  })

  it.each([
    ['no Host at all', undefined],
    ['empty', ''],
    ['the rebinding site itself', `evil.example:${PORT}`],
    ['prefix: the allowed host followed by a domain', `127.0.0.1:${PORT}.evil.example`],
    ['suffix: a host ending in localhost', `evillocalhost:${PORT}`],
    ['userinfo', `127.0.0.1:${PORT}@evil.example`],
    ['no port', '127.0.0.1'],
    ['another port', `127.0.0.1:${PORT + 1}`],
    ['an extra digit in the port', `127.0.0.1:${PORT}0`],
    ['trailing dot', `localhost.:${PORT}`],
    ['upper case', `LOCALHOST:${PORT}`],
    ['IPv6 without brackets', `::1:${PORT}`],
    ['IPv6 written out', `[0:0:0:0:0:0:0:1]:${PORT}`],
    ['a path smuggled into Host', `127.0.0.1:${PORT}/x`],
  ])('refuses %s (%s)', (_name, host) => {
    expect(isHostAllowed(policy, host)).toBe(false)
  })
})

describe('isLoopbackHost', () => {
  it.each(['localhost', '127.0.0.1', '127.255.255.254', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true)
  })

  it.each([
    '127.0.0.1.evil.example',
    '127.evil.example',
    '1127.0.0.1',
    'localhost.evil.example',
    'evil-localhost',
    'localhost.',
    'LOCALHOST',
    '0.0.0.0',
    '::',
    '::ffff:127.0.0.1',
    '0:0:0:0:0:0:0:2',
    '10.0.0.1',
    '',
  ])('%s is not loopback (a bind there needs a token)', (host) => {
    expect(isLoopbackHost(host)).toBe(false)
  })
})

describe('createAccessPolicy', () => {
  it('needs no token on loopback', () => {
    expect(createAccessPolicy('127.0.0.1', undefined)).toEqual({ token: null, allowedOrigins: new Set() })
    expect(createAccessPolicy('::1', undefined).token).toBeNull()
  })

  it.each(['0.0.0.0', '192.168.1.10', '::', '127.0.0.1.evil.example'])('refuses to bind %s without a token, naming the flag', (host) => {
    expect(() => createAccessPolicy(host, undefined)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: `Binding the dashboard to ${host} exposes it beyond this machine: pass --token (at least 16 characters)` }),
    )
  })

  it('refuses a token shorter than 16 characters, on any bind', () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      expect(() => createAccessPolicy(host, '0123456789abcde')).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: 'The dashboard token must be at least 16 characters' }),
      )
    }
    expect(createAccessPolicy('0.0.0.0', '0123456789abcdef').token).toBe('0123456789abcdef')
  })
})

describe('isTokenValid', () => {
  const token = 'correct-token-0123456789'

  it('accepts anything when no token is set (loopback)', () => {
    expect(isTokenValid(loopbackPolicy(), undefined)).toBe(true)
  })

  it.each<[string, unknown, boolean]>([
    ['the token', token, true],
    ['missing', undefined, false],
    ['a number', 12345, false],
    ['an array holding the token', [token], false],
    ['a prefix of the token', token.slice(0, -1), false],
    ['the token plus a character', `${token}x`, false],
    ['the token in another case', token.toUpperCase(), false],
    ['empty', '', false],
  ])('%s → %s', (_name, presented, expected) => {
    expect(isTokenValid(loopbackPolicy(token), presented)).toBe(expected)
  })
})

describe('originsFor', () => {
  it('names every loopback spelling on a loopback bind', () => {
    expect(originsFor('127.0.0.1', PORT)).toEqual([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`])
    expect(originsFor('localhost', 1)).toEqual(['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1'])
  })

  it('names only the bound address otherwise, bracketing IPv6', () => {
    expect(originsFor('192.168.1.10', PORT)).toEqual([`http://192.168.1.10:${PORT}`])
    expect(originsFor('fe80::1', PORT)).toEqual([`http://[fe80::1]:${PORT}`])
  })

  it('names loopback and every interface address on a wildcard bind', () => {
    const origins = originsFor('0.0.0.0', PORT)
    expect(origins.slice(0, 3)).toEqual([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`])
    expect(origins.every((origin) => origin.startsWith('http://') && origin.endsWith(`:${PORT}`))).toBe(true)
    expect(originsFor('::', PORT).slice(0, 3)).toEqual(origins.slice(0, 3))
  })
})

describe('the dashboard server refuses look-alikes end to end', () => {
  let lab: DashboardFixture
  beforeAll(async () => {
    lab = await startDashboardFixture()
  })
  afterAll(async () => {
    await lab.close()
    removeSharedPki()
  })

  /** A raw request, so that Host can be set freely (fetch always sends the URL's host). */
  function get(path: string, headers: Record<string, string>): Promise<{ status: number; code: string | null }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: lab.server.port, path, headers }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: res.statusCode === 200 ? null : ((JSON.parse(body) as { code: string }).code ?? null) }))
      })
      req.on('error', reject)
      req.end()
    })
  }

  it('answers its own origin, and refuses each look-alike origin with ORIGIN_REFUSED', async () => {
    const port = lab.server.port
    expect(await get('/api/runs', { origin: `http://127.0.0.1:${port}` })).toEqual({ status: 200, code: null })
    for (const origin of [`http://127.0.0.1:${port}.evil.example`, `http://127.0.0.1:${port}@evil.example`, `http://evil127.0.0.1:${port}`, `http://127.0.0.1:${port}0`, `http://LOCALHOST:${port}`, `http://[::ffff:127.0.0.1]:${port}`]) {
      expect(await get('/api/runs', { origin }), origin).toEqual({ status: 403, code: 'ORIGIN_REFUSED' })
    }
  })

  it('refuses each look-alike Host with HOST_REFUSED', async () => {
    const port = lab.server.port
    for (const host of [`127.0.0.1:${port}.evil.example`, `evil.example:${port}`, `localhost.:${port}`, `127.0.0.1:${port}0`]) {
      expect(await get('/api/runs', { host }), host).toEqual({ status: 403, code: 'HOST_REFUSED' })
    }
  })

  it('refuses a socket from a look-alike origin before it connects', async () => {
    const { socket } = connectSocket(lab.base, { origin: `${lab.base}.evil.example` })
    try {
      expect(await waitForConnect(socket)).toMatchObject({ ok: false })
    } finally {
      socket.close()
    }
  })
})
