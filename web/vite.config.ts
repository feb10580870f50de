// Vite builds the SPA into web/dist; scripts/embed-web.sh compiles dist/
// into the mado binary. Everything must work under the server's strict CSP
// (script-src 'self'; style-src 'self'): no inline scripts or styles, no
// eval, no data: assets (assetsInlineLimit 0), and no module-preload
// polyfill (Vite would inject it into the entry, harmless, but not needed
// by the browsers we support).
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2020',
    reportCompressedSize: false,
  },
});
