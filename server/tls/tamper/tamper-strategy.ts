import type { TlsRecord } from '../records/record-types.js'
import type { Direction } from '../handshake/transcript-types.js'
import type { ClientHelloEdit } from './client-hello-edit.js'

/** Where a record sits in its direction, as a relay without keys can tell. */
export interface RecordContext {
  direction: Direction
  /** Index of the record in its direction, from 0. */
  index: number
  /** Index among application-data records of this direction; undefined during the handshake. */
  applicationIndex: number | undefined
}

export interface RelayDecision {
  /** Whole records (headers included) to send on, in order. */
  forward: Buffer[]
  /** End both legs after forwarding: a truncation, with no close_notify. */
  closeBoth?: boolean
  /** What the strategy did, for the connection log. */
  note?: string
}

/** One connection's tampering state machine. Created fresh for every relayed connection. */
export interface TamperStrategy {
  onRecord(record: TlsRecord, context: RecordContext): RelayDecision
  /** The direction's source ended: release anything held back. */
  flush(direction: Direction): Buffer[]
}

/** What a scenario asks the relay to do, as data (so it can be stored and shown). */
export type TamperSpec =
  | { kind: 'faithful' }
  | { kind: 'edit-client-hello'; edits: readonly ClientHelloEdit[] }
  | { kind: 'flip-bit'; direction: Direction; applicationIndex?: number }
  | { kind: 'inject'; direction: Direction; applicationIndex?: number }
  | { kind: 'reorder'; direction: Direction; applicationIndex?: number }
  | { kind: 'truncate'; direction: Direction; afterApplicationRecords?: number }
  | { kind: 'early-ccs' }
  | { kind: 'heartbeat-request' }

export const pass = (record: TlsRecord): RelayDecision => ({ forward: [record.raw] })
