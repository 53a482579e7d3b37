/**
 * Issue 8 item 4: nothing secret ships to browsers. Every file of the build (`dist/**`: the
 * loader, the widget, the core, the hosted pages, the console, the types) is read and searched
 * for the demo Server API key, the token secret(s) this machine is configured with, anything
 * shaped like a Server API key, a signed token or a private key. Needs a fresh `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import { SERVER_KEY_SHAPE } from '../../demo/server/auth/browser-secret.ts';

const dist = path.resolve(import.meta.dirname, '../../dist');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const shapes: Array<[string, RegExp]> = [
  ['a Server API key', new RegExp(SERVER_KEY_SHAPE.source, 'g')],
  ['a signed token (JWT)', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/g],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/g],
];

describe('the built bundles', () => {
  const all = fs.existsSync(dist) ? files(dist) : [];

  it('exist (run `npm run build` first)', () => {
    expect(all.some((f) => f.endsWith('loader.js'))).toBe(true);
    expect(all.some((f) => f.endsWith('widget/app.js'))).toBe(true);
  });

  it('contain neither the demo Server API key nor a configured secret', () => {
    const secrets = [DEMO_SERVER_API_KEY, process.env.DEMO_SERVER_API_KEY, process.env.TOKEN_SECRET].filter((s): s is string => !!s && s.length >= 8);
    for (const file of all) {
      const text = fs.readFileSync(file, 'latin1');
      for (const secret of secrets) expect(text.includes(secret), `${path.relative(dist, file)} holds a secret`).toBe(false);
    }
  });

  it('contain nothing shaped like a Server API key, a signed token or a private key', () => {
    const found: string[] = [];
    for (const file of all) {
      const text = fs.readFileSync(file, 'latin1');
      for (const [what, shape] of shapes) for (const m of text.matchAll(shape)) found.push(`${path.relative(dist, file)}: ${what} (${m[0].slice(0, 12)}…)`);
    }
    expect(found).toEqual([]);
  });

  it('catches a planted key (the search works)', () => {
    const planted = `const k = "${DEMO_SERVER_API_KEY}";`;
    expect(shapes.some(([, shape]) => new RegExp(shape.source).test(planted))).toBe(true);
  });
});
