import { javaDriver } from '../../../server/drivers/java-driver.js'
import { describeDriverEndToEnd } from './driver-end-to-end.js'

// Debian openjdk-17-jdk-headless: installed by .ci/run; probed with the program itself (test/support/installed-client.ts).
describeDriverEndToEnd({
  driver: javaDriver,
  controls: ['direct-connection'],
  attacks: {
    'self-signed-leaf': 'TRUST',
    'wrong-host': 'HOST',
    'expired-leaf': 'DATES',
    'name-constraints-dns-outside': 'NC',
  },
  rawErrors: {
    'self-signed-leaf': /^javax\.net\.ssl\.SSLHandshakeException: \(certificate_unknown\) PKIX path building failed: .*unable to find valid certification path to requested target/,
    'wrong-host': /^javax\.net\.ssl\.SSLHandshakeException: \(certificate_unknown\) No subject alternative DNS name matching bank\.lab found\./,
    'expired-leaf': /CertPathValidatorException: validity check failed \[reason=EXPIRED\] \| caused by java\.security\.cert\.CertificateExpiredException: NotAfter: /,
  },
})
