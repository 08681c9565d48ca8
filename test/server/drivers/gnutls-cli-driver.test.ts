import { gnutlsCliDriver } from '../../../server/drivers/gnutls-cli-driver.js'
import { describeDriverEndToEnd } from './driver-end-to-end.js'

// Debian gnutls-bin: installed by .ci/run; probed with the program itself (test/support/installed-client.ts).
describeDriverEndToEnd({
  driver: gnutlsCliDriver,
  controls: ['direct-connection'],
  attacks: {
    'self-signed-leaf': 'TRUST',
    'wrong-host': 'HOST',
    'expired-leaf': 'DATES',
    'intermediate-without-basic-constraints': 'BC',
  },
  rawErrors: {
    'self-signed-leaf': /- Status: The certificate is NOT trusted\. The certificate issuer is unknown\./,
    'wrong-host': /- Status: The certificate is NOT trusted\. The name in the certificate does not match the expected\./,
    'expired-leaf': /- Status: The certificate is NOT trusted\. The certificate chain uses expired certificate\./,
  },
})
