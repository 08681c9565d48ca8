import { beforeAll, describe, expect, it } from 'vitest'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { aeadSuite } from '../../../../server/tls/handshake/cipher-suites.js'
import { tls13TrafficKeys } from '../../../../server/tls/handshake/key-schedule.js'
import { RecordProtection } from '../../../../server/tls/handshake/record-protection.js'
import { encodeRecord, splitRecords } from '../../../../server/tls/records/record-splitter.js'
import { secretsFor } from '../../../../server/tls/keylog/keylog-parse.js'
import { parseKeylog } from '../../../../server/tls/keylog/keylog-parse.js'
import type { Keylog } from '../../../../server/tls/keylog/keylog-parse.js'
import { makeTestPki } from '../support/test-pki.js'
import { randomInt, seededRandom } from '../../../support/seeded-random.js'
import { runExchange } from '../support/tls-exchange.js'

interface Capture {
  clientToServer: Buffer
  serverToClient: Buffer
  keylog: Keylog
}

/** One random edit of the kinds a broken or hostile peer produces. */
function mutate(bytes: Buffer, random: () => number): Buffer {
  const out = Buffer.from(bytes)
  const at = randomInt(random, Math.max(1, out.length))
  switch (randomInt(random, 6)) {
    case 0: // flip bits
      for (let i = 0; i < 1 + randomInt(random, 4); i++) {
        const p = randomInt(random, out.length)
        out[p] = (out[p] ?? 0) ^ (1 << randomInt(random, 8))
      }
      return out
    case 1: // truncate
      return out.subarray(0, at)
    case 2: // insert garbage
      return Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + randomInt(random, 32) }, () => randomInt(random, 256))), out.subarray(at)])
    case 3: // overwrite a length-sized field with an extreme value
      if (at + 1 < out.length) out.writeUInt16BE(random() < 0.5 ? 0xffff : randomInt(random, 0x10000), at)
      return out
    case 4: // duplicate a slice (repeated records / messages)
      return Buffer.concat([out.subarray(0, at), out.subarray(at, at + randomInt(random, 400)), out.subarray(at)])
    default: // delete a slice
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + randomInt(random, 64))])
  }
}

const ITERATIONS = 5000

describe('decodeConnection bounded fuzz', () => {
  const captures: Capture[] = []

  beforeAll(async () => {
    const pki = makeTestPki()
    for (const client of [{}, { maxVersion: 'TLSv1.2' as const }]) {
      const out = await runExchange({ pki, client })
      captures.push({ ...out.connection.clientLeg(), keylog: parseKeylog(out.keylog) })
    }
  })

  it(`never throws on ${ITERATIONS} mutated TLS 1.3 and TLS 1.2 captures (seed 20261124) and records errors instead`, () => {
    const random = seededRandom(20261124)
    let withErrors = 0
    let maxMessages = 0
    for (let i = 0; i < ITERATIONS; i++) {
      const base = captures[i % captures.length]
      if (!base) throw new Error('no capture')
      const mutateClient = random() < 0.3
      const capture = {
        clientToServer: mutateClient ? mutate(base.clientToServer, random) : base.clientToServer,
        serverToClient: mutateClient && random() < 0.5 ? base.serverToClient : mutate(base.serverToClient, random),
        keylog: base.keylog,
      }
      const transcript = decodeConnection(capture)
      if (transcript.errors.length > 0) withErrors++
      maxMessages = Math.max(maxMessages, transcript.messages.length)
    }
    // Most mutations must be noticed (framing, AEAD or parse errors); the rest decode normally.
    expect(withErrors).toBeGreaterThan(ITERATIONS * 0.8)
    expect(maxMessages).toBeLessThanOrEqual(1024)
    console.info(`decode fuzz: ${ITERATIONS} captures, ${withErrors} with recorded errors, max ${maxMessages} messages`)
  })

  it('never throws on 2,000 plaintext records of random handshake messages of every type (seed 7)', () => {
    const random = seededRandom(7)
    let malformed = 0
    for (let i = 0; i < 2000; i++) {
      const messages = Array.from({ length: 1 + randomInt(random, 4) }, () => {
        const body = Buffer.from(Array.from({ length: randomInt(random, 120) }, () => (random() < 0.3 ? 0 : randomInt(random, 256))))
        const declared = random() < 0.8 ? body.length : randomInt(random, 0x1000000)
        return Buffer.concat([Buffer.from([randomInt(random, 25), declared >> 16, (declared >> 8) & 0xff, declared & 0xff]), body])
      })
      const stream = (payload: Buffer): Buffer => encodeRecord(22, 0x0303, payload.subarray(0, 0x4000))
      const transcript = decodeConnection({
        clientToServer: stream(Buffer.concat(messages.slice(0, 2))),
        serverToClient: stream(Buffer.concat(messages.slice(2))),
        keylog: '',
      })
      if (transcript.errors.some((e) => e.code === 'MALFORMED_MESSAGE' || e.code === 'HANDSHAKE_MESSAGE_TOO_LARGE')) malformed++
    }
    expect(malformed).toBeGreaterThan(1000)
    console.info(`handshake-message fuzz: 2000 streams, ${malformed} with malformed messages recorded`)
  })

  it('never throws when the protected TLS 1.3 server messages decrypt to garbage: 1,000 re-sealed mutations (seed 5)', () => {
    const base = captures[0]
    if (!base) throw new Error('no TLS 1.3 capture')
    const records = splitRecords(base.serverToClient).records
    const clientRandom = splitRecords(base.clientToServer).records[0]?.payload.subarray(6, 38)
    const secret = clientRandom ? secretsFor(base.keylog, clientRandom)?.SERVER_HANDSHAKE_TRAFFIC_SECRET : undefined
    const suite = aeadSuite(0x1302) // the suite Node negotiates by default, asserted in decode-connection.test.ts
    if (!secret || !suite) throw new Error('no handshake secret for the capture')
    const fresh = (): RecordProtection => new RecordProtection({ suite, ...tls13TrafficKeys(suite.hash, secret, suite.keyLength) }, true)
    // Open the server's protected handshake records (EncryptedExtensions .. Finished) once.
    const opener = fresh()
    const firstProtected = records.findIndex((r) => r.type === 23)
    const plain: Buffer[] = []
    for (let i = firstProtected; i < records.length; i++) {
      const record = records[i]
      const opened = record ? opener.open(record.type, record.version, record.payload) : undefined
      if (!opened) break
      plain.push(opened.content)
      if (opened.content[0] === 20) break // Finished ends the handshake epoch
    }
    expect(plain.length).toBeGreaterThanOrEqual(1)
    const random = seededRandom(5)
    let malformed = 0
    for (let i = 0; i < 1000; i++) {
      const target = randomInt(random, plain.length)
      const sealer = fresh()
      const resealed = plain.map((content, index) => sealer.seal(22, 0x0303, index === target ? mutate(content, random) : content))
      const stream = Buffer.concat([...records.slice(0, firstProtected).map((r) => r.raw), ...resealed, ...records.slice(firstProtected + plain.length).map((r) => r.raw)])
      const transcript = decodeConnection({ clientToServer: base.clientToServer, serverToClient: stream, keylog: base.keylog })
      if (transcript.errors.length > 0) malformed++
    }
    expect(malformed).toBeGreaterThan(500)
    console.info(`encrypted-message fuzz: 1000 re-sealed server flights, ${malformed} with recorded errors`)
  })
})
