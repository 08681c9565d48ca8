import { createSocket } from 'node:dgram'
import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLabError } from '../../../server/errors.js'
import { answerQuery, startDnsResponder, type DnsResponder } from '../../../server/open/dns-responder.js'
import { checkOpenLabExposure, startOpenLab, type OpenLab } from '../../../server/open/open-lab.js'
import { testPki } from '../../support/lab-pki.js'
import { openScenarios } from './open-scenarios.js'

const SCENARIOS = ['direct-connection', 'self-signed-leaf', 'wrong-host', 'installed-interception-ca']

let lab: OpenLab
let dns: DnsResponder

beforeAll(async () => {
  lab = await startOpenLab({
    pki: testPki(),
    scenarios: openScenarios(SCENARIOS),
    store: null,
  })
  dns = await startDnsResponder({ host: '127.0.0.1', port: 0, answer: '127.0.0.1', isServed: (name) => lab.isServedName(name) })
}, 60_000)

afterAll(async () => {
  await dns.close()
  await lab.close()
})

/** Sends raw bytes to the entry port and collects everything until the lab closes the connection. */
function exchange(bytes: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp(lab.entry.port, '127.0.0.1', () => socket.write(bytes))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks)))
    socket.on('error', reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error('the lab did not close the connection')))
  })
}

/** A TLS handshake through the SNI port; what the lab presented, or how it refused. */
function tlsThroughSniPort(servername: string): Promise<{ certificateSubjects: string[]; error: string | null }> {
  return new Promise((resolve) => {
    const socket = connectTls({ host: '127.0.0.1', port: lab.entry.port, servername, rejectUnauthorized: false })
    socket.once('secureConnect', () => {
      const leaf = socket.getPeerCertificate()
      const subjects = typeof leaf.subject?.CN === 'string' ? [leaf.subject.CN] : []
      socket.destroy()
      resolve({ certificateSubjects: subjects, error: null })
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ certificateSubjects: [], error: error.code ?? error.message }))
  })
}

describe('the open lab never forges for a name outside the lab', () => {
  it('refuses CONNECT to a real site with 403 and no tunnel', async () => {
    const reply = (await exchange('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')).toString('latin1')
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden')
    expect(reply).toContain('example.com is not a lab name')
  })

  it('refuses look-alikes of the lab domain', async () => {
    for (const target of ['bank.lab.example.com:443', 'evil-bank.lab:443', 'a.expired-leaf.bank.lab:443']) {
      const reply = (await exchange(`CONNECT ${target} HTTP/1.1\r\n\r\n`)).toString('latin1')
      expect(reply.split('\r\n')[0], target).toBe('HTTP/1.1 403 Forbidden')
    }
  })

  it('refuses a plain-HTTP proxy request for a real site with 403', async () => {
    const reply = (await exchange('GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n')).toString('latin1')
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden')
  })

  it('answers an unknown SNI with an unrecognized_name alert and no certificate', async () => {
    const outcome = await tlsThroughSniPort('example.com')
    expect(outcome.certificateSubjects).toEqual([])
    expect(outcome.error).toBe('ERR_SSL_TLSV1_UNRECOGNIZED_NAME')
  })

  it('closes a CONNECT tunnel for a lab name whose ClientHello names a real site, before any certificate', async () => {
    const hello = await new Promise<{ error: string | null; presented: boolean }>((resolve) => {
      const raw = connectTcp(lab.entry.port, '127.0.0.1', () => raw.write('CONNECT self-signed-leaf.bank.lab:443 HTTP/1.1\r\n\r\n'))
      raw.once('data', (head: Buffer) => {
        expect(head.toString('latin1')).toContain('200 Connection Established')
        const tls = connectTls({ socket: raw, servername: 'example.com', rejectUnauthorized: false })
        tls.once('secureConnect', () => {
          tls.destroy()
          resolve({ error: null, presented: true })
        })
        tls.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, presented: false }))
      })
    })
    expect(hello).toEqual({ error: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME', presented: false })
  })

  it('forges for a served scenario name, for that name only', async () => {
    const forged = await tlsThroughSniPort('self-signed-leaf.bank.lab')
    expect(forged.error).toBeNull()
    expect(forged.certificateSubjects[0]).toBe('self-signed-leaf.bank.lab')
  })

  it('serves a PAC file that sends only lab names to the proxy', async () => {
    const reply = (await exchange('GET /proxy.pac HTTP/1.1\r\nHost: x\r\n\r\n')).toString('latin1')
    expect(reply).toContain('Content-Type: application/x-ns-proxy-autoconfig')
    expect(reply).toContain(`if (host === "bank.lab" || dnsDomainIs(host, ".bank.lab")) return "PROXY 127.0.0.1:${lab.entry.port}";`)
    expect(reply).toContain('return "DIRECT";')
  })

  it('answers the self-test endpoints only for bank.lab (421 for any other Host)', async () => {
    const body = await new Promise<{ status: number | undefined }>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: lab.entry.port, servername: 'bank.lab', rejectUnauthorized: false }, () => {
        socket.write('GET /selftest HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
      })
      const chunks: Buffer[] = []
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1]) }))
      socket.on('error', reject)
    })
    expect(body.status).toBe(421)
  })
})

/** The fourth header byte: RA and RCODE (RFC 1035 §4.1.1). */
function rcodeByte(reply: Buffer): number {
  return reply.readUInt8(3)
}

describe('the DNS responder answers lab names only', () => {
  /** A standard query for `name` (RFC 1035 §4.1), type A, recursion desired. */
  function query(name: string, id = 0x1234): Buffer {
    const labels = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]))
    return Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])])
  }

  function ask(name: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4')
      socket.once('message', (message: Buffer) => {
        socket.close()
        resolve(message)
      })
      socket.once('error', reject)
      socket.send(query(name), dns.port, '127.0.0.1')
    })
  }

  it('refuses a real name (REFUSED, no answer, no recursion offered)', async () => {
    const reply = await ask('example.com')
    expect(reply.readUInt16BE(0)).toBe(0x1234)
    expect(rcodeByte(reply) & 0x0f).toBe(5)
    expect(rcodeByte(reply) & 0x80).toBe(0) // RA clear
    expect(reply.readUInt16BE(6)).toBe(0) // ANCOUNT
  })

  it('answers a served scenario name with the lab address', async () => {
    const reply = await ask('self-signed-leaf.bank.lab')
    expect(rcodeByte(reply) & 0x0f).toBe(0)
    expect(reply.readUInt16BE(6)).toBe(1)
    expect([...reply.subarray(reply.length - 4)]).toEqual([127, 0, 0, 1])
  })

  it('refuses a lab-shaped name the lab does not serve', async () => {
    const reply = await ask('expired-leaf.bank.lab')
    expect(rcodeByte(reply) & 0x0f).toBe(5)
  })

  it('answers an AAAA question for a lab name with no record (NODATA), authoritative, RD echoed', () => {
    const aaaa = Buffer.from(query('self-signed-leaf.bank.lab'))
    aaaa.writeUInt16BE(28, aaaa.length - 4) // QTYPE AAAA (RFC 3596 §2.1)
    const reply = answerQuery(aaaa, { answer: '127.0.0.1', isServed: () => true })
    expect(reply?.rcode).toBe(0)
    expect(reply?.bytes.readUInt16BE(6)).toBe(0) // ANCOUNT
    expect(reply?.bytes.readUInt16BE(4)).toBe(1) // the question echoed
    expect((reply?.bytes[2] ?? 0) & 0x85).toBe(0x85) // QR, AA, RD
  })

  it('answers NOTIMP to anything but a standard query (here an inverse query, opcode 1)', () => {
    const inverse = Buffer.from(query('bank.lab'))
    inverse.writeUInt8(0x08 | 0x01, 2)
    expect(answerQuery(inverse, { answer: '127.0.0.1', isServed: () => true })?.rcode).toBe(4)
  })

  it('answers FORMERR to a query with no question, and nothing to a response', () => {
    const empty = Buffer.from([0, 1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(answerQuery(empty, { answer: '127.0.0.1', isServed: () => true })?.rcode).toBe(1)
    const response = Buffer.from([0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    expect(answerQuery(response, { answer: '127.0.0.1', isServed: () => true })).toBeNull()
  })
})

describe('listening beyond loopback', () => {
  it('requires --token', () => {
    const refusal = (() => {
      try {
        checkOpenLabExposure('0.0.0.0', undefined)
        return null
      } catch (error) {
        return isLabError(error) ? { code: error.code, message: error.message } : null
      }
    })()
    expect(refusal?.code).toBe('CONFIG_INVALID')
    expect(refusal?.message).toContain('pass --token')
  })

  it('refuses a short token, and needs none on loopback', () => {
    expect(() => checkOpenLabExposure('192.168.1.20', 'short')).toThrow('at least 16 characters')
    expect(() => checkOpenLabExposure('127.0.0.1', undefined)).not.toThrow()
    expect(() => checkOpenLabExposure('192.168.1.20', 'a-token-of-16-chars+')).not.toThrow()
  })

  it('refuses before staging anything', async () => {
    await expect(startOpenLab({ pki: testPki(), scenarios: [], host: '0.0.0.0', store: null })).rejects.toThrow('pass --token')
  })
})
