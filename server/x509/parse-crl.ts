import { AsnConvert } from '@peculiar/asn1-schema'
import { CertificateList } from '@peculiar/asn1-x509'
import { readChildren, readSingle, toHex } from './der-reader.js'
import { parseAlgorithmIdentifier } from './parse-algorithm.js'
import type { AlgorithmIdentifier, ParseResult } from './types.js'

/** A parsed CRL (RFC 5280 §5): what revocation checking needs. */
export interface ParsedCrl {
  der: Uint8Array
  tbsDer: Uint8Array
  /** The issuer Name DER, compared byte for byte with certificate issuers. */
  issuerDer: Uint8Array
  signatureAlgorithm: AlgorithmIdentifier
  signature: Uint8Array
  thisUpdate: Date
  nextUpdate: Date | null
  /** Revoked serials as hex of the INTEGER contents. */
  revokedSerials: Set<string>
  extensions: { oid: string; critical: boolean }[]
}

const CRL_NUMBER = '2.5.29.20'
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35'

/** Parses a DER CRL with @peculiar/asn1-x509; malformed input is a value, never an exception. */
export function parseCrl(der: Uint8Array): ParseResult<ParsedCrl> {
  let list: CertificateList
  try {
    list = AsnConvert.parse(der, CertificateList)
  } catch (cause) {
    return { ok: false, reason: `malformed CRL: ${cause instanceof Error ? cause.message : String(cause)}` }
  }
  // The exact TBS and issuer bytes come from the DER itself: the signature covers them as encoded.
  const outer = readSingle(der)
  const [tbs, algorithmTlv] = outer === null ? [] : (readChildren(outer.value) ?? [])
  const fields = tbs === undefined ? null : readChildren(tbs.value)
  const issuerTlv = fields?.find((field, index) => field.identifier === 0x30 && index > 0 && fields[index - 1]?.identifier === 0x30)
  const signatureAlgorithm = algorithmTlv === undefined ? null : parseAlgorithmIdentifier(algorithmTlv)
  if (tbs === undefined || issuerTlv === undefined || signatureAlgorithm === null) return { ok: false, reason: 'malformed CRL structure' }
  const { tbsCertList } = list
  return {
    ok: true,
    value: {
      der,
      tbsDer: tbs.raw,
      issuerDer: issuerTlv.raw,
      signatureAlgorithm,
      signature: new Uint8Array(list.signature),
      thisUpdate: tbsCertList.thisUpdate.getTime(),
      nextUpdate: tbsCertList.nextUpdate?.getTime() ?? null,
      revokedSerials: new Set((tbsCertList.revokedCertificates ?? []).map((r) => toHex(new Uint8Array(r.userCertificate)))),
      extensions: (tbsCertList.crlExtensions ?? []).map((e) => ({ oid: e.extnID, critical: e.critical })),
    },
  }
}

/** RFC 5280 §5.2: extensions a conforming CRL may carry that we understand. */
export const KNOWN_CRL_EXTENSIONS = new Set([CRL_NUMBER, AUTHORITY_KEY_IDENTIFIER])
export const CRL_NUMBER_OID = CRL_NUMBER
