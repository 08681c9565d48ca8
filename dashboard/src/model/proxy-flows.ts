import type { ConnectionDto, ResultDto } from '@contract'

export interface FormField {
  name: string
  value: string
  isCredential: boolean
}

type Flow = NonNullable<ConnectionDto['plaintext']['flows']>[number]
export type FlowBody = NonNullable<Flow['request']['body']>
export type FlowHeader = Flow['request']['headers'][number]

export interface Exchange {
  method: string
  url: string
  /** The response status, when the client recorded it (its own navigation log or its login response). */
  status: number | null
  /** The decoded form body the proxy read: the credential fields it recorded. */
  form: FormField[]
  responseHeaders: FlowHeader[]
  /** What the proxy itself read (its flow record): each message on its leg, headers and decoded body. Null for a record made before flows were kept. */
  read: {
    request: { leg: string; headers: FlowHeader[]; body: FlowBody | null }
    response: { leg: string; status: number; reason: string; headers: FlowHeader[]; body: FlowBody | null } | null
  } | null
}

export interface ConnectionFlows {
  connection: ConnectionDto
  /** The proxy could read this connection's application data. */
  readable: boolean
  modeLabel: string
  facts: string[]
  exchanges: Exchange[]
  /** Why nothing was read, when nothing was. */
  emptyReason: string | null
}

/** Fields that are secrets the moment an attacker reads them (the login form, the session). */
const SECRET_FIELDS = /pass|pwd|secret|token|authorization|otp|pin/i
const SECRET_HEADERS = new Set(['set-cookie', 'authorization', 'cookie'])

/**
 * One connection's flows, mitmweb style, from what the proxy recorded (request
 * lines, credentials, cookies) and what the client itself recorded about the
 * responses (its navigation log, its login response).
 */
export function connectionFlows(connection: ConnectionDto, result: ResultDto | null): ConnectionFlows {
  const isTls = connection.negotiated !== null
  const plaintextHttp = connection.mode === 'terminate' && !isTls && connection.plaintext.requests.length > 0
  const readable = connection.mode === 'terminate' && (isTls || plaintextHttp)
  const scheme = plaintextHttp ? 'http' : 'https'
  // Each connection of an http-first client carries one of its visits: match them in order, each used once.
  const visits = [...(result?.client?.navigation?.visits.flatMap((visit) => visit.requests) ?? [])]
  const connectionIndex = result?.connections.indexOf(connection) ?? -1
  const earlier = connectionIndex > 0 ? (result?.connections.slice(0, connectionIndex) ?? []) : []
  for (const previous of earlier) {
    for (const request of previous.plaintext.requests) {
      const used = visits.findIndex((v) => v.method === request.method && v.url.endsWith(request.path))
      if (used >= 0) visits.splice(used, 1)
    }
  }
  const login = result?.client?.http ?? null
  const flows = connection.plaintext.flows
  const exchanges = flows !== undefined && flows.length > 0 ? flows.map((flow) => exchangeOfFlow(flow, scheme, connection)) : connection.plaintext.requests.map((request): Exchange => {
    const url = `${scheme}://${request.host ?? connection.sni ?? 'bank.lab'}${request.path}`
    const visit = visits.find((v) => v.method === request.method && v.url === url)
    const form = connection.plaintext.credentials
      .filter((cred) => request.method === 'POST' && cred.path === request.path && cred.field !== 'authorization')
      .map((cred) => ({ name: cred.field, value: cred.value, isCredential: true }))
    const isLogin = request.method === 'POST' && form.length > 0 && login !== null && login.sentCredentials
    return {
      method: request.method,
      url,
      status: visit?.status ?? (isLogin ? login.status : null),
      form,
      responseHeaders: isLogin
        ? Object.entries(login.headers).map(([name, value]) => ({ name, value, isCredential: SECRET_HEADERS.has(name) || SECRET_FIELDS.test(name) }))
        : [],
      read: null,
    }
  })
  const facts: string[] = []
  if (connection.connectTarget !== undefined) facts.push(`CONNECT ${connection.connectTarget}`)
  if (connection.sni !== null) facts.push(`SNI ${connection.sni}`)
  if (connection.negotiated !== null) facts.push(`${connection.negotiated.version} ${connection.negotiated.cipher}`)
  facts.push(outcomeWords(connection))
  if (connection.clientAlert !== null) facts.push(`client alert ${connection.clientAlert}`)
  facts.push(`${connection.bytes.fromClient + connection.bytes.toClient} bytes`)
  return {
    connection,
    readable,
    modeLabel: connection.mode === 'passthrough' ? 'ciphertext only (tunnelled, not decrypted)' : plaintextHttp ? 'plain HTTP' : 'TLS terminated',
    facts,
    exchanges,
    emptyReason: emptyReason(connection, plaintextHttp),
  }
}

/** An exchange straight from the proxy's own flow record: what it read, not what the client said it got. */
function exchangeOfFlow(flow: Flow, scheme: string, connection: ConnectionDto): Exchange {
  const { request, response } = flow
  return {
    method: request.method,
    url: `${scheme}://${request.host ?? connection.sni ?? 'bank.lab'}${request.path}`,
    status: response?.status ?? null,
    form: (request.body?.kind === 'form' || request.body?.kind === 'json' ? (request.body.fields ?? []) : []).map((field) => ({ ...field })),
    responseHeaders: response?.headers ?? [],
    read: {
      request: { leg: request.leg, headers: request.headers, body: request.body },
      response: response === null ? null : { leg: response.leg, status: response.status, reason: response.reason, headers: response.headers, body: response.body },
    },
  }
}

/** How a body is described above its content: its type, its size, and what was left out. */
export function bodyCaption(body: FlowBody): string {
  const kind = body.kind === 'form' ? 'form fields' : body.kind === 'json' ? 'JSON' : body.kind === 'text' ? 'text' : 'binary, not shown'
  const cut = body.truncated ? `; only the first ${(body.text ?? '').length.toLocaleString('en-US')} shown (the proxy keeps 16 KiB)` : ''
  const encoded = body.undecodedEncoding === undefined ? '' : `; ${body.undecodedEncoding}-encoded, not decoded`
  return `${body.contentType || 'no Content-Type'} · ${kind} · ${body.size.toLocaleString('en-US')} bytes${cut}${encoded}`
}

function emptyReason(connection: ConnectionDto, plaintextHttp: boolean): string | null {
  if (connection.plaintext.requests.length > 0 || plaintextHttp) return null
  if (connection.mode === 'passthrough') {
    return `Only ciphertext: the connection was tunnelled, not decrypted. The proxy relayed ${connection.bytes.fromClient} bytes from the client and ${connection.bytes.toClient} to it, and could not read them.`
  }
  if (connection.negotiated === null) return 'The handshake never finished: the proxy read nothing.'
  return 'The proxy could decrypt, but the client hung up before sending anything: it read nothing.'
}

const OUTCOME_WORDS: Record<ConnectionDto['outcome'], string> = {
  open: 'still open',
  relayed: 'relayed',
  'client-rejected': 'the client refused the handshake',
  'client-closed-after-handshake': 'the client hung up after the handshake',
  'client-hung-up': 'the client hung up during the handshake',
  'handshake-failed': 'handshake failed',
  'upstream-failed': 'the genuine server was unreachable',
  passthrough: 'relayed as bytes',
  refused: 'refused by the proxy',
}

function outcomeWords(connection: ConnectionDto): string {
  return OUTCOME_WORDS[connection.outcome]
}
