import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { root } from './sizes.ts';

// The published surface of the built package: what `import … from 'ringnity-web'` gives.
describe('package exports', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; import?: string }>;
  };

  it('points every export at built files that exist, types first', () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      expect(Object.keys(target)[0], entry).toBe('types');
      expect(fs.existsSync(path.join(root, target.types)), target.types).toBe(true);
      // `./global` is types only: the `window.Ringnity` declaration for script-tag sites.
      if (entry !== './global') expect(fs.existsSync(path.join(root, target.import!)), target.import).toBe(true);
    }
  });

  it('exposes exactly the curated runtime API', async () => {
    const core = (await import(path.join(root, pkg.exports['.']!.import!))) as Record<string, unknown>;
    expect(Object.keys(core).sort()).toEqual(
      ['createIdbStorage', 'createMemoryStorage', 'createRuntime', 'isRuntimeError', 'RuntimeError'].sort(),
    );
  });

  it('imports the core under plain Node without touching window or document', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const core = (await import(path.join(root, pkg.exports['.']!.import!))) as { createRuntime: unknown };
    expect(typeof core.createRuntime).toBe('function');
  });

  it('imports ringnity-web and ringnity-web/widget by name in a plain Node process without touching a browser global', async () => {
    // Every browser global a module could touch at import is a trap here, as an SSR server imports
    // both entries. Our built files must not read any; a dependency's own probe (Preact Signals
    // looks for its devtools with \`typeof window\`) is not ours.
    const script = `
      const touched = [];
      const ours = () => !new Error().stack.split('\\n')[3].includes('/node_modules/');
      for (const name of ['window', 'document', 'location', 'localStorage', 'indexedDB', 'history', 'customElements'])
        Object.defineProperty(globalThis, name, { configurable: true, get: () => void (ours() && touched.push(name)) });
      const core = await import('ringnity-web');
      const widget = await import('ringnity-web/widget');
      console.log(JSON.stringify({ touched, core: typeof core.createRuntime, widget: typeof widget.mountWidget }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ touched: [], core: 'function', widget: 'function' });
  });
});
