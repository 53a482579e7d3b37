import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './sizes.ts';

// The published surface of the built package: what `import … from 'ringnity-web'` gives.
describe('package exports', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; import: string }>;
  };

  it('points every export at built files that exist, types first', () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      expect(Object.keys(target)[0], entry).toBe('types');
      expect(fs.existsSync(path.join(root, target.types)), target.types).toBe(true);
      expect(fs.existsSync(path.join(root, target.import)), target.import).toBe(true);
    }
  });

  it('exposes exactly the curated runtime API', async () => {
    const core = (await import(path.join(root, pkg.exports['.']!.import))) as Record<string, unknown>;
    expect(Object.keys(core).sort()).toEqual(
      ['createIdbStorage', 'createMemoryStorage', 'createRuntime', 'isRuntimeError', 'RuntimeError'].sort(),
    );
  });

  it('imports the core under plain Node without touching window or document', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const core = (await import(path.join(root, pkg.exports['.']!.import))) as { createRuntime: unknown };
    expect(typeof core.createRuntime).toBe('function');
  });
});
