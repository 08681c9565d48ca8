import type { Request } from 'express'
import { detectInterception } from '../fingerprint/detect-interception.js'
import type { RequestFingerprint } from '../lab/scenario-result.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import { cipherSuiteName, groupName, versionName } from '../tls/client-hello/names.js'

/**
 * What the genuine server concludes from the hello that opened a request's
 * connection: the claimed client (x-mitmlab-client, else the User-Agent)
 * against the catalog of recorded lab clients.
 */
export function judgeClientHello(hello: ClientHello, request: Request): RequestFingerprint {
  const clientId = request.headers['x-mitmlab-client']
  const userAgent = request.headers['user-agent']
  const detection = detectInterception(hello, {
    ...(typeof clientId === 'string' ? { clientId } : {}),
    ...(userAgent === undefined ? {} : { userAgent }),
  })
  return {
    detection,
    hello: {
      versions: (hello.supportedVersions.length > 0 ? hello.supportedVersions : [hello.legacyVersion]).map(versionName),
      cipherSuites: hello.cipherSuites.map(cipherSuiteName),
      groups: hello.supportedGroups.map(groupName),
      alpn: hello.alpn,
      extensions: hello.extensions.map((extension) => extension.type),
    },
  }
}
