/**
 * Which modules the widget app's always-loaded files are made of, largest first, from
 * `dist/meta.json` (written by `npm run build`): where to look when the size budget fails.
 * Each module's gzip share is its part of its file's rendered code times the file's gzip size
 * (an estimate: gzip works across module boundaries).
 *
 * Run: `npm run build && npx tsx test/build/module-share.ts [entry] [top]`
 * (entry defaults to `widget/app.js`, top to 40 rows).
 */
import fs from 'node:fs';
import path from 'node:path';

interface Output {
  bytes: number;
  gzip: number;
  imports?: string[];
  modules?: Record<string, number>;
}

export interface ModuleShare {
  module: string;
  file: string;
  /** Rendered bytes before compression. */
  raw: number;
  /** Estimated gzip bytes. */
  gzip: number;
}

/** The modules of `entry` and of the files it imports statically, largest gzip share first. */
export function moduleShares(outputs: Record<string, Output>, entry: string): ModuleShare[] {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file) || !outputs[file]) return;
    files.add(file);
    for (const next of outputs[file].imports ?? []) visit(path.posix.join(path.posix.dirname(file), next));
  };
  visit(entry);
  return [...files]
    .flatMap((file) => {
      const { gzip, modules = {} } = outputs[file]!;
      const rendered = Object.values(modules).reduce((n, m) => n + m, 0) || 1;
      return Object.entries(modules).map(([module, raw]) => ({ module, file, raw, gzip: Math.round((raw / rendered) * gzip) }));
    })
    .sort((a, b) => b.gzip - a.gzip);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [entry = 'widget/app.js', top = '40'] = process.argv.slice(2);
  const meta = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../dist/meta.json'), 'utf8')) as { outputs: Record<string, Output> };
  const shares = moduleShares(meta.outputs, entry);
  const total = shares.reduce((n, s) => n + s.gzip, 0);
  console.log(`${entry}: ${(total / 1024).toFixed(2)} KB gzip in ${new Set(shares.map((s) => s.file)).size} files\n`);
  for (const s of shares.slice(0, +top)) console.log(`${String(s.gzip).padStart(6)}  ${String(s.raw).padStart(6)}  ${s.module}`);
}
