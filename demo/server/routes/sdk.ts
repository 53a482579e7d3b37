/** `/sdk/health`, `/sdk/bootstrap`, `/sdk/session`: finding the tenant and starting a visitor session. */
import { Hono } from 'hono';
import type { CreateRuntimeSessionRequest, RuntimeBootstrap, RuntimeSession } from '../../../src/contract/extensions.ts';
import { assertOriginAllowed } from '../auth/origin.ts';
import { originClaim } from '../auth/origin-binding.ts';
import { verifyContextToken } from '../auth/context-token.ts';
import { refuseServerKeyFromBrowser, refuseServerKeyInBody } from '../auth/browser-secret.ts';
import { EMAIL_SUBJECT } from '../auth/tokens.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { byIp } from '../http/rate-limit.ts';
import { ApiError } from '../http/errors.ts';
import { invalid, readJson } from '../http/validate.ts';
import { type TenantRow, findTenantByPublicKey, findTenantBySlug, toTenant } from '../store/tenants.ts';
import { sessionVisitor } from './session-visitor.ts';
import { MAX_MESSAGE_LENGTH } from './message-body.ts';
import { serviceCapabilities } from './services.ts';
import { UPLOAD_TYPES } from '../attachments/sniff.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import { forgetTypedIdentity } from '../store/visitors.ts';
import { checkHealth } from '../cluster/health.ts';

/** How long `/sdk/health` waits for the database and for its own bus probe. */
const HEALTH_TIMEOUT_MS = 1000;

export function sdkRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // A Server API key from a browser is refused here even before the API-wide check (http/api.ts).
  app.use('*', refuseServerKeyFromBrowser());

  // A load balancer's check: 503 when the database or the cluster's listener does not answer in time.
  app.get('/health', async (c) => {
    const unhealthy = await checkHealth(deps.db, HEALTH_TIMEOUT_MS);
    if (unhealthy === 'database') throw new ApiError(503, 'SERVICE_UNAVAILABLE', `The database did not answer within ${HEALTH_TIMEOUT_MS} ms.`);
    if (unhealthy === 'listener') {
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', `This instance does not hear realtime events (its LISTEN connection is down); it reconnects on its own.`);
    }
    return ok(c, { status: 'ok', serverTime: new Date().toISOString() });
  });

  app.get('/bootstrap', async (c) => {
    const tenant = await resolveTenant(deps, c.req.query('slug'), c.req.query('apiKey'));
    assertOriginAllowed(c.req.header('origin'), tenant.allowed_origins, tenant.name);
    const settings = settingsOf(tenant);
    const data: RuntimeBootstrap = {
      tenant: toTenant(tenant),
      branding: { name: tenant.name, ...tenant.branding },
      services: serviceCapabilities(tenant, deps.ai),
      sdk: {
        // Relative to the API base, so it works behind a path-prefixed proxy (extensions.md §6).
        realtimePath: 'realtime',
        maxMessageLength: MAX_MESSAGE_LENGTH,
        preChatForm: settings.preChatForm,
        maxUploadBytes: settings.maxUploadBytes,
        uploadTypes: [...UPLOAD_TYPES],
        editWindowSeconds: settings.editWindowSeconds,
      },
    };
    return ok(c, data);
  });

  app.post('/session', byIp(deps, 'sessions'), async (c) => {
    const body = await readJson<CreateRuntimeSessionRequest>(c, 'CreateRuntimeSessionRequestExt');
    refuseServerKeyInBody([body.apiKey, body.contextToken, body.visitorCredential]);
    const tenant = await resolveTenant(deps, body.slug, body.apiKey);
    assertOriginAllowed(c.req.header('origin'), tenant.allowed_origins, tenant.name);
    const context = body.contextToken === undefined ? undefined : await verifyContextToken(deps, tenant, body.contextToken);

    const identity = context
      ? {
          externalId: context.sub.startsWith(EMAIL_SUBJECT) ? undefined : context.sub,
          name: context.name,
          email: context.email,
          phone: context.phone,
        }
      : (body.visitor ?? {});
    if (context && body.visitorCredential) await forgetTypedIdentity(deps.db, tenant.id, body.visitorCredential);
    const { visitorId, credential } = await sessionVisitor(deps.db, {
      tenantId: tenant.id,
      credential: body.visitorCredential,
      identity,
      metadata: body.metadata ?? {},
      verifiedSubject: context?.sub,
    });
    const issued = await deps.tokens.sign({ typ: 'visitor', tid: tenant.id, sub: visitorId, ...originClaim(c.req.header('origin')) }, deps.config.sessionTtlSeconds);
    const data: RuntimeSession = {
      sessionToken: issued.token,
      expiresIn: issued.expiresIn,
      expiresAt: issued.expiresAt,
      visitorId,
      visitorCredential: credential,
    };
    return ok(c, data, 201);
  });

  return app;
}

async function resolveTenant(deps: Deps, slug: string | undefined, apiKey: string | undefined): Promise<TenantRow> {
  if (!slug && !apiKey) invalid('slug', 'slug or apiKey is required');
  const tenant = slug ? await findTenantBySlug(deps.db, slug) : await findTenantByPublicKey(deps.db, apiKey as string);
  if (!tenant) {
    throw new ApiError(404, 'SDK_CLIENT_NOT_FOUND', slug ? `No tenant with slug "${slug}".` : 'No tenant with this public key.');
  }
  if (!tenant.is_active) throw new ApiError(403, 'SDK_CLIENT_INACTIVE', `${tenant.name} has chat turned off.`);
  return tenant;
}
