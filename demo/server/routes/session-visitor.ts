/**
 * Which visitor a `/sdk/session` is for (extensions.md §3). The stored visitor credential names
 * the browser's last visitor, but a browser can be shared: the credential is only reused when
 * the identity asking matches the identity that visitor was verified as. Otherwise a new visitor
 * with a new credential is created, so Bob signing in after Alice never gets Alice's history.
 */
import type { VisitorIdentity } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { EMAIL_SUBJECT } from '../auth/tokens.ts';
import { type VisitorRow, createVisitor, findVisitorByCredential, updateVisitor } from '../store/visitors.ts';

export interface SessionVisitorRequest {
  tenantId: string;
  credential: string | undefined;
  identity: VisitorIdentity;
  metadata: Record<string, unknown>;
  /** The verified context token's `sub` (external id or `mailto:` + email), absent when unsigned. */
  verifiedSubject: string | undefined;
}

export async function sessionVisitor(db: Queryable, request: SessionVisitorRequest): Promise<{ visitorId: string; credential: string }> {
  const { tenantId, credential, identity, metadata, verifiedSubject } = request;
  const verified = verifiedSubject !== undefined;
  const known = credential ? await findVisitorByCredential(db, tenantId, credential) : undefined;
  if (known && credential && mayResume(known, verifiedSubject)) {
    await updateVisitor(db, known, { identity, metadata, verified });
    return { visitorId: known.id, credential };
  }
  const created = await createVisitor(db, tenantId, { identity, metadata, verified });
  return { visitorId: created.visitor.id, credential: created.credential };
}

/**
 * An anonymous visitor may be resumed by anyone holding its credential (and becomes verified
 * when a context token comes along: the usual "chat, then sign in"). A verified visitor only
 * by a context token for the same person: never by an unsigned session (someone signed out, or
 * the next user of the browser), never by another signed-in user.
 */
function mayResume(visitor: VisitorRow, verifiedSubject: string | undefined): boolean {
  if (!visitor.verified) return true;
  if (verifiedSubject === undefined) return false;
  return subjectKey(verifiedSubject) === verifiedKeyOf(visitor);
}

/** The identity a verified visitor was verified as, in the form of a context token's `sub`. */
function verifiedKeyOf(visitor: VisitorRow): string | undefined {
  if (visitor.external_id) return visitor.external_id;
  return visitor.email ? subjectKey(`${EMAIL_SUBJECT}${visitor.email}`) : undefined;
}

/** Emails compare case-insensitively (extensions.md §12 links them so too); external ids exactly. */
function subjectKey(sub: string): string {
  return sub.startsWith(EMAIL_SUBJECT) ? sub.toLowerCase() : sub;
}
