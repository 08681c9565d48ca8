import { resolve } from 'node:path'
import { ScenarioError } from '../server/errors.js'
import type { Scenario } from './define-scenario.js'
import { catalogProblems, catalogScenarios } from './catalog/index.js'
import { liveScenarios } from './live/index.js'
import { handshakeScenarios } from './handshake/index.js'
import { mlDsaScenarios } from './attacks/ml-dsa-scenarios.js'
import { directConnection } from './attacks/direct-connection.js'
import { expiredLeaf } from './attacks/expired-leaf.js'
import { installedInterceptionCa, installedInterceptionCaPinned } from './attacks/installed-interception-ca.js'
import { leafUsedAsCa } from './attacks/leaf-used-as-ca.js'
import { notYetValidLeaf } from './attacks/not-yet-valid-leaf.js'
import { selfSignedLeaf } from './attacks/self-signed-leaf.js'
import { interceptionDetectedByServer, interceptionMirroringClient } from './attacks/server-side-detection.js'
import { tcpPassthrough } from './attacks/tcp-passthrough.js'
import { untrustedCaLeaf } from './attacks/untrusted-ca-leaf.js'
import { wrongHost } from './attacks/wrong-host.js'

/** The foundation set: the classic attacks and the two controls, in the order a run plays them. */
export const foundationScenarios: readonly Scenario[] = [
  directConnection,
  tcpPassthrough,
  selfSignedLeaf,
  untrustedCaLeaf,
  wrongHost,
  expiredLeaf,
  notYetValidLeaf,
  leafUsedAsCa,
  installedInterceptionCa,
  installedInterceptionCaPinned,
  interceptionDetectedByServer,
  interceptionMirroringClient,
]

/**
 * The registry: explicit, no auto-discovery. Each family of scenarios adds one
 * line here (its own index exports an array).
 */
const typeScriptScenarios: readonly Scenario[] = [...foundationScenarios, ...liveScenarios, ...handshakeScenarios, ...mlDsaScenarios]
const typeScriptIds = new Map(typeScriptScenarios.map((scenario) => [scenario.id, scenario]))

/** A catalog file may not take a TypeScript scenario's id either: it is left out and named (the same rule as scenarioIdCollisions). */
const catalogCollisions = catalogScenarios.flatMap((scenario) => {
  const owner = typeScriptIds.get(scenario.id)
  return owner === undefined ? [] : [`${scenario.sourceFile ?? 'a catalog file'}: id: "${scenario.id}" is already used by ${builtIn(owner)}`]
})

export const scenarios: readonly Scenario[] = [
  ...foundationScenarios,
  ...catalogScenarios.filter((scenario) => !typeScriptIds.has(scenario.id)),
  ...liveScenarios,
  ...handshakeScenarios,
  ...mlDsaScenarios,
]

/** Every reason the registry is not the catalog on disk: broken files, and ids taken from a built-in. */
export const registryProblems: readonly string[] = [...catalogProblems, ...catalogCollisions]

function builtIn(scenario: Scenario): string {
  return `the built-in scenario "${scenario.id}" (${scenario.title})`
}

export function findScenario(id: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.id === id)
}

/**
 * Refuses to go on while a catalog file is broken (issue 17 item 7): `list`
 * and `run` call this first, so a file that stopped loading is named with
 * every problem and the command exits 2, instead of its scenarios silently
 * dropping out of the count and a CI `npm run lab` still passing.
 * `scenarios validate` does not: it is how the files get fixed.
 */
export function requireSoundCatalog(problems: readonly string[] = registryProblems): void {
  if (problems.length === 0) return
  throw new ScenarioError(
    'SCENARIO_INVALID',
    `The scenario catalog has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; fix or remove the file (\`mitmlab scenarios validate\` checks them):\n  ${problems.join('\n  ')}`,
  )
}

/**
 * The one rule for a scenario file's ids, used by `scenarios validate` and by
 * `run --scenario-file` alike (issue 17 item 5): an id must not be one that a
 * built-in scenario (any TypeScript family) or another catalog file already
 * uses, or a run would store two results under it (UNIQUE constraint) or show
 * one scenario's title on the other's result. The catalog file itself, given
 * by path, is not a collision with its own scenarios.
 */
export function scenarioIdCollisions(file: string, ids: readonly string[]): string[] {
  const here = resolve(file)
  return ids.flatMap((id) => {
    const owner = scenarios.find((scenario) => scenario.id === id)
    if (owner === undefined) return []
    const ownerFile = (owner as { sourceFile?: string }).sourceFile
    if (ownerFile !== undefined && resolve(ownerFile) === here) return []
    return [`${file}: id: "${id}" is already used by ${ownerFile ?? builtIn(owner)}`]
  })
}

export { defineScenario, TARGET_HOST, type Scenario, type ScenarioContext, type ForgedChain, type Topology } from './define-scenario.js'
