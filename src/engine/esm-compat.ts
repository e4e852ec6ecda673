/**
 * Lets Node's ESM loader read @tensorflow/tfjs-core's ESM files (needed for its gradient registrations), whose
 * imports name folders and extensionless files the way bundlers allow and Node does not: on a folder import
 * it retries `<specifier>.js`, then `<specifier>/index.js`. And an ESM import of tfjs-core or a backend gets the
 * package's ESM build (its "module" entry), as bundlers give it: otherwise the gradients (ESM only) and the
 * kernels (CommonJS "main") would run on two copies of tfjs-core; those ESM files call require() for Node
 * built-ins, so they get a module-local require. Bundlers (Vite, electron-vite) never need this.
 * Import this before anything that loads TensorFlow.js; the engine loads it lazily, so entries import this first.
 */
import { register } from 'node:module';

const hook = `
const esmEntry = new Set(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']);
export async function resolve(specifier, context, next) {
  if (esmEntry.has(specifier) && context.conditions.includes('import')) {
    return next(specifier + '/dist/index.js', context);
  }
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!error || error.code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw error;
    try {
      return await next(specifier + '.js', context);
    } catch {
      return next(specifier + '/index.js', context);
    }
  }
}
export async function load(url, context, next) {
  const result = await next(url, context);
  // The ESM builds call require() for Node built-ins (util, fs) as their CommonJS builds do.
  if (result.format === 'module' && url.includes('/node_modules/@tensorflow/') && result.source) {
    const text = String(result.source);
    if (text.includes('require(')) {
      return { ...result, source: "import { createRequire as __evolabCreateRequire } from 'node:module'; const require = __evolabCreateRequire(import.meta.url);" + text };
    }
  }
  return result;
}`;

const key = Symbol.for('evolab.esm-compat');
const registry = globalThis as { [key]?: boolean };
if (!registry[key]) {
  registry[key] = true;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
