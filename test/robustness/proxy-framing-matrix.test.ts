import { connect as tlsConnect } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../ca/index.js'
import { VICTIM_CREDENTIALS } from '../../server/genuine/bank-site.js'
import { startGenuineServer, type GenuineServer } from '../../server/genuine/genuine-server.js'
import type { ConnectionRecord } from '../../server/proxy/connection-record.js'
import { createForgedCertificates } from '../../server/proxy/forged-certificates.js'
import { startInterceptingProxy, type InterceptingProxy, type ProxyIncident } from '../../server/proxy/intercepting-proxy.js'
import { testPki } from '../support/lab-pki.js'

// The smuggling/framing matrix (issue 17, items 1 and 2): crafted byte streams written by raw TLS
// clients to the genuine bank directly and through the proxy in each relay mode, each mode in front
// of a genuine bank of its own. For every case and mode the requests the proxy recorded (method, path,
// credentials) must be exactly the requests its genuine server processed, and those must be the ones
// written below. Per-client mode forwards bytes untouched, so its bank must also process exactly what
// the bank reached directly processes; the pooled relay re-frames, and refuses what it cannot frame
// unambiguously. Every case runs at once, each on its own connection, tagged by a query parameter.

const pki = testPki()
/**
 * Once answered, a client closes after this long without a further byte. The last request of a case
 * carries `Connection: close`, so the server closes first unless it never reads that request; every
 * case runs at once, so the wait is paid at most once. It only decides when to stop reading.
 */
const QUIET_MS = 3_000
/** No client lives longer than this (on a loaded 2-core machine the whole matrix takes ~10 s; idle, ~3 s). */
const CLIENT_LIMIT_MS = 30_000
const PIPELINED = 2_000

const BODY = `username=${VICTIM_CREDENTIALS.username}&password=${VICTIM_CREDENTIALS.password}`
const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n'
const HOST = 'Host: bank.lab\r\n'

type Mode = 'direct' | 'per-client' | 'pooled'
const MODES: Mode[] = ['direct', 'per-client', 'pooled']

interface FramingCase {
  name: string
  /** The client's writes, each its own TLS record; `p` tags a path with the case. */
  writes: (p: (path: string) => string) => string[]
  /** What the genuine bank processes: 'METHOD path', ' +creds' when it read the victim's password. */
  perClient: string[]
  /** Through the pooled relay. Default: the same as per-client. */
  pooled?: string[]
}

const chunked = (...parts: string[]): string =>
  `${parts.map((part) => `${part.length.toString(16)}\r\n${part}\r\n`).join('')}0\r\n\r\n`
const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\n${HOST}${extra}\r\n`
const CLOSE = 'Connection: close\r\n'
const login = (path: string, extra = CLOSE): string =>
  `POST ${path} HTTP/1.1\r\n${HOST}${FORM}${extra}Content-Length: ${BODY.length}\r\n\r\n${BODY}`
const gets = (count: number, p: (path: string) => string): string =>
  Array.from({ length: count }, (_, i) => get(p(`/?g=${i}`))).join('')
const getLines = (count: number): string[] => Array.from({ length: count }, (_, i) => `GET /?g=${i}`)

const CASES: FramingCase[] = [
  { name: 'login-content-length', writes: (p) => [login(p('/login'))], perClient: ['POST /login +creds'] },
  {
    name: 'chunked-login',
    writes: (p) => {
      const message = `POST ${p('/login')} HTTP/1.1\r\n${HOST}${FORM}${CLOSE}Transfer-Encoding: chunked\r\n\r\n${chunked(BODY.slice(0, 20), BODY.slice(20))}`
      return [message.slice(0, 30), message.slice(30, 120), message.slice(120)]
    },
    perClient: ['POST /login +creds'],
  },
  {
    name: 'chunked-login-extensions-trailer',
    writes: (p) => [
      `POST ${p('/login')} HTTP/1.1\r\n${HOST}${FORM}${CLOSE}Transfer-Encoding: chunked\r\n\r\n${BODY.length.toString(16)};ext=1\r\n${BODY}\r\n0\r\nX-Trailer: t\r\n\r\n`,
    ],
    perClient: ['POST /login +creds'],
  },
  {
    name: 'chunked-login-http10',
    writes: (p) => [`POST ${p('/login')} HTTP/1.0\r\n${HOST}${FORM}Transfer-Encoding: chunked\r\n\r\n${chunked(BODY)}`],
    perClient: ['POST /login +creds'],
    // RFC 9112 §6.1: refused by the pooled relay, nothing forwarded.
    pooled: [],
  },
  {
    name: 'http10-transfer-encoding-smuggles-a-get',
    writes: (p) => [
      `POST ${p('/login')} HTTP/1.0\r\n${HOST}${FORM}Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n${get(p('/account'))}`,
    ],
    perClient: ['POST /login', 'GET /account'],
    pooled: [],
  },
  {
    name: 'bad-chunk-size-mid-body',
    writes: (p) => [`POST ${p('/login')} HTTP/1.1\r\n${HOST}${FORM}Transfer-Encoding: chunked\r\n\r\n5\r\nusern\r\n`, `zz\r\n${BODY}\r\n0\r\n\r\n`],
    perClient: [],
  },
  {
    name: 'three-pipelined-logins',
    writes: (p) => [login(p('/login?n=1'), '') + login(p('/login?n=2'), '') + login(p('/login?n=3'))],
    perClient: ['POST /login?n=1 +creds', 'POST /login?n=2 +creds', 'POST /login?n=3 +creds'],
  },
  {
    name: 'login-expecting-100-continue',
    writes: (p) => {
      const head = `POST ${p('/login')} HTTP/1.1\r\n${HOST}${FORM}${CLOSE}Expect: 100-continue\r\nContent-Length: ${BODY.length}\r\n\r\n`
      return [head, BODY]
    },
    perClient: ['POST /login +creds'],
  },
  {
    name: 'content-length-and-transfer-encoding',
    writes: (p) => [`POST ${p('/login')} HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${get(p('/account'))}`],
    perClient: [],
  },
  {
    name: 'two-different-content-lengths',
    writes: (p) => [`POST ${p('/login')} HTTP/1.1\r\n${HOST}${FORM}Content-Length: 0\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}${get(p('/account'))}`],
    perClient: [],
  },
  {
    name: 'chunked-not-last-coding',
    writes: (p) => [`POST ${p('/login')} HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n${chunked(BODY)}${get(p('/after'))}`],
    perClient: [],
  },
  { name: 'obs-fold', writes: (p) => [`GET ${p('/fold')} HTTP/1.1\r\n${HOST}X-A: a\r\n b\r\n\r\n${get(p('/after'))}`], perClient: [] },
  { name: 'bare-lf', writes: (p) => [`GET ${p('/lf')} HTTP/1.1\nHost: bank.lab\n\n${get(p('/after'))}`], perClient: [] },
  {
    name: '64-gets-and-a-login-in-one-write',
    writes: (p) => [gets(64, p) + login(p('/login'))],
    perClient: [...getLines(64), 'POST /login +creds'],
  },
  {
    name: '63-gets-and-a-login-in-one-write',
    writes: (p) => [gets(63, p) + login(p('/login'))],
    perClient: [...getLines(63), 'POST /login +creds'],
  },
  {
    name: `${PIPELINED}-pipelined-gets`,
    writes: (p) => [gets(PIPELINED - 1, p) + get(p(`/?g=${PIPELINED - 1}`), CLOSE)],
    perClient: getLines(PIPELINED),
  },
  {
    name: 'login-head-split-across-writes',
    writes: (p) => {
      const message = login(p('/login'))
      return [message.slice(0, 3), message.slice(3, 9), message.slice(9, 50), message.slice(50)]
    },
    perClient: ['POST /login +creds'],
  },
  {
    name: 'upgrade-then-pipelined-in-one-write',
    writes: (p) => [`GET ${p('/up')} HTTP/1.1\r\n${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n${get(p('/after-1'))}${get(p('/after-2'), CLOSE)}`],
    // The bank has no 'upgrade' listener: it answers the request as an ordinary one and drops the
    // rest of that read (lib/_http_server.js). The pooled relay holds that rest until the answer
    // (not 101), then forwards it as requests of their own, which the bank processes.
    perClient: ['GET /up'],
    pooled: ['GET /up', 'GET /after-1', 'GET /after-2'],
  },
  {
    name: 'upgrade-then-pipelined-in-later-writes',
    writes: (p) => [`GET ${p('/up')} HTTP/1.1\r\n${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`, get(p('/after-1')), get(p('/after-2'), CLOSE)],
    perClient: ['GET /up', 'GET /after-1', 'GET /after-2'],
  },
  {
    name: 'connect-then-get',
    writes: (p) => [`CONNECT bank.lab:443 HTTP/1.1\r\n${HOST}\r\n${get(p('/after'))}`],
    perClient: [],
  },
  {
    name: 'close-then-pipelined',
    writes: (p) => [get(p('/close'), 'Connection: close\r\n') + get(p('/after'))],
    perClient: ['GET /close'],
  },
  {
    name: 'http10-then-pipelined',
    writes: (p) => [`GET ${p('/h10')} HTTP/1.0\r\n\r\n${get(p('/after'))}`],
    perClient: ['GET /h10'],
  },
  {
    name: 'http11-without-host-then-get',
    writes: (p) => [`GET ${p('/no-host')} HTTP/1.1\r\n\r\n${get(p('/after'), CLOSE)}`],
    // RFC 9112 §3.2: 400 for the first. The bank (Node) still processes the next; the pooled relay closes.
    perClient: ['GET /after'],
    pooled: [],
  },
  {
    name: 'unmeetable-expectation-then-get',
    writes: (p) => [get(p('/expect'), 'Expect: foo\r\n') + get(p('/after'), CLOSE)],
    perClient: ['GET /after'],
    pooled: [],
  },
]

interface Observed {
  /** What the genuine server behind this connection processed, tag removed, sorted. */
  processed: string[]
  /** What the proxy recorded for the connection (per-client and pooled). */
  record: ConnectionRecord | null
  incidents: string[]
}

const genuine = new Map<Mode, GenuineServer>()
const proxies = new Map<Mode, InterceptingProxy>()
const incidents: ProxyIncident[] = []
const genuineIncidents: string[] = []
const observed = new Map<string, Observed>()

/** Writes `writes` as separate TLS records, reads until the server closes or falls quiet after answering; resolves with the local port. */
function runClient(port: number, ca: string, writes: string[]): Promise<number> {
  return new Promise((resolve) => {
    let quiet: NodeJS.Timeout | undefined
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'bank.lab', ca, ALPNProtocols: ['http/1.1'] }, () => {
      for (const data of writes) socket.write(data)
    })
    const armQuiet = (): void => {
      clearTimeout(quiet)
      quiet = setTimeout(() => socket.destroy(), QUIET_MS)
    }
    const limit = setTimeout(() => socket.destroy(), CLIENT_LIMIT_MS)
    let localPort = 0
    socket.once('connect', () => (localPort = socket.localPort ?? 0))
    socket.on('data', armQuiet)
    socket.on('error', () => {})
    socket.once('close', () => {
      clearTimeout(quiet)
      clearTimeout(limit)
      resolve(localPort)
    })
  })
}

const tagOf = (name: string): string => `c=${name}`
const tagged = (name: string) => (path: string): string => `${path}${path.includes('?') ? '&' : '?'}${tagOf(name)}`
const untag = (path: string, name: string): string => path.replace(new RegExp(`[?&]${tagOf(name)}$`), '')
const sorted = (lines: string[]): string[] => [...lines].sort()

/** The proxy's record as 'METHOD path [+creds]' lines: a request carries +creds when the victim's password was read from it. */
function recordedLines(record: ConnectionRecord, name: string): string[] {
  const passwords = record.plaintext.credentials.filter(
    (credential) => credential.field === 'password' && credential.value === VICTIM_CREDENTIALS.password,
  )
  return record.plaintext.requests.map((request) => {
    const index = passwords.findIndex((credential) => credential.path === request.path)
    if (index >= 0) passwords.splice(index, 1)
    return `${request.method} ${untag(request.path, name)}${index >= 0 ? ' +creds' : ''}`
  })
}

beforeAll(async () => {
  const chain = chainPem(pki.genuineLeaf, pki.trustedIntermediate)
  for (const mode of MODES) {
    const bank = await startGenuineServer({
      certificateChainPem: chain,
      privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
      onIncident: (incident) => genuineIncidents.push(`${mode} ${incident.type}: ${incident.message}`),
    })
    genuine.set(mode, bank)
    if (mode === 'direct') continue
    const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
    proxies.set(
      mode,
      await startInterceptingProxy({
        mode: 'terminate',
        upstream: { host: '127.0.0.1', port: bank.port, caPem: pki.trustedRoot.pem },
        upstreamConnections: mode,
        certificateFor: forged.certificateFor,
        onIncident: (incident) => incidents.push(incident),
      }),
    )
  }
  const runs = CASES.flatMap((framing) =>
    MODES.map(async (mode) => {
      const proxy = proxies.get(mode)
      const port = proxy?.port ?? genuine.get(mode)?.port ?? 0
      const ca = proxy === undefined ? pki.trustedRoot.pem : pki.interceptionCa.pem
      const localPort = await runClient(port, ca, framing.writes(tagged(framing.name)))
      return { framing, mode, localPort }
    }),
  )
  const done = await Promise.all(runs)
  for (const proxy of proxies.values()) await proxy.whenIdle(5_000)
  for (const { framing, mode, localPort } of done) {
    const tag = tagOf(framing.name)
    const processed = (genuine.get(mode)?.requests ?? [])
      .filter((request) => request.path.endsWith(tag))
      .map((request) => `${request.method} ${untag(request.path, framing.name)}${request.receivedCredentials ? ' +creds' : ''}`)
    const record = proxies.get(mode)?.records.find((r) => r.clientAddress === `127.0.0.1:${localPort}`) ?? null
    const raised = record === null ? [] : incidents.filter((incident) => incident.connectionId === record.id).map((incident) => incident.type)
    observed.set(`${framing.name} ${mode}`, { processed, record, incidents: raised })
  }
}, 60_000)

afterAll(async () => {
  console.info(genuineIncidents.join('\n'))
  for (const proxy of proxies.values()) await proxy.close()
  for (const bank of genuine.values()) await bank.close()
})

describe('the proxy records exactly the requests the genuine server processed', () => {
  for (const framing of CASES) {
    it(framing.name, () => {
      const direct = observed.get(`${framing.name} direct`)
      expect(sorted(direct?.processed ?? [])).toEqual(sorted(framing.perClient))
      for (const mode of ['per-client', 'pooled'] as const) {
        const seen = observed.get(`${framing.name} ${mode}`)
        const expected = mode === 'pooled' ? (framing.pooled ?? framing.perClient) : framing.perClient
        expect({ mode, processed: sorted(seen?.processed ?? []) }).toEqual({ mode, processed: sorted(expected) })
        const record = seen?.record
        expect(record, `${mode}: the proxy's record of the connection`).toBeDefined()
        if (record === null || record === undefined) continue
        const listed = recordedLines(record, framing.name)
        const notListed = record.plaintext.requestsNotListed ?? 0
        // Past the per-connection cap the proxy counts requests instead of listing them.
        expect({ mode, requests: listed.length + notListed }).toEqual({ mode, requests: expected.length })
        expect({ mode, recorded: sorted(listed) }).toEqual({ mode, recorded: sorted(seen?.processed.slice(0, listed.length) ?? []) })
        expect({ mode, incidents: seen?.incidents.filter((type) => type === 'client-vanished-mid-body') }).toEqual({ mode, incidents: [] })
      }
    })
  }
})
