import { useColorMode } from '@vueuse/core'

/** Dark / light / follow the system, remembered per browser; applied as `data-theme` on <html>. */
export const colorMode = useColorMode({ attribute: 'data-theme', storageKey: 'mitmlab:theme', initialValue: 'auto' })

export function toggleTheme(): void {
  colorMode.value = colorMode.state.value === 'dark' ? 'light' : 'dark'
}
