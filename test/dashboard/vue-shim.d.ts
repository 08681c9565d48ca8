// Lets the root `tsc` check specs that import single-file components (vitest compiles them with @vitejs/plugin-vue).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<Record<string, unknown>, object, unknown>
  export default component
}
