// `npm run build`: every browser bundle (one vite build per mode of vite.config.ts), then the
// type declarations, then dist/meta.json listing each output file with the modules in it, so a
// size check that fails can name the cause.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// mode → its outDir under dist (as set in vite.config.ts).
const modes = { loader: '', app: 'widget', library: '', console: 'console', call: 'call', chat: 'chat', sw: 'chat' };

await fs.rm(dist, { recursive: true, force: true });

const meta = { outputs: {} };
for (const [mode, outDir] of Object.entries(modes)) {
  const started = performance.now();
  const result = await build({ configFile: path.join(root, 'vite.config.ts'), mode });
  for (const bundle of Array.isArray(result) ? result : [result]) {
    if (!('output' in bundle)) continue;
    for (const item of bundle.output) {
      const file = path.posix.join(outDir, item.fileName);
      const code = item.type === 'chunk' ? item.code : item.source;
      meta.outputs[file] = {
        target: mode,
        type: item.type,
        bytes: Buffer.byteLength(code),
        gzip: zlib.gzipSync(code, { level: 9 }).length,
        ...(item.type === 'chunk' && {
          imports: item.imports,
          dynamicImports: item.dynamicImports,
          modules: Object.fromEntries(
            Object.entries(item.modules)
              .map(([id, m]) => [path.relative(root, id.replace(/^\0/, '')), m.renderedLength])
              .sort((a, b) => b[1] - a[1]),
          ),
        }),
      };
    }
  }
  console.log(`built ${mode.padEnd(8)} in ${Math.round(performance.now() - started)} ms (dist/${outDir})`);
}

// Declarations for the npm entries (`exports[*].types` in package.json).
const started = performance.now();
await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root }).catch(
  (error) => {
    console.error(error.stdout || error.message);
    process.exit(1);
  },
);
// tsc does not copy hand-written or generated .d.ts files (the contract types); the emitted
// declarations import them, so put them beside.
for (const file of await fs.readdir(path.join(root, 'src'), { recursive: true })) {
  if (!file.endsWith('.d.ts')) continue;
  await fs.mkdir(path.dirname(path.join(dist, 'types/src', file)), { recursive: true });
  await fs.copyFile(path.join(root, 'src', file), path.join(dist, 'types/src', file));
}
// The `window.Ringnity` global for script-tag pages (`ringnity-web/global`), next to the types it names.
await fs.copyFile(path.join(root, 'widget/ringnity-global.d.ts'), path.join(dist, 'ringnity-global.d.ts'));
console.log(`built types    in ${Math.round(performance.now() - started)} ms (dist/types)`);

await fs.writeFile(path.join(dist, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);

