import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLabPki, derToPem, type LabPki } from '../../ca/index.js'
import { LabError } from '../errors.js'
import { compareUpstreamLeg, detectInterception } from '../fingerprint/detect-interception.js'
import { fingerprintStep } from '../fingerprint/fingerprint-step.js'
import { startRevocationServer } from '../revocation/index.js'
import { HYBRID_GROUPS } from '../tls/key-exchange-group.js'
import { withoutGrease } from '../tls/client-hello/grease.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import type { VerifyReport } from '../verifier/index.js'
import { parseCertificate } from '../x509/parse-certificate.js'
import { probeThroughProduct, type ProbeOutcome } from './client-probe.js'
import { startDefectServer, type DefectServer, type UpstreamConnection } from './defect-server.js'
import { decisiveFailures, isProfileFinding, judgeOutcome } from './defect-verdict.js'
import { gradeChecks, gradeFrom, type GradeMeasurements } from './grade-rubric.js'
import { offeredVersionCodes, summarizeHello } from './hello-summary.js'
import type { ProductInstance, ProductUnderTest, UpstreamAddress } from './product.js'
import type { DefectResult, ProxyReportCard } from './report-card.js'
import { buildDefectServers, DEFECTS, newSerial, UNSERVABLE_DEFECTS } from './upstream-defects.js'

const TLS13 = 0x0304
const SSL3 = 0x0300
/** Time for the upstream servers to see the closes of a product just stopped. */
const SETTLE_MS = 50

export interface GradeProductParams {
  product: ProductUnderTest
  /** Grade against these defects only (the control is always included). Default: all. */
  defects?: readonly string[]
  /** Default: a fresh in-memory lab PKI. */
  pki?: LabPki
  now?: () => Date
  /** Progress, one line per defect. */
  onProgress?: (line: string) => void
}

/**
 * Grades one interception product: stands up every defect's upstream and the
 * lab's revocation services, starts a fresh install of the product, sends the
 * lab's client through it to each upstream, judges what reached the client,
 * measures the hello the product sent upstream, compares two installs' CA keys
 * (when the product makes its own), and derives the grade (grade-rubric.ts).
 */
export async function gradeProduct(params: GradeProductParams): Promise<ProxyReportCard> {
  const { product } = params
  const unavailable = product.unavailableReason()
  if (unavailable !== null) throw new LabError('PROXY_START_FAILED', `${product.id} cannot be graded here: ${unavailable}`)
  const now = params.now ?? ((): Date => new Date())
  const pki = params.pki ?? createLabPki(now())
  const selected = params.defects === undefined ? null : new Set(['control', ...params.defects])
  const unknown = params.defects?.filter((id) => !DEFECTS.some((defect) => defect.id === id)) ?? []
  if (unknown.length > 0) throw new LabError('CONFIG_INVALID', `unknown defect(s) ${unknown.join(', ')}; known: ${DEFECTS.map((d) => d.id).join(', ')}`)

  const serials = { crl: newSerial(), ocsp: newSerial() }
  const revokedAt = new Date(now().getTime() - 3_600_000)
  const revocation = await startRevocationServer({ issuer: pki.trustedIntermediate, revoked: [{ serialHex: serials.crl, revokedAt }, { serialHex: serials.ocsp, revokedAt }] })
  const servers: DefectServer[] = []
  const notServed: { id: string; reason: string }[] = [...UNSERVABLE_DEFECTS]
  const stateDirs: string[] = []
  let instance: ProductInstance | null = null
  try {
    for (const spec of buildDefectServers(pki, revocation, serials, now())) {
      if (selected !== null && !selected.has(spec.defect.id)) continue
      try {
        servers.push(await startDefectServer(spec))
      } catch (error) {
        if (error instanceof LabError && error.code === 'SERVER_START_FAILED') notServed.push({ id: spec.defect.id, reason: error.message })
        else throw error
      }
    }
    const control = servers.find((server) => server.spec.defect.id === 'control')
    if (control === undefined) throw new LabError('SERVER_START_FAILED', 'the control upstream did not start')
    const upstreams: UpstreamAddress[] = servers.map((server) => ({ defectId: server.spec.defect.id, host: server.spec.host, port: server.port }))

    // The baseline: the lab's client straight to the control upstream, so the product's upstream hello is compared
    // with what this very client offers.
    await probeThroughProduct({ route: { kind: 'direct', host: control.host, port: control.port }, serverName: control.spec.host, trustAnchors: [pki.trustedRoot.der], now: now() })
    const clientHello = control.connections[0]?.hello ?? null
    control.connections.length = 0

    const rootFileDir = mkdtempSync(join(tmpdir(), 'mitmlab-grade-root-'))
    stateDirs.push(rootFileDir)
    const upstreamRootFile = join(rootFileDir, 'upstream-root.pem')
    writeFileSync(upstreamRootFile, pki.trustedRoot.pem, { mode: 0o644 })

    const install = async (): Promise<ProductInstance> => {
      const stateDir = mkdtempSync(join(tmpdir(), `mitmlab-grade-${product.id}-`))
      stateDirs.push(stateDir)
      return product.start({ stateDir, upstreams, upstreamRootFile })
    }
    instance = await install()
    const probed: { server: DefectServer; outcome: ProbeOutcome; judged: ReturnType<typeof judgeOutcome> }[] = []
    for (const server of servers) {
      const upstream = upstreams.find((u) => u.defectId === server.spec.defect.id)
      if (upstream === undefined) continue
      const outcome = await probeThroughProduct({ route: instance.routeFor(upstream), serverName: server.spec.host, trustAnchors: [instance.caCertDer], now: now() })
      const judged = judgeOutcome(server.spec.defect, outcome, server.marker)
      probed.push({ server, outcome, judged })
      params.onProgress?.(`${product.id} ${server.spec.defect.id}: ${judged.verdict} (${judged.reason})`)
    }
    const firstCa = instance.caCertDer
    await instance.stop()
    instance = null
    // Each upstream is probed once, so its connection records are this product's (the control's baseline was
    // cleared); read them only now, with the product stopped, so a connection it kept open has closed.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const defects = probed.map(({ server, outcome, judged }) => defectResult(server, outcome, judged, server.connections))
    let sharedRootKey: boolean | null = null
    if (product.generatesOwnCa) {
      const second = await install()
      const secondCa = second.caCertDer
      await second.stop()
      sharedRootKey = spkiOf(firstCa).equals(spkiOf(secondCa))
    }

    const controlResult = defects.find((d) => d.defectId === 'control')
    const controlUpstream = control.connections.find((c) => c.hello !== null) ?? null
    const upstreamHello = controlUpstream?.hello ?? null
    const measured: GradeMeasurements = {
      defects,
      downgrades: upstreamHello === null || clientHello === null ? null : compareUpstreamLeg(clientHello, upstreamHello).downgrades,
      offersSsl3: upstreamHello !== null && offeredVersionCodes(upstreamHello).includes(SSL3),
      versions: { client: controlResult?.client.protocol ?? null, upstream: control.connections.find((c) => c.handshake === 'completed')?.protocol ?? null },
      sharedRootKey,
      forgedLeafCopies: forgedLeafCopies(controlResult, control),
      revocationRequests: { crl: revocation.requests.filter((r) => r.kind === 'crl').length, ocsp: revocation.requests.filter((r) => r.kind === 'ocsp').length },
      fingerprint: fingerprintOf(clientHello, upstreamHello),
      legs: {
        clientGroup: controlResult?.client.group ?? null,
        upstreamGroup: control.connections.find((c) => c.handshake === 'completed')?.group ?? null,
        upstreamOffersTls13: upstreamHello === null ? null : offeredVersionCodes(upstreamHello).includes(TLS13),
        upstreamOffersHybrid: upstreamHello === null ? null : withoutGrease(upstreamHello.supportedGroups).some((group) => HYBRID_GROUPS.has(group)),
      },
    }
    const checks = gradeChecks(measured)
    const { grade, decidedBy } = gradeFrom(checks)
    return {
      productId: product.id,
      description: product.description,
      reproduce: product.reproduce,
      gradedAt: now().toISOString(),
      grade,
      decidedBy,
      controlRelayed: controlResult?.verdict === 'relayed',
      checks,
      defects,
      clientHello: clientHello === null ? null : summarizeHello(clientHello),
      notServed,
    }
  } catch (error) {
    if (instance !== null) {
      const log = instance.logTail().trim().split('\n').slice(-5).join(' | ')
      if (error instanceof Error && log !== '') error.message += ` (product log: ${log})`
    }
    throw error
  } finally {
    await instance?.stop()
    await Promise.all(servers.map((server) => server.close()))
    await revocation.close()
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true })
  }
}

function defectResult(server: DefectServer, outcome: ProbeOutcome, judged: { verdict: DefectResult['verdict']; reason: string }, upstream: UpstreamConnection[]): DefectResult {
  const { defect } = server.spec
  return {
    defectId: defect.id,
    title: defect.title,
    defectClass: defect.defectClass,
    host: server.spec.host,
    verdict: judged.verdict,
    reason: judged.reason,
    client: {
      stage: outcome.stage,
      connectStatus: outcome.connectStatus,
      error: outcome.error,
      protocol: outcome.protocol,
      cipher: outcome.cipher,
      group: outcome.group,
      httpStatus: outcome.httpStatus,
      chainPem: outcome.chainDer.map((der) => derToPem(der)),
      chain: outcome.chainDer.map(describeCertificate),
      verifier:
        outcome.verification === null
          ? null
          : verifierSummary(outcome.verification),
    },
    upstream: upstream.map((connection) => ({
      handshake: connection.handshake,
      error: connection.error,
      protocol: connection.protocol,
      cipher: connection.cipher,
      group: connection.group,
      hello: connection.hello === null ? null : summarizeHello(connection.hello),
    })),
  }
}

/** The verifier's verdict as a browser would share it: the first decisive failure, and the key-identifier findings apart. */
function verifierSummary(report: VerifyReport): NonNullable<DefectResult['client']['verifier']> {
  const [first] = decisiveFailures(report)
  return {
    verdict: first === undefined ? 'accept' : 'reject',
    step: first?.step ?? null,
    code: first?.code ?? null,
    findings: report.steps.filter(isProfileFinding).map((step) => `${step.step} ${step.code ?? ''}: ${step.message}`),
  }
}

function describeCertificate(der: Buffer): DefectResult['client']['chain'][number] {
  try {
    const cert = new X509Certificate(der)
    return { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), notBefore: new Date(cert.validFrom).toISOString(), notAfter: new Date(cert.validTo).toISOString(), serial: cert.serialNumber.toLowerCase() }
  } catch {
    return { subject: '(unparseable)', issuer: '', notBefore: '', notAfter: '', serial: '' }
  }
}

function spkiOf(der: Buffer): Buffer {
  const parsed = parseCertificate(der)
  if (!parsed.ok) throw new LabError('PROXY_START_FAILED', `the product's CA certificate cannot be parsed: ${parsed.reason}`)
  return Buffer.from(parsed.value.spkiDer)
}

/** What the forged leaf the client got for the control took from the control's real leaf. */
function forgedLeafCopies(control: DefectResult | undefined, server: DefectServer): GradeMeasurements['forgedLeafCopies'] {
  const forgedPem = control?.client.chainPem[0]
  const realDer = server.spec.chainDer[0]
  if (forgedPem === undefined || realDer === undefined) return null
  const forged = parseCertificate(new X509Certificate(forgedPem).raw)
  const real = parseCertificate(realDer)
  if (!forged.ok || !real.ok) return null
  const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))
  return {
    dates: forged.value.notBefore.getTime() === real.value.notBefore.getTime() && forged.value.notAfter.getTime() === real.value.notAfter.getTime(),
    key: same(forged.value.spkiDer, real.value.spkiDer),
    serial: forged.value.serialHex === real.value.serialHex,
    subject: same(forged.value.subjectDer, real.value.subjectDer),
  }
}

/**
 * The bank's FP step on the hello that reached the upstream (server/fingerprint/): the lab's client is
 * Node 24's TLS with the lab verifier's options, recorded in the fingerprint catalog as `lab-verifier`,
 * so that is the claim; a product that re-originates TLS with its own library fails it.
 */
const CLIENT_CLAIM = 'lab-verifier'

function fingerprintOf(client: ClientHello | null, upstream: ClientHello | null): GradeMeasurements['fingerprint'] {
  if (client === null || upstream === null) return null
  const baseline = detectInterception(client, { clientId: CLIENT_CLAIM })
  const step = fingerprintStep(detectInterception(upstream, { clientId: CLIENT_CLAIM }))
  const caveat = baseline.verdict === 'match' ? '' : ` (the lab client's own hello does not match the catalog's ${CLIENT_CLAIM} on this Node: ${baseline.verdict})`
  return { verdict: step.status === 'fail' ? `FP ${step.code ?? 'fail'}` : step.status === 'pass' ? 'FP pass' : `FP ${step.code ?? 'skip'}`, summary: `${step.message}${caveat}` }
}
