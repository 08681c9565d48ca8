import { describe, expect, it } from 'vitest'
import { RecordSplitter, encodeRecord, splitRecords } from '../../../../server/tls/records/record-splitter.js'
import { MAX_RECORD_PAYLOAD } from '../../../../server/tls/records/record-types.js'
import { randomInt, seededRandom } from '../../../support/seeded-random.js'

const handshake = encodeRecord(22, 0x0301, Buffer.from('hello handshake'))
const appData = encodeRecord(23, 0x0303, Buffer.alloc(300, 7))
const stream = Buffer.concat([handshake, appData, encodeRecord(21, 0x0303, Buffer.from([1, 0]))])

describe('RecordSplitter', () => {
  it('frames every record of a stream pushed whole, with offsets', () => {
    const { records, error } = splitRecords(stream)
    expect(error).toBeUndefined()
    expect(records.map((r) => [r.type, r.version, r.payload.length, r.offset])).toEqual([
      [22, 0x0301, 15, 0],
      [23, 0x0303, 300, 20],
      [21, 0x0303, 2, 325],
    ])
    expect(Buffer.concat(records.map((r) => r.raw)).equals(stream)).toBe(true)
  })

  it('yields the same records when the stream arrives one byte at a time', () => {
    const splitter = new RecordSplitter()
    const records = [...stream].flatMap((byte) => splitter.push(Buffer.from([byte])).records)
    expect(records.map((r) => r.raw.toString('hex'))).toEqual(splitRecords(stream).records.map((r) => r.raw.toString('hex')))
    expect(splitter.end()).toBeUndefined()
  })

  it('reports TRUNCATED_RECORD when the stream ends inside a record', () => {
    const { records, error } = splitRecords(stream.subarray(0, 100))
    expect(records).toHaveLength(1)
    expect(error).toMatchObject({ code: 'TRUNCATED_RECORD', offset: 20 })
  })

  it('reports UNKNOWN_CONTENT_TYPE for a header that is not TLS (an HTTP request)', () => {
    expect(splitRecords(Buffer.from('GET / HTTP/1.1\r\n\r\n')).error).toMatchObject({ code: 'UNKNOWN_CONTENT_TYPE', offset: 0 })
  })

  it('reports BAD_RECORD_VERSION when the version major is not 3', () => {
    expect(splitRecords(Buffer.from([22, 2, 0, 0, 1, 0])).error?.code).toBe('BAD_RECORD_VERSION')
  })

  it('reports RECORD_OVERFLOW for a length above 2^14+256 before buffering it', () => {
    const header = Buffer.from([23, 3, 3, 0, 0])
    header.writeUInt16BE(MAX_RECORD_PAYLOAD + 1, 3)
    const splitter = new RecordSplitter()
    expect(splitter.push(header).error?.code).toBe('RECORD_OVERFLOW')
    expect(splitter.push(appData)).toEqual({ records: [], error: splitter.error })
  })

  it('accepts a record of exactly the maximum length', () => {
    const { records, error } = splitRecords(encodeRecord(23, 0x0303, Buffer.alloc(MAX_RECORD_PAYLOAD)))
    expect(error).toBeUndefined()
    expect(records[0]?.payload.length).toBe(MAX_RECORD_PAYLOAD)
  })

  it('never throws and keeps its buffer bounded on 2,000 random garbage streams (seed 12)', () => {
    const random = seededRandom(12)
    let errors = 0
    for (let i = 0; i < 2000; i++) {
      const splitter = new RecordSplitter()
      const garbage = Buffer.from(Array.from({ length: randomInt(random, 600) }, () => randomInt(random, 256)))
      if (random() < 0.5 && garbage.length > 0) garbage[0] = 20 + randomInt(random, 5)
      for (let at = 0; at < garbage.length; at += 1 + randomInt(random, 40)) {
        splitter.push(garbage.subarray(at, at + 40))
        expect(splitter.bufferedLength).toBeLessThanOrEqual(5 + MAX_RECORD_PAYLOAD + 40)
      }
      if (splitter.end()) errors++
    }
    expect(errors).toBeGreaterThan(1500)
  })
})
