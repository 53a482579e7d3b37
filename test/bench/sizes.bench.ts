/**
 * Bundle sizes (deterministic; the same numbers `npm test` enforces in test/build): the loader,
 * the widget app and the runtime core, gzip and brotli, and the largest modules in each with
 * their share, so a regression names its cause. Needs a fresh `npm run build` (`dist/`).
 * Module shares come from `dist/meta.json` for the loader and the app; the core is bundled here
 * (not in dist) so it has no per-module list.
 * Run alone: `npx tsx test/bench/sizes.bench.ts` (`BENCH_TOP_MODULES`, default 5).
 */
import fs from 'node:fs';
import path from 'node:path';
import { moduleShares } from '../build/module-share.ts';
import { measureBundles, root } from '../build/sizes.ts';
import { report } from './figures.ts';
import { envCount } from './stats.ts';

const ids = { loader: 'loader', 'widget app': 'widget-app', core: 'core', 'core, on demand': 'core-on-demand' } as const;
const top = envCount('BENCH_TOP_MODULES', 5);

for (const size of await measureBundles()) {
  const id = ids[size.name];
  report(
    { id: `size.${id}.gzip`, label: `${size.name}, gzip`, value: size.gzip, unit: 'bytes', note: `${size.files.length} file(s)` },
    { id: `size.${id}.brotli`, label: `${size.name}, brotli`, value: size.brotli, unit: 'bytes' },
  );
}

// Which modules each shipped entry is made of (gzip share estimated per module, see module-share.ts).
const meta = JSON.parse(fs.readFileSync(path.join(root, 'dist/meta.json'), 'utf8')) as { outputs: Parameters<typeof moduleShares>[0] };
for (const [entry, name] of [['loader.js', 'loader'], ['widget/app.js', 'widget app']] as const) {
  const shares = moduleShares(meta.outputs, entry);
  const total = shares.reduce((n, s) => n + s.gzip, 0) || 1;
  console.log(`\n${name} (${entry}): largest modules, estimated gzip share`);
  for (const s of shares.slice(0, top)) {
    const module = s.module.replace(/^.*node_modules\//, '');
    console.log(`  ${String(s.gzip).padStart(6)} B ${((100 * s.gzip) / total).toFixed(1).padStart(5)}%  ${module}`);
    report({ id: `size.${ids[name]}.module.${module}`, label: `  ${name} module ${module}`, value: (100 * s.gzip) / total, unit: 'percent', note: `${s.gzip} B gzip` });
  }
}
