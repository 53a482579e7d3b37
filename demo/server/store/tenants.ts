/** Tenants (the contract's `Tenant`) and how requests find theirs. */
import type { Branding, Tenant } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { sha256 } from '../ids.ts';
import { compact } from './time.ts';

/** Whether the widget asks for name and email first (extensions.md §10). */
export type PreChatForm = 'off' | 'optional' | 'required';

export interface TenantRow {
  [column: string]: unknown;
  id: string;
  slug: string;
  public_key: string;
  name: string;
  company_name: string | null;
  email: string | null;
  timezone: string;
  is_active: boolean;
  allowed_origins: string[];
  branding: Branding;
  // Migration 002; read through tenant-settings.ts.
  max_upload_bytes: number;
  edit_window_seconds: number;
  pre_chat_form: PreChatForm;
  expected_reply_minutes: number | null;
}

export async function findTenantBySlug(db: Queryable, slug: string): Promise<TenantRow | undefined> {
  return (await db.query<TenantRow>('SELECT * FROM tenants WHERE slug = $1', [slug]))[0];
}

export async function findTenantByPublicKey(db: Queryable, publicKey: string): Promise<TenantRow | undefined> {
  return (await db.query<TenantRow>('SELECT * FROM tenants WHERE public_key = $1', [publicKey]))[0];
}

export async function findTenantById(db: Queryable, id: string): Promise<TenantRow | undefined> {
  return (await db.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]))[0];
}

/** The tenant owning a secret Server API key (keys are stored as SHA-256). */
export async function findTenantByServerApiKey(db: Queryable, key: string): Promise<TenantRow | undefined> {
  const rows = await db.query<TenantRow>(
    'SELECT t.* FROM server_api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1',
    [sha256(key)],
  );
  return rows[0];
}

export function toTenant(row: TenantRow): Tenant {
  return compact({
    clientId: row.id,
    slug: row.slug,
    name: row.name,
    companyName: row.company_name ?? undefined,
    email: row.email ?? undefined,
    timezone: row.timezone,
    isActive: row.is_active,
  });
}
