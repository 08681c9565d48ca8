import { LAB_ROLES, type KeySpecInput, type ScenarioFile } from './schema.js'

/** One problem found after the schema passed: where (a field path) and what. */
export interface FieldProblem {
  path: (string | number)[]
  message: string
}

const PIN_PATTERN = /^[A-Za-z0-9+/]{43}=$/

/**
 * Cross-field rules the schema cannot see: every issuer, reused key, copied
 * name and served certificate refers to a lab role or to a certificate
 * defined above it (so chains are built top-down and cannot loop), and names
 * are unique.
 */
export function checkReferences(file: ScenarioFile): FieldProblem[] {
  const problems: FieldProblem[] = []
  const roles = new Set<string>(LAB_ROLES)
  const defined = new Set<string>()
  const known = (name: string): boolean => roles.has(name) || defined.has(name)
  const refProblem = (path: FieldProblem['path'], name: string, what: string): void => {
    if (!known(name)) problems.push({ path, message: `${what} "${name}" is neither a lab role (${LAB_ROLES.join(', ')}) nor a certificate defined above` })
  }
  const checkKey = (path: FieldProblem['path'], key: KeySpecInput | undefined): void => {
    if (key !== undefined && typeof key === 'object' && 'reuse' in key) refProblem([...path, 'reuse'], key.reuse, 'key to reuse')
    if (key !== undefined && typeof key === 'object' && 'ec' in key && key.explicitParameters === true && key.ec !== 'P-256') {
      problems.push({ path: [...path, 'explicitParameters'], message: 'explicit curve parameters are only written for P-256' })
    }
  }
  if (file.kind === 'control') {
    for (const variant of ['strict', 'legacy'] as const) {
      if (file.expect[variant]?.verdict === 'reject') {
        problems.push({ path: ['expect', variant, 'verdict'], message: 'a control is a case a correct client must accept: expected accept' })
      }
    }
  }
  file.chain.certificates.forEach((certificate, index) => {
    const at = ['chain', 'certificates', index]
    if (roles.has(certificate.name) || certificate.name === 'self') {
      problems.push({ path: [...at, 'name'], message: `"${certificate.name}" is reserved (a lab role or self)` })
    } else if (defined.has(certificate.name)) {
      problems.push({ path: [...at, 'name'], message: `"${certificate.name}" is defined twice` })
    }
    if (certificate.issuer !== 'self') refProblem([...at, 'issuer'], certificate.issuer, 'issuer')
    if (certificate.subject?.sameAs !== undefined) refProblem([...at, 'subject', 'sameAs'], certificate.subject.sameAs, 'subject to copy')
    certificate.sans?.forEach((san, sanIndex) => {
      if (typeof san === 'object' && 'sameAs' in san) refProblem([...at, 'sans', sanIndex, 'sameAs'], san.sameAs, 'certificate to copy names from')
    })
    checkKey([...at, 'key'], certificate.key)
    if (typeof certificate.tamper === 'object') checkKey([...at, 'tamper', 'replaceKey'], certificate.tamper.replaceKey)
    if (certificate.template === 'ca' && certificate.subject === undefined) {
      problems.push({ path: [...at, 'subject'], message: 'a ca certificate needs a subject' })
    }
    defined.add(certificate.name)
  })
  file.chain.serve.forEach((name, index) => refProblem(['chain', 'serve', index], name, 'certificate to serve'))
  file.client?.pins?.forEach((pin, index) => {
    if (!roles.has(pin) && !PIN_PATTERN.test(pin)) {
      problems.push({ path: ['client', 'pins', index], message: `expected a lab role or a base64 SHA-256 SPKI pin, got "${pin}"` })
    }
  })
  return problems
}
