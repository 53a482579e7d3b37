/** Anonymous visitors, found again through the credential their device keeps (extensions.md §3). */
import type { Queryable } from '../db/database.ts';
import { newId, newSecret, sha256 } from '../ids.ts';
import type { VisitorIdentity } from '../../../src/contract/extensions.ts';
import { compact } from './time.ts';

export interface VisitorRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  external_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  verified: boolean;
  metadata: Record<string, unknown>;
}

/** What `/chat/visitor/sessions` answers. */
export interface VisitorProfile {
  visitorId: string;
  externalId?: string;
  name?: string;
  email?: string;
  phone?: string;
  verified: boolean;
  metadata: Record<string, unknown>;
}

export async function findVisitorByCredential(db: Queryable, tenantId: string, credential: string): Promise<VisitorRow | undefined> {
  const rows = await db.query<VisitorRow>('SELECT * FROM visitors WHERE credential_hash = $1 AND tenant_id = $2', [
    sha256(credential),
    tenantId,
  ]);
  return rows[0];
}

export async function findVisitorById(db: Queryable, tenantId: string, id: string): Promise<VisitorRow | undefined> {
  return (await db.query<VisitorRow>('SELECT * FROM visitors WHERE id = $1 AND tenant_id = $2', [id, tenantId]))[0];
}

/**
 * What a session or an identify call writes on a visitor: the identity fields it typed or a
 * context token carried, metadata to merge, and whether a valid context token vouched for them.
 */
export interface VisitorFields {
  identity?: VisitorIdentity;
  metadata?: Record<string, unknown>;
  /** Only ever true for a valid context token. @default false */
  verified?: boolean;
}

/** Creates a visitor; returns it with the credential (shown once, stored hashed). */
export async function createVisitor(db: Queryable, tenantId: string, fields: VisitorFields = {}): Promise<{ visitor: VisitorRow; credential: string }> {
  const credential = newSecret(24);
  const [visitor] = await db.query<VisitorRow>(
    `INSERT INTO visitors (id, tenant_id, credential_hash, external_id, name, email, phone, verified, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING *`,
    [newId('vis'), tenantId, sha256(credential), ...fieldParams(fields)],
  );
  return { visitor: visitor as VisitorRow, credential };
}

/**
 * Updates the given identity fields (absent ones are kept) and merges metadata.
 * `verified` is only ever raised by a valid context token, and unverified data never
 * overwrites verified data. A verified visitor's external id is its identity: it is never
 * changed (a different person gets a different visitor, routes/session-visitor.ts).
 */
export async function updateVisitor(db: Queryable, visitor: VisitorRow, fields: VisitorFields = {}): Promise<VisitorRow> {
  if (visitor.verified && !fields.verified) fields = { ...fields, identity: {} };
  const [row] = await db.query<VisitorRow>(
    `UPDATE visitors SET
       external_id = CASE WHEN verified THEN external_id ELSE COALESCE($2, external_id) END, name = COALESCE($3, name), email = COALESCE($4, email),
       phone = COALESCE($5, phone), verified = verified OR $6, metadata = metadata || $7::jsonb, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [visitor.id, ...fieldParams(fields)],
  );
  return row as VisitorRow;
}

/**
 * "Chat, then sign in": the anonymous visitor this credential names is about to become verified.
 * What it typed before (`identify()`, the pre-chat form) must not ride along: a typed external id
 * kept next to `verified` would link it to that customer's conversations on other devices
 * (extensions.md §12), and a typed email would show to agents as verified. Only the context
 * token's fields remain. A verified visitor is untouched (`sessionVisitor` decides whether it
 * may be resumed at all).
 */
export async function forgetTypedIdentity(db: Queryable, tenantId: string, credential: string): Promise<void> {
  await db.query(
    'UPDATE visitors SET external_id = NULL, name = NULL, email = NULL, phone = NULL WHERE credential_hash = $1 AND tenant_id = $2 AND NOT verified',
    [sha256(credential), tenantId],
  );
}

/**
 * The identity columns, `verified` and `metadata` as {@link createVisitor} and
 * {@link updateVisitor} bind them: six parameters in that order, absent fields as SQL NULL.
 */
function fieldParams({ identity = {}, metadata = {}, verified = false }: VisitorFields): unknown[] {
  return [identity.externalId ?? null, identity.name ?? null, identity.email ?? null, identity.phone ?? null, verified, JSON.stringify(metadata)];
}

export function toVisitorProfile(row: VisitorRow): VisitorProfile {
  return compact({
    visitorId: row.id,
    externalId: row.external_id ?? undefined,
    name: row.name ?? undefined,
    email: row.email ?? undefined,
    phone: row.phone ?? undefined,
    verified: row.verified,
    metadata: row.metadata ?? {},
  });
}

/**
 * The visitor ids whose conversations this visitor may read: itself, plus, when its identity
 * came from a signed context token, every verified visitor of the tenant with the same external
 * id (or, without one, the same email): the same person on other devices (extensions.md §12).
 * Unverified identity never links visitors: anyone can type someone else's email.
 */
export async function contactVisitorIds(db: Queryable, visitor: VisitorRow): Promise<string[]> {
  if (!visitor.verified || (!visitor.external_id && !visitor.email)) return [visitor.id];
  const rows = visitor.external_id
    ? await db.query<{ id: string }>('SELECT id FROM visitors WHERE tenant_id = $1 AND verified AND external_id = $2', [visitor.tenant_id, visitor.external_id])
    : await db.query<{ id: string }>('SELECT id FROM visitors WHERE tenant_id = $1 AND verified AND external_id IS NULL AND lower(email) = lower($2)', [
        visitor.tenant_id,
        visitor.email,
      ]);
  return [...new Set([visitor.id, ...rows.map((r) => r.id)])];
}
