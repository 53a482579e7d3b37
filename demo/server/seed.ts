/**
 * The demo tenant, idempotent: safe on every start. Its allowed origins follow the port the
 * server actually listens on (also port 0 in tests), so they are rewritten each start.
 */
import type { Database } from './db/database.ts';
import { hashPassword } from './auth/passwords.ts';
import { sha256 } from './ids.ts';
import { type TenantSettings, updateTenantSettings } from './store/tenant-settings.ts';

export const DEMO_TENANT_SLUG = 'acme';
export const DEMO_TENANT_ID = 'client_acme';
export const DEMO_PUBLIC_KEY = 'pk_demo_acme';
/** The demo tenant's logo (`demo/site/logo.svg`), as its branding names it. */
export const DEMO_LOGO_PATH = '/logo.svg';
export const DEMO_AGENT = { id: 'agent-demo', username: 'demo', password: 'demo', name: 'Alex (demo agent)' } as const;

export interface SeedOptions {
  /** The full allowlist of the demo tenant. */
  allowedOrigins: string[];
  serverApiKey: string;
  /** Messaging settings to write (absent ones keep their stored value). */
  settings?: Partial<TenantSettings>;
  /**
   * Branding added to the demo's name, colour, greeting and logo (`theme`, `locale`; `logoUrl`
   * replaces the demo logo, `''` leaves the header without one).
   */
  branding?: { theme?: 'light' | 'dark'; locale?: string; logoUrl?: string };
}

export async function seedDemo(db: Database, options: SeedOptions): Promise<void> {
  const branding = {
    name: 'Acme Outdoor',
    primaryColor: '#4f46e5',
    greeting: 'Hi! Questions about an order or our gear? We usually reply in a few minutes.',
    // Served by this server from demo/site; relative, so the widget resolves it against its API
    // base and it works on whichever origin (or proxy path) the server is reached.
    logoUrl: DEMO_LOGO_PATH,
    ...options.branding,
  };
  await db.query(
    `INSERT INTO tenants (id, slug, public_key, name, company_name, email, timezone, allowed_origins, branding)
     VALUES ($1, $2, $3, 'Acme Outdoor', 'Acme Outdoor Ltd', 'support@acme.example', 'Europe/London', $4::jsonb, $5::jsonb)
     ON CONFLICT (id) DO UPDATE SET allowed_origins = EXCLUDED.allowed_origins, branding = EXCLUDED.branding`,
    [DEMO_TENANT_ID, DEMO_TENANT_SLUG, DEMO_PUBLIC_KEY, JSON.stringify(options.allowedOrigins), JSON.stringify(branding)],
  );
  await updateTenantSettings(db, DEMO_TENANT_ID, options.settings ?? {});
  // The configured key is the only demo key: changing DEMO_SERVER_API_KEY revokes the old one.
  const keyHash = sha256(options.serverApiKey);
  await db.query("DELETE FROM server_api_keys WHERE tenant_id = $1 AND label = 'demo' AND key_hash <> $2", [DEMO_TENANT_ID, keyHash]);
  await db.query(
    "INSERT INTO server_api_keys (key_hash, tenant_id, label) VALUES ($1, $2, 'demo') ON CONFLICT (key_hash) DO NOTHING",
    [keyHash, DEMO_TENANT_ID],
  );
  const existing = await db.query('SELECT 1 FROM agents WHERE id = $1', [DEMO_AGENT.id]);
  if (existing.length === 0) {
    await db.query(
      `INSERT INTO agents (id, tenant_id, username, name, role, password_hash, presence, last_activity_at)
       VALUES ($1, $2, $3, $4, 'agent', $5, 'available', now()) ON CONFLICT (id) DO NOTHING`,
      [DEMO_AGENT.id, DEMO_TENANT_ID, DEMO_AGENT.username, DEMO_AGENT.name, await hashPassword(DEMO_AGENT.password)],
    );
  }
}

/** `http://localhost:PORT`, `http://127.0.0.1:PORT` and the extra origins, without duplicates. */
export function demoAllowedOrigins(port: number, extra: readonly string[]): string[] {
  return [...new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...extra])];
}
