#!/usr/bin/env node
// The `mitmlab` command: runs the TypeScript CLI through tsx's ESM loader, so
// there is no build step between a checkout and a working lab.
import { register } from 'tsx/esm/api'
register()
await import('../server/cli/main.ts')
