import { beforeAll, describe, expect, it } from 'vitest';
import { formatTable, measureBundles, type BundleSize } from './sizes.ts';

// Deterministic budgets from DESIGN.md §6, checked on the built files (`npm run build` runs first).
describe('bundle sizes', () => {
  let sizes: BundleSize[];
  beforeAll(async () => {
    sizes = await measureBundles();
    console.log(`\n${formatTable(sizes)}\n`);
  }, 60_000);

  const byName = (name: BundleSize['name']) => sizes.find((s) => s.name === name)!;

  it('keeps the script-tag loader within 1.5 KB gzip', () => {
    expect(byName('loader').gzip).toBeLessThanOrEqual(1536);
  });

  it('keeps the widget app (entry and its static imports) within 30 KB gzip', () => {
    expect(byName('widget app').gzip).toBeLessThanOrEqual(30 * 1024);
  });

  it('keeps the runtime core with its dependencies within 12 KB gzip', () => {
    expect(byName('core').gzip).toBeLessThanOrEqual(12 * 1024);
  });
});
