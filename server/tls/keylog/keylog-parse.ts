/**
 * NSS key log format (SSLKEYLOGFILE), as Node's `keylog` event emits it: one
 * line per secret, `<LABEL> <client_random hex> <secret hex>`.
 * https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/
 */
export const KEYLOG_LABELS = [
  'CLIENT_RANDOM',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EXPORTER_SECRET',
  'EARLY_EXPORTER_SECRET',
  'CLIENT_EARLY_TRAFFIC_SECRET',
] as const

export type KeylogLabel = (typeof KEYLOG_LABELS)[number]

/** The secrets of one connection, keyed by label. CLIENT_RANDOM is TLS 1.2's master secret. */
export type ConnectionSecrets = Partial<Record<KeylogLabel, Buffer>>

export interface KeylogLineError {
  line: number
  message: string
}

export interface Keylog {
  /** Client random (lower-case hex) → secrets of that connection. */
  byClientRandom: Map<string, ConnectionSecrets>
  errors: KeylogLineError[]
}

const HEX = /^[0-9a-fA-F]+$/
/** A key log of a few connections is a few KB; refuse to index megabytes of junk. */
const MAX_LINES = 10_000

function isLabel(value: string): value is KeylogLabel {
  return (KEYLOG_LABELS as readonly string[]).includes(value)
}

/** Parses key log text (or the Buffers of `keylog` events). Never throws: bad lines become errors. */
export function parseKeylog(input: string | readonly Uint8Array[]): Keylog {
  const text = typeof input === 'string' ? input : input.map((b) => Buffer.from(b).toString('latin1')).join('')
  const byClientRandom = new Map<string, ConnectionSecrets>()
  const errors: KeylogLineError[] = []
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length && index < MAX_LINES; index++) {
    const line = (lines[index] ?? '').trim()
    if (line === '' || line.startsWith('#')) continue
    const [label, random, secret, extra] = line.split(/\s+/)
    const lineNo = index + 1
    if (label === undefined || random === undefined || secret === undefined || extra !== undefined) {
      errors.push({ line: lineNo, message: 'expected three fields: label, client random, secret' })
      continue
    }
    if (!isLabel(label)) {
      errors.push({ line: lineNo, message: `unknown label ${label.slice(0, 40)}` })
      continue
    }
    // The client random is 32 bytes (RFC 8446 §4.1.2); secrets are 32–64 bytes.
    if (random.length !== 64 || !HEX.test(random)) {
      errors.push({ line: lineNo, message: 'client random is not 32 bytes of hex' })
      continue
    }
    if (secret.length % 2 !== 0 || secret.length < 32 || secret.length > 128 || !HEX.test(secret)) {
      errors.push({ line: lineNo, message: 'secret is not 16–64 bytes of hex' })
      continue
    }
    const key = random.toLowerCase()
    const entry = byClientRandom.get(key) ?? {}
    entry[label] = Buffer.from(secret, 'hex')
    byClientRandom.set(key, entry)
  }
  if (lines.length > MAX_LINES) errors.push({ line: MAX_LINES + 1, message: `key log truncated at ${MAX_LINES} lines` })
  return { byClientRandom, errors }
}

/** The secrets for one client random, or undefined. */
export function secretsFor(keylog: Keylog, clientRandom: Uint8Array): ConnectionSecrets | undefined {
  return keylog.byClientRandom.get(Buffer.from(clientRandom).toString('hex'))
}
