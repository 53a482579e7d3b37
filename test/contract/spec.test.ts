import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SPEC_PATH } from '../helpers/contract-schema.ts';

const ROOT = path.resolve(path.dirname(SPEC_PATH), '..', '..');
const SEED = path.resolve(ROOT, '../shared/seeds/ringnity-openapi.json');

describe('the vendored contract', () => {
  it.skipIf(!existsSync(SEED))(`is byte-identical to the seed (${SEED})`, () => {
    expect(readFileSync(SPEC_PATH).equals(readFileSync(SEED))).toBe(true);
  });

  it('has generated types that are not stale', async () => {
    const run = promisify(execFile);
    await expect(run(process.execPath, ['scripts/gen-contract.mjs', '--check'], { cwd: ROOT })).resolves.toBeDefined();
  });
});
