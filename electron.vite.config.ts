import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/main/csp';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Native and WASM-backed packages load from node_modules at run time (asar-unpacked), never from the bundle. */
const external = ['better-sqlite3', /^@tensorflow\//];

/** file:// responses carry no headers, so the packaged page states its own CSP. */
function cspMetaTag(): Plugin {
  return {
    name: 'evolab-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(false) }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        // The engine entry is built beside main, so the utility process forks out/main/engine.js; the engine's
        // pool starts out/main/pool-watch.js and its workers out/main/pool-worker.js beside it (src/engine/pool/worker-pool.ts).
        input: {
          index: resolve(here, 'src/main/index.ts'),
          engine: resolve(here, 'src/engine/main.ts'),
          'pool-worker': resolve(here, 'src/engine/pool/pool-worker.ts'),
          'pool-watch': resolve(here, 'src/engine/pool/pool-watch.ts'),
        },
        external,
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only Electron's own modules: zod (the contract's event schemas, which the
      // preload parses every event with) is bundled in.
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        input: { index: resolve(here, 'src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(here, 'src/renderer'),
    base: './',
    plugins: [react(), cspMetaTag()],
    build: {
      outDir: resolve(here, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: resolve(here, 'src/renderer/index.html') } },
    },
  },
});
