import { parseClientHello, type ClientHello } from '../../../server/tls/client-hello/parse-client-hello.js'
import { extension, helloMessage, records, u16, vec } from '../tls/client-hello/hello-bytes.js'

/** Test support: the ClientHello fields a fingerprint vector states, everything else defaulted. */
export interface HelloSpec {
  ciphers: number[]
  /** Extension types in wire order; the data for the decoded ones comes from the fields below. */
  extensions: number[]
  sni?: string
  alpn?: string[]
  groups?: number[]
  sigAlgs?: number[]
  pointFormats?: number[]
  versions?: number[]
  /** key_share groups, each with a dummy 32-byte key. Default: [x25519]. */
  keyShares?: number[]
  legacyVersion?: number
}

function extensionData(type: number, spec: HelloSpec): number[] {
  const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')]
  switch (type) {
    case 0x0000:
      return vec(2, [0, ...vec(2, ascii(spec.sni ?? 'example.com'))])
    case 0x0010:
      return vec(2, (spec.alpn ?? ['h2', 'http/1.1']).flatMap((p) => vec(1, ascii(p))))
    case 0x000a:
      return vec(2, (spec.groups ?? [0x001d]).flatMap(u16))
    case 0x000b:
      return vec(1, spec.pointFormats ?? [0])
    case 0x000d:
      return vec(2, (spec.sigAlgs ?? [0x0403]).flatMap(u16))
    case 0x002b:
      return vec(1, (spec.versions ?? [0x0304, 0x0303]).flatMap(u16))
    case 0x0033:
      return vec(2, (spec.keyShares ?? [0x001d]).flatMap((group) => [...u16(group), ...vec(2, new Array<number>(32).fill(9))]))
    case 0x002d:
      return vec(1, [1])
    case 0xff01:
      return vec(1, [])
    default:
      return []
  }
}

/** Encodes the spec as TLS records and parses it back, so vectors run through the real parser. */
export function buildHello(spec: HelloSpec): ClientHello {
  const message = helloMessage({
    ciphers: spec.ciphers,
    extensions: spec.extensions.map((type) => extension(type, extensionData(type, spec))),
  })
  if (spec.legacyVersion !== undefined) message.splice(4, 2, ...u16(spec.legacyVersion))
  const parsed = parseClientHello(records(message))
  if (!parsed.ok) throw new Error(`test hello did not parse: ${parsed.code} ${parsed.message}`)
  return parsed.hello
}

/** '1301,1302' -> [0x1301, 0x1302] */
export function hexList(text: string): number[] {
  return text.split(',').map((h) => Number.parseInt(h, 16))
}

/** '4865-4866' -> [4865, 4866] */
export function decList(text: string): number[] {
  return text.split('-').map(Number)
}
