/**
 * A random v4 UUID. `crypto.randomUUID` only exists in secure contexts (https, localhost), so a
 * site served over plain http or an old WebView gets the fallback: `getRandomValues` where it
 * exists, else `Math.random` (ids only need to be unique, not secret).
 */
export function uuid(): string {
  const c = globalThis.crypto;
  const byte = () => (c?.getRandomValues ? c.getRandomValues(new Uint8Array(1))[0]! : (Math.random() * 256) | 0);
  // The classic template trick: 1 → any hex digit, 4 stays (version), 8 → 8..b (variant).
  return c?.randomUUID?.() ?? '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (d) => (+d ^ (byte() & (15 >> (+d / 4)))).toString(16));
}
