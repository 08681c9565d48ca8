import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { LookupFunction } from 'node:net'
import { checkServerIdentity, type PeerCertificate } from 'node:tls'
import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, loginForm, rejectedOutcome, type ErrorTable } from './error-table.js'
import { OPENSSL_VERIFY_ROWS } from './openssl-verify-errors.js'
import { targetIsIp } from './target-url.js'

/**
 * Node's error codes for a refused peer (the X509_V_ERR_* names without the
 * prefix, as node's crypto layer reports them, plus its own hostname check,
 * tls.checkServerIdentity → ERR_TLS_CERT_ALTNAME_INVALID).
 */
export const NODE_ERROR_TABLE: ErrorTable = [
  {
    pattern:
      /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_UNTRUSTED|CERT_REJECTED)\b/,
    step: 'TRUST',
  },
  {
    pattern:
      /^(CERT_SIGNATURE_FAILURE|UNABLE_TO_DECRYPT_CERT_SIGNATURE|UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)\b/,
    step: 'SIG',
  },
  {
    pattern: /^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERROR_IN_CERT_NOT_(BEFORE|AFTER)_FIELD)\b/,
    step: 'DATES',
  },
  { pattern: /^(ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)\b/, step: 'HOST' },
  { pattern: /^INVALID_CA\b/, step: 'BC' },
  { pattern: /^(PATH_LENGTH_EXCEEDED|CERT_CHAIN_TOO_LONG)\b/, step: 'PATHLEN' },
  { pattern: /^KEYUSAGE_NO_CERTSIGN\b/, step: 'KU' },
  { pattern: /^INVALID_PURPOSE\b/, step: 'EKU' },
  { pattern: /^UNHANDLED_CRITICAL_EXTENSION\b/, step: 'CRIT' },
  { pattern: /^CERT_REVOKED\b/, step: 'REV' },
  {
    pattern:
      /^(ERR_SSL_UNSUPPORTED_PROTOCOL|ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ERR_SSL_NO_PROTOCOLS_AVAILABLE)\b/,
    step: 'PROTO',
  },
  // Node's verify callback accepts every chain during the handshake and judges it afterwards (the CERT_* codes
  // above; src/crypto/crypto_tls.cc VerifyCallback), so an RSA verification that fails the handshake itself
  // (EPROTO, OpenSSL's first error: `rsa routines:…:last octet invalid`, `data too large for modulus`, …) can only be
  // the server's own handshake signature, CertificateVerify or ServerKeyExchange: the lab's verifier says HS.
  { pattern: /^EPROTO: .*\brsa routines:/, step: 'HS' },
  // Codes node has no name for arrive as UNSPECIFIED with OpenSSL's own text as the message.
  ...OPENSSL_VERIFY_ROWS,
]

/**
 * Node's https.request as an application would call it: default settings,
 * trusting exactly the victim's roots (`ca`), with the hijacked resolver
 * simulated by `lookup` (bank.lab → connectTo) so SNI and the hostname check
 * still use bank.lab. `insecure` is the classic mistake:
 * `rejectUnauthorized: false` (Georgiev et al., CCS 2012), which must accept every attack.
 */
export function createNodeHttpsDriver(options: { insecure: boolean }): ClientDriver {
  return {
    id: options.insecure ? 'node-insecure' : 'node-https',
    title: options.insecure ? 'Node https with rejectUnauthorized: false' : 'Node https (default settings)',
    availability: () =>
      Promise.resolve({
        isAvailable: true,
        version: `node ${process.version} (OpenSSL ${process.versions.openssl})`,
      }),
    run: (target) => postLogin(target, options.insecure),
  }
}

function postLogin(target: DriverTarget, insecure: boolean): Promise<DriverOutcome> {
  const body = loginForm(target.credentials)
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    // Node 20 asks for every address (autoSelectFamily); answer in whichever shape it asked for.
    const answer =
      lookupOptions.all === true ? [{ address: target.connectTo.host, family: 4 }] : target.connectTo.host
    ;(callback as (error: null, address: typeof answer, family?: number) => void)(null, answer, 4)
  }
  return new Promise((resolve) => {
    const req = request(
      {
        port: target.connectTo.port,
        // An IP literal is never looked up (and never sent as SNI): connect to where it “resolves”, check the name it is.
        ...(targetIsIp(target)
          ? {
              host: target.connectTo.host,
              checkServerIdentity: (_host: string, cert: PeerCertificate) =>
                checkServerIdentity(target.host, cert),
            }
          : { host: target.host, servername: target.host }),
        method: 'POST',
        path: '/login',
        lookup,
        agent: false, // no pooled socket or cached TLS session from another scenario
        ca: readFileSync(target.caFile),
        ...(insecure ? { rejectUnauthorized: false } : {}),
        headers: {
          host: target.host,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        },
        timeout: target.timeoutMs,
      },
      (response) => {
        response.resume()
        const status = `HTTP ${String(response.statusCode)} ${response.headers.location ?? ''}`.trim()
        resolve(acceptedOutcome(status, null))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`ETIMEDOUT: no response within ${target.timeoutMs} ms`)))
    req.on('error', (error: NodeJS.ErrnoException) => {
      const raw = `${error.code ?? 'ERROR'}: ${error.message}`
      resolve(rejectedOutcome(NODE_ERROR_TABLE, raw, null, raw))
    })
    req.end(body)
  })
}
