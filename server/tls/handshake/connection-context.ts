import type { Keylog } from '../keylog/keylog-parse.js'
import { secretsFor } from '../keylog/keylog-parse.js'
import type { AeadSuite } from './cipher-suites.js'
import { aeadSuite, fixedIvLength, hashLength } from './cipher-suites.js'
import { hkdfExpandLabel, tls12KeyBlock, tls13TrafficKeys } from './key-schedule.js'
import { RecordProtection } from './record-protection.js'
import type { Direction, TranscriptError } from './transcript-types.js'

export type KeyEpoch = 'handshake' | 'application'

/** What one direction learns and the other needs: randoms, version, suite, secrets. */
export class ConnectionContext {
  clientRandom: Buffer | undefined
  clientMaxVersion = 0
  serverRandom: Buffer | undefined
  /** Wire value of the negotiated version, once a ServerHello was decoded. */
  version: number | undefined
  cipherSuite: number | undefined

  constructor(private readonly keylog: Keylog) {}

  get tls13(): boolean {
    return this.version === 0x0304
  }

  get suite(): AeadSuite | undefined {
    return this.cipherSuite === undefined ? undefined : aeadSuite(this.cipherSuite)
  }

  /** The traffic secret for a TLS 1.3 direction and epoch, from the key log (RFC 8446 §7.1). */
  tls13Secret(direction: Direction, epoch: KeyEpoch): Buffer | undefined {
    const secrets = this.clientRandom ? secretsFor(this.keylog, this.clientRandom) : undefined
    const side = direction === 'clientToServer' ? 'CLIENT' : 'SERVER'
    return epoch === 'handshake' ? secrets?.[`${side}_HANDSHAKE_TRAFFIC_SECRET`] : secrets?.[`${side}_TRAFFIC_SECRET_0`]
  }

  masterSecret(): Buffer | undefined {
    return this.clientRandom ? secretsFor(this.keylog, this.clientRandom)?.CLIENT_RANDOM : undefined
  }

  /** Record protection for a direction, or the reason there is none. */
  protection(direction: Direction, epoch: KeyEpoch, secret?: Buffer): RecordProtection | TranscriptError {
    const suite = this.suite
    if (!suite) {
      return { direction, code: 'UNSUPPORTED_CIPHER_SUITE', message: `cannot decrypt cipher suite ${this.cipherSuite ?? 'none'}` }
    }
    if (this.tls13) {
      const trafficSecret = secret ?? this.tls13Secret(direction, epoch)
      if (!trafficSecret) return { direction, code: 'NO_KEYS', message: `no ${epoch} traffic secret in the key log` }
      const { key, iv } = tls13TrafficKeys(suite.hash, trafficSecret, suite.keyLength)
      return new RecordProtection({ suite, key, iv }, true)
    }
    const master = this.masterSecret()
    if (!master || !this.clientRandom || !this.serverRandom) {
      return { direction, code: 'NO_KEYS', message: 'no CLIENT_RANDOM master secret in the key log' }
    }
    const block = tls12KeyBlock(suite.hash, master, this.clientRandom, this.serverRandom, suite.keyLength, fixedIvLength(suite))
    const client = direction === 'clientToServer'
    return new RecordProtection({ suite, key: client ? block.clientKey : block.serverKey, iv: client ? block.clientIv : block.serverIv }, false)
  }

  /** KeyUpdate: application_traffic_secret_N+1 (RFC 8446 §7.2). */
  nextSecret(secret: Buffer): Buffer | undefined {
    const suite = this.suite
    return suite ? hkdfExpandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), hashLength(suite.hash)) : undefined
  }
}
