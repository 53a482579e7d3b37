/**
 * Every browser build of the project, one per `mode` (`scripts/build.mjs` runs them in turn):
 *
 * | mode      | output                       | what                                              |
 * | --------- | ---------------------------- | ------------------------------------------------- |
 * | `loader`  | `dist/loader.js`             | script-tag loader, IIFE, no dependencies          |
 * | `app`     | `dist/widget/app.js` + chunks | widget app, everything bundled (loaded by loader) |
 * | `library` | `dist/core/index.js`, `dist/widget/index.js` | npm entries, dependencies external |
 * | `console` | `dist/console/`              | the agent console, served at `/console/`          |
 * | `call`    | `dist/call/`                 | the call page of call links, served at `/call/`   |
 * | `chat`    | `dist/chat/`                 | the hosted chat page, served at `/chat/{slug}`    |
 * | `sw`      | `dist/chat/sw.js`            | the chat page's service worker (after `chat`)     |
 *
 * `npx vite --mode console` (or `--mode call`) serves that page for development (API calls need the server).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = import.meta.dirname;
const dist = path.join(root, 'dist');
const at = (file: string) => path.join(root, file);

/** Settings shared by every target. */
const base: UserConfig = {
  publicDir: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': '"production"' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

/** Packages the npm entries leave to the consumer's bundler. */
const dependencies = /^(preact|@preact\/signals|@preact\/signals-core|ky|idb-keyval)(\/|$)/;

/**
 * Writes the precache list over `self.__WB_MANIFEST` in the service worker (workbox's injection
 * idea, without its build tools): every file the `chat` build put in `dist/chat/assets/`, which
 * all carry a content hash in their names (so no revision), and the page's icon (served by the
 * demo site, revised by its content). Any changed file changes the worker's bytes, which is
 * what makes the browser install it as an update.
 */
function precacheManifest(): Plugin {
  return {
    name: 'ringnity:precache-manifest',
    transform(code, id) {
      if (!id.endsWith(path.join('demo', 'chat', 'sw.ts'))) return null;
      let files: string[];
      try {
        files = readdirSync(path.join(dist, 'chat', 'assets')).sort();
      } catch {
        throw new Error('vite.config.ts (mode sw): expected the chat page built in dist/chat/assets (mode chat) first, found none.');
      }
      const icon = createHash('sha256').update(readFileSync(at('demo/site/favicon.svg'))).digest('hex').slice(0, 16);
      const manifest = [
        ...files.filter((file) => !file.endsWith('.map')).map((file) => ({ url: `/chat/assets/${file}`, revision: null })),
        { url: '/favicon.svg', revision: icon },
      ];
      const found = code.split('self.__WB_MANIFEST').length - 1;
      if (found !== 1) throw new Error(`vite.config.ts (mode sw): expected \`self.__WB_MANIFEST\` once in demo/chat/sw.ts, found it ${found} times.`);
      return code.replace('self.__WB_MANIFEST', () => JSON.stringify(manifest));
    },
  };
}

const targets: Record<string, UserConfig> = {
  loader: {
    build: {
      outDir: dist,
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      lib: { entry: at('widget/loader.ts'), formats: ['iife'], name: 'RingnityLoader', fileName: () => 'loader.js' },
    },
  },
  app: {
    build: {
      outDir: path.join(dist, 'widget'),
      emptyOutDir: false,
      // Class fields stay native (es2020 would add defineProperty helpers to every chunk that has one).
      target: 'es2022',
      minify: true,
      lib: { entry: at('widget/app/boot.ts'), formats: ['es'], fileName: () => 'app.js' },
      // Let app.js carry what it shares with its lazy chunks (they import it from app.js)
      // instead of splitting that into extra chunks app.js must load statically.
      rolldownOptions: {
        preserveEntrySignatures: 'allow-extension',
        output: {
          // Library mode leaves ES output unminified whatever `build.minify` says (whitespace and
          // comments stay: ≈ 3.4 KB gzip of the app); minify the output itself.
          minify: true,
          // The app is final output, bundled by nobody after us: the `@__PURE__` annotations the
          // minifier keeps for later bundlers are dead weight (≈ 0.12 KB gzip).
          comments: { legal: true, annotation: false, jsdoc: false },
          chunkFileNames: 'chunks/[name]-[hash].js',
          // Preact, signals and the few core modules the lazy core chunks share with the app go
          // into one static chunk: otherwise rolldown splits them into several small files the
          // app must load at once, each with its own import list (≈ 0.4 KB gzip more in all).
          codeSplitting: { groups: [{ name: 'runtime', test: /node_modules|[\\/]src[\\/](errors|lib[\\/](env|uuid))\.ts/ }] },
        },
      },
    },
  },
  library: {
    build: {
      outDir: dist,
      emptyOutDir: false,
      target: 'es2022',
      // Readable output: the consumer's bundler minifies.
      minify: false,
      lib: {
        entry: { 'core/index': at('src/index.ts'), 'widget/index': at('widget/index.ts') },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external: (id) => dependencies.test(id),
        // The core entry exports exactly the public API: what it shares with the widget entry and
        // with its on-demand chunks (uploads, tab sharing, AI) goes into shared/ chunks.
        preserveEntrySignatures: 'strict',
        output: { chunkFileNames: 'shared/[name]-[hash].js' },
      },
    },
  },
  console: {
    root: at('demo/console'),
    base: '/console/',
    build: { outDir: path.join(dist, 'console'), emptyOutDir: true, target: 'es2022' },
    // `npx vite --mode console` during development: the API and the demo login come from the
    // reference server (`npm run dev:server`).
    server: {
      proxy: {
        '/api': { target: 'http://127.0.0.1:8192', ws: true },
        '/demo': 'http://127.0.0.1:8192',
      },
    },
  },
  // The page a call link opens (extensions.md §15): the widget's call view on a page of its own.
  call: {
    root: at('demo/call'),
    base: '/call/',
    build: { outDir: path.join(dist, 'call'), emptyOutDir: true, target: 'es2022' },
    server: { proxy: { '/api': { target: 'http://127.0.0.1:8192', ws: true } } },
  },
  // The hosted chat page for mobile shells and links (extensions.md §16): the widget as the whole
  // page. Assets under `/chat/assets/`, the page itself at `/chat/{slug}` (routes/chat-page.ts).
  chat: {
    root: at('demo/chat'),
    base: '/chat/',
    build: { outDir: path.join(dist, 'chat'), emptyOutDir: true, target: 'es2022' },
    server: { proxy: { '/api': { target: 'http://127.0.0.1:8192', ws: true } } },
  },
  // The chat page's service worker (demo/chat/sw.ts): one classic script at `/chat/sw.js`, its
  // precache list taken from the `chat` build's output, so it is built after that.
  sw: {
    plugins: [precacheManifest()],
    build: {
      outDir: path.join(dist, 'chat'),
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      lib: { entry: at('demo/chat/sw.ts'), formats: ['iife'], name: 'RingnityChatWorker', fileName: () => 'sw.js' },
      rolldownOptions: { output: { minify: true } },
    },
  },
};

export default defineConfig(({ mode }) => {
  const target = targets[mode];
  if (!target) throw new Error(`vite.config.ts: unknown mode "${mode}"; expected one of ${Object.keys(targets).join(', ')}`);
  return { ...base, ...target };
});
