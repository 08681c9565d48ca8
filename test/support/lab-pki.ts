import { createLabPki, type LabPki } from '../../ca/index.js'

let shared: LabPki | undefined

/** One in-memory lab PKI per test file: five RSA-2048 keys cost ~0.5 s, so files share theirs. */
export function testPki(): LabPki {
  shared ??= createLabPki(new Date())
  return shared
}
