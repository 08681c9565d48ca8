import { goDriver } from '../../../server/drivers/go-driver.js'
import { describeDriverEndToEnd } from './driver-end-to-end.js'

// Debian golang-go: installed by .ci/run; probed with the program itself (test/support/installed-client.ts).
describeDriverEndToEnd({
  driver: goDriver,
  controls: ['direct-connection', 'ecdsa-p384-chain'],
  attacks: {
    'self-signed-leaf': 'TRUST',
    'wrong-host': 'HOST',
    'expired-leaf': 'DATES',
    'tampered-leaf-signature': 'SIG',
    'path-length-exceeded': 'PATHLEN',
  },
  rawErrors: {
    'self-signed-leaf': /^x509\.UnknownAuthorityError: x509: certificate signed by unknown authority$/,
    'wrong-host': /^x509\.HostnameError: x509: certificate is valid for evil\.lab, not bank\.lab$/,
    'expired-leaf': /^x509\.CertificateInvalidError \[reason=1\]: x509: certificate has expired or is not yet valid: current time .* is after /,
  },
})
