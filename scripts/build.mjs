#!/usr/bin/env node
// `npm run build` (also run by `npm install` through `prepare`): compiles the mitmlab command into
// dist/ so that it starts as plain JavaScript instead of transpiling TypeScript at every start.
//
// esbuild bundles the lab's own modules and the pure-JS libraries `list` and `run` load at start
// (zod, yaml, the @peculiar ASN.1 schemas, node-forge, commander, tldts): ~1,300 module loads become
// a few dozen chunks (measured: `mitmlab list` 0.44 s → 0.32 s of CPU on this machine under load,
// wall 1.3 s → 0.5 s). Everything else stays an external package, loaded from node_modules as usual:
// native addons (better-sqlite3), servers with optional native or dynamic parts (express, socket.io),
// and the development tools (vite, tsx, playwright-core). Type checking is `npm run typecheck`'s job.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const BUNDLED = new Set(['zod', 'yaml', '@peculiar/asn1-x509', '@peculiar/asn1-schema', '@peculiar/asn1-ocsp', 'node-forge', 'commander', 'tldts'])
const external = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})].filter((name) => !BUNDLED.has(name))

const outdir = join(root, 'dist')
rmSync(outdir, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: ['server/cli/main.ts', 'scenarios/catalog/write-spec-cache.ts', 'scenarios/write-scenario-index.ts'],
  outdir,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external,
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // Bundled CommonJS (node-forge) calls require() for Node built-ins; ESM has none of its own.
  banner: { js: "import { createRequire as __mitmlabCreateRequire } from 'node:module'; const require = __mitmlabCreateRequire(import.meta.url);" },
})
// Validated catalog files keyed by their bytes (scenarios/scenario-file/spec-cache.ts).
execFileSync(process.execPath, [join(outdir, 'scenarios', 'catalog', 'write-spec-cache.js')], { stdio: 'inherit', cwd: root })
// What `mitmlab list` prints, for as long as the catalog is this one (scenarios/scenario-index.ts).
execFileSync(process.execPath, [join(outdir, 'scenarios', 'write-scenario-index.js')], { stdio: 'inherit', cwd: root })
// `mitmlab --help` lists every command, which means loading every command's module (0.7 s of CPU);
// the build renders it once and bin/mitmlab.mjs prints it, as current as the rest of dist/.
const help = execFileSync(process.execPath, [join(outdir, 'server', 'cli', 'main.js'), '--help'], { cwd: root, encoding: 'utf8' })
writeFileSync(join(outdir, 'help.txt'), help)
// bin/mitmlab.mjs runs dist/ only while no source file is newer than this stamp.
writeFileSync(join(outdir, '.built'), `${new Date().toISOString()}\n`)
