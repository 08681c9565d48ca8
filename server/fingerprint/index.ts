/**
 * Server-side interception detection (issue 8): JA3/JA4 fingerprints, the
 * recorded catalog of the lab's clients, the detector and its FP step, and the
 * proxy's impersonation planner. The ClientHello parser lives in
 * server/tls/client-hello/.
 */
export { computeJa3, type Ja3 } from './ja3.js'
export { computeJa4, type Ja4 } from './ja4.js'
export { loadCatalog, findClaimedEntry, type Catalog, type CatalogEntry, type ClientClaim } from './catalog.js'
export { compareHellos, IGNORED_EXTENSIONS, type HelloDifference, type HelloField, type HelloFingerprint } from './compare-hellos.js'
export { findDowngrades, type Downgrade, type DowngradeCode } from './find-downgrades.js'
export {
  detectInterception,
  compareUpstreamLeg,
  type InterceptionDetection,
  type InterceptionVerdict,
  type UpstreamLegComparison,
} from './detect-interception.js'
export { fingerprintStep, describeDetection, type FingerprintCode } from './fingerprint-step.js'
export { planImpersonation, unmirrorableFields, type ImpersonationOptions, type ImpersonationPlan, type UnmirrorableField } from './impersonate.js'
export { LAB_CLIENTS, LAB_CLIENT_IDS, LAB_HOST, type LabClient, type LabClientId } from './lab-clients.js'
export { UPSTREAM_PROFILES, upstreamTlsOptions, type UpstreamProfile, type UpstreamProfileId } from './upstream-profiles.js'
