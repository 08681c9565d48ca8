import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const dashboardDir = fileURLToPath(new URL('.', import.meta.url))

// The contract is typed once, in the server (style guide §20); the page imports it through this alias.
export const dashboardAliases = {
  '@contract': fileURLToPath(new URL('../server/api/contract.ts', import.meta.url)),
}

export default defineConfig({
  root: dashboardDir,
  base: './',
  plugins: [vue()],
  resolve: { alias: dashboardAliases },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1' },
})
