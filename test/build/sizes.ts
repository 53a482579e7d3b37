/**
 * Measures the shipped bundles: the loader, the widget app (its entry plus every chunk it
 * imports statically, i.e. everything needed to show an open chat) and the runtime core
 * (src/index.ts tree-shaken and minified with its dependencies bundled in). The core is
 * counted like the app: the entry chunk and what it imports statically; chunks it loads with
 * `import()` on first use (the upload machinery) are measured apart, without a budget.
 * Shared by the size test and `npm run bench`.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';

export const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'dist');

export interface BundleSize {
  name: 'loader' | 'widget app' | 'core' | 'core, on demand';
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
  /** Gzip budget in bytes; `Infinity` for what is only reported. */
  budgetGzip: number;
}

const gzip = (b: Buffer) => zlib.gzipSync(b, { level: 9 }).length;
const brotli = (b: Buffer) =>
  zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

function measure(name: BundleSize['name'], files: string[], contents: Buffer[], budgetGzip: number): BundleSize {
  // Each file is fetched and compressed on its own, so sizes add up per file.
  return {
    name,
    files,
    raw: contents.reduce((n, c) => n + c.length, 0),
    gzip: contents.reduce((n, c) => n + gzip(c), 0),
    brotli: contents.reduce((n, c) => n + brotli(c), 0),
    budgetGzip,
  };
}

/** Files reachable from `entry` through static `import … from './x.js'` / `import './x.js'`. */
export function staticImportClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(file, 'utf8');
    // Static imports only: `import x from"./a.js"`, `import"./a.js"`, `export … from"./a.js"`.
    const re = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
    for (const m of code.matchAll(re)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  visit(entry);
  return [...seen];
}

/** The core bundle's chunks: what loads with the entry, and what loads on demand. */
async function coreBundle(): Promise<{ loaded: Buffer[]; lazy: Buffer[] }> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: true,
      lib: { entry: path.join(root, 'src/index.ts'), formats: ['es'], fileName: 'core' },
      // Vite keeps whitespace in ES library builds (the consumer's bundler minifies); measure
      // what a consumer ships: fully minified.
      // As in the library build: the entry carries what it shares with its lazy chunks.
      rolldownOptions: { preserveEntrySignatures: 'allow-extension', output: { minify: true } },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
  const chunks = new Map(outputs.flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o] as const] : [])));
  const loaded = new Set<string>();
  const visit = (name: string) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    for (const next of chunks.get(name)?.imports ?? []) visit(next);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  const code = (names: string[]) => names.map((n) => Buffer.from(chunks.get(n)!.code));
  return { loaded: code([...loaded]), lazy: code([...chunks.keys()].filter((n) => !loaded.has(n))) };
}

export async function measureBundles(): Promise<BundleSize[]> {
  const loader = path.join(dist, 'loader.js');
  const app = path.join(dist, 'widget/app.js');
  for (const f of [loader, app]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run \`npm run build\` first`);
  }
  const appFiles = staticImportClosure(app);
  const rel = (f: string) => path.relative(root, f);
  const core = await coreBundle();
  return [
    measure('loader', [rel(loader)], [fs.readFileSync(loader)], 1536),
    measure('widget app', appFiles.map(rel), appFiles.map((f) => fs.readFileSync(f)), 30 * 1024),
    measure('core', ['src/index.ts (bundled with signals-core, idb-keyval)'], core.loaded, 12 * 1024),
    measure('core, on demand', ['chunks src/index.ts loads with import()'], core.lazy, Infinity),
  ];
}

export function formatTable(sizes: BundleSize[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  const rows = sizes.map(
    (s) =>
      `${s.name.padEnd(16)} ${kb(s.raw).padStart(10)} ${kb(s.gzip).padStart(10)} ${kb(s.brotli).padStart(10)} ${(s.budgetGzip === Infinity ? '-' : kb(s.budgetGzip)).padStart(10)}  ${s.gzip <= s.budgetGzip ? 'ok' : 'OVER'}`,
  );
  return ['bundle                raw       gzip     brotli gzip budget', ...rows].join('\n');
}
