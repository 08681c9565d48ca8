import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startExplicitProxyEntry } from '../../../server/drivers/explicit-proxy-entry.js'
import type { ConnectTunnel } from '../../../server/drivers/connect-tunnel.js'

/** A stand-in explicit proxy: records what arrives, answers CONNECT with `answer`, then echoes. */
async function fakeProxy(answer: string): Promise<{ server: Server; port: number; received: () => Buffer }> {
  let received = Buffer.alloc(0)
  const server = createServer((socket) => {
    let answered = false
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (!answered && received.includes('\r\n\r\n')) {
        answered = true
        socket.write(answer)
        if (!answer.startsWith('HTTP/1.1 200')) socket.end()
        const after = received.subarray(received.indexOf('\r\n\r\n') + 4)
        if (after.length > 0) socket.write(after)
      } else if (answered) socket.write(chunk)
    })
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { server, port: (server.address() as AddressInfo).port, received: () => received }
}

/** Connects, writes `bytes`, and collects what comes back until the entry closes or `want` bytes arrived. */
function exchange(entry: ConnectTunnel, bytes: Buffer, want: number): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((done) => {
    const socket: Socket = connect(entry.port, entry.host, () => socket.write(bytes))
    let reply = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk])
      if (reply.length >= want) {
        socket.destroy()
        done({ reply, closed: false })
      }
    })
    socket.on('close', () => done({ reply, closed: true }))
    socket.on('error', () => undefined)
  })
}

const CLIENT_HELLO_START = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03])

describe('the entry to an explicit proxy for real clients', () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })

  async function entryTo(answer: string): Promise<{ entry: ConnectTunnel; proxy: Awaited<ReturnType<typeof fakeProxy>> }> {
    const proxy = await fakeProxy(answer)
    const entry = await startExplicitProxyEntry({ host: '127.0.0.1', port: proxy.port }, 'bank.lab')
    closers.push(() => entry.close(), () => new Promise<void>((done) => proxy.server.close(() => done())))
    return { entry, proxy }
  }

  it('sends CONNECT bank.lab:443 for a client that starts with a ClientHello, then relays its bytes unchanged', async () => {
    const { entry, proxy } = await entryTo('HTTP/1.1 200 Connection Established\r\n\r\n')
    const { reply } = await exchange(entry, CLIENT_HELLO_START, CLIENT_HELLO_START.length)
    expect(reply).toEqual(CLIENT_HELLO_START)
    expect(proxy.received().toString('latin1')).toBe(`CONNECT bank.lab:443 HTTP/1.1\r\nHost: bank.lab:443\r\n\r\n${CLIENT_HELLO_START.toString('latin1')}`)
  })

  it("passes a client's own CONNECT to the proxy verbatim, so the proxy answers that client", async () => {
    const { entry, proxy } = await entryTo('HTTP/1.1 200 Connection Established\r\n\r\n')
    const own = 'CONNECT bank.lab:443 HTTP/1.1\r\nHost: bank.lab:443\r\nUser-Agent: curl/7.88.1\r\n\r\n'
    const answer = 'HTTP/1.1 200 Connection Established\r\n\r\n'
    const { reply } = await exchange(entry, Buffer.from(own, 'latin1'), answer.length)
    expect(reply.toString('latin1')).toBe(answer)
    expect(proxy.received().toString('latin1')).toBe(own)
  })

  it('closes the connection without relaying anything when the proxy refuses the CONNECT (407)', async () => {
    const { entry } = await entryTo('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n')
    const { reply, closed } = await exchange(entry, CLIENT_HELLO_START, 1)
    expect(closed).toBe(true)
    expect(reply.length).toBe(0)
  })
})
