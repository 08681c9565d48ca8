import { once } from 'node:events'
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { connect, createSecureContext, TLSSocket } from 'node:tls'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { issueCertificate, type IssuedCertificate } from '../../../../ca/index.js'
import { captureNodeHello } from './hello-bytes.js'
import { readClientHello, type ReadClientHelloParams, type ReadClientHelloResult } from '../../../../server/tls/client-hello/read-client-hello.js'

/** A raw TCP server that peeks the hello, then (optionally) hands the socket to TLS. */
async function startPeekingServer(
  onPeek: (socket: Socket, result: ReadClientHelloResult) => void,
  params: ReadClientHelloParams = { timeoutMs: 2000 },
): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    void readClientHello(socket, params).then((result) => onPeek(socket, result))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

const portOf = (server: Server): number => (server.address() as AddressInfo).port

describe('readClientHello', () => {
  let leaf: IssuedCertificate
  const servers: Server[] = []
  beforeAll(() => {
    leaf = issueCertificate({ subject: { CN: 'bank.lab' }, sans: [{ dns: 'bank.lab' }] })
  })
  afterEach(() => {
    for (const server of servers.splice(0)) server.close()
  })

  it('peeks the hello, and after unshift a TLSSocket completes the handshake and echoes data', async () => {
    const secureContext = createSecureContext({ cert: leaf.pem, key: leaf.key.privateKeyPem })
    const replies: string[] = []
    const peeked = new Promise<ReadClientHelloResult>((resolve) => {
      void startPeekingServer((socket, result) => {
        resolve(result)
        socket.unshift(result.bytes)
        const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] })
        tlsSocket.on('error', () => undefined)
        tlsSocket.on('data', (data: Buffer) => tlsSocket.end(`echo:${data.toString()}`))
      }).then((server) => {
        servers.push(server)
        const client = connect({ host: '127.0.0.1', port: portOf(server), servername: 'bank.lab', ca: leaf.pem, ALPNProtocols: ['http/1.1'] })
        client.on('secureConnect', () => client.write('ping'))
        let reply = ''
        client.on('data', (data: Buffer) => (reply += data.toString()))
        client.on('end', () => replies.push(reply))
      })
    })
    const result = await peeked
    expect(result.hello.ok && result.hello.hello.sni).toBe('bank.lab')
    expect(result.hello.ok && result.hello.consumedBytes).toBe(result.bytes.length)
    await vi.waitFor(() => expect(replies).toHaveLength(1), { timeout: 5000 })
    expect(replies).toEqual(['echo:ping'])
  })

  it('assembles a real hello trickled a few bytes per packet', async () => {
    const hello = await captureNodeHello()
    const result = await peekRaw(servers, (socket) => {
      socket.setNoDelay(true)
      let at = 0
      const timer = setInterval(() => {
        if (at >= hello.length) return clearInterval(timer)
        socket.write(hello.subarray(at, at + 37))
        at += 37
      }, 1)
    })
    expect(result.hello.ok && result.hello.hello.sni).toBe('bank.lab')
    expect(result.bytes.equals(hello)).toBe(true)
  })

  it('resolves TRUNCATED when the peer closes after half a hello', async () => {
    const result = await peekRaw(servers, (socket) => socket.end(Buffer.from([22, 3, 1, 0, 200, 1, 0])))
    expect(result.hello.ok ? 'OK' : result.hello.code).toBe('TRUNCATED')
    expect(result.bytes.length).toBe(7)
  })

  it('resolves TIMEOUT when the peer sends part of a hello and waits', async () => {
    const result = await peekRaw(servers, (socket) => socket.write(Buffer.from([22, 3, 1])), { timeoutMs: 150 })
    expect(result.hello.ok ? 'OK' : result.hello.code).toBe('TIMEOUT')
    expect([...result.bytes]).toEqual([22, 3, 1])
  })

  it('resolves TOO_LARGE once maxBytes are read without a whole hello', async () => {
    const header = [22, 3, 1, 0x40, 0x00]
    const result = await peekRaw(servers, (socket) => socket.write(Buffer.from([...header, ...new Array<number>(100).fill(1)])), { timeoutMs: 2000, maxBytes: 64 })
    expect(result.hello.ok ? 'OK' : result.hello.code).toBe('TOO_LARGE')
  })

  it('resolves NOT_TLS at once for plain HTTP, returning the bytes read', async () => {
    const result = await peekRaw(servers, (socket) => socket.write('GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n'))
    expect(result.hello.ok ? 'OK' : result.hello.code).toBe('NOT_TLS')
    expect(result.bytes.toString()).toContain('GET /')
  })
})

async function peekRaw(
  servers: Server[],
  send: (socket: Socket) => void,
  params: ReadClientHelloParams = { timeoutMs: 2000 },
): Promise<ReadClientHelloResult> {
  let resolveResult: (r: ReadClientHelloResult) => void = () => undefined
  const done = new Promise<ReadClientHelloResult>((resolve) => (resolveResult = resolve))
  const server = await startPeekingServer((socket, result) => {
    socket.destroy()
    resolveResult(result)
  }, params)
  servers.push(server)
  const client = netConnect({ host: '127.0.0.1', port: portOf(server) }, () => send(client))
  client.on('error', () => undefined)
  const result = await done
  client.destroy()
  return result
}
