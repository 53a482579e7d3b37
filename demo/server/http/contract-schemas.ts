/**
 * ajv validators compiled from the vendored contract's component schemas, so request bodies are
 * checked against exactly what the contract says (no hand-written validation).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REPO_ROOT } from '../config.ts';

// ajv-formats is CommonJS whose default export TypeScript's Bundler resolution mistypes.
const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

const SPEC_ID = 'ringnity-openapi';

/** Request shapes outside the contract: extensions.md §3 (against contract refs) and the demo login. */
const EXTENSION_SCHEMAS: Record<string, object> = {
  CreateRuntimeSessionRequestExt: {
    allOf: [
      { $ref: `${SPEC_ID}#/components/schemas/CreateRuntimeSessionRequest` },
      { type: 'object', properties: { visitorCredential: { type: 'string', minLength: 1, maxLength: 200 } } },
    ],
  },
  // extensions.md §9: an edit must carry the new body.
  MessagePatchRequestExt: {
    allOf: [{ $ref: `${SPEC_ID}#/components/schemas/MessagePatchRequest` }, { type: 'object', required: ['body'] }],
  },
  // extensions.md §15: the call page trades its link's token for a visitor session.
  CallLinkSessionRequest: {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
  },
  // The demo-only console sign-in (routes/demo-login.ts); not part of the contract.
  DemoAgentLogin: {
    type: 'object',
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 200 },
      password: { type: 'string', minLength: 1, maxLength: 200 },
      slug: { type: 'string' },
    },
  },
};

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (!ajv) {
    const spec = JSON.parse(readFileSync(`${REPO_ROOT}/src/contract/ringnity-openapi.json`, 'utf8')) as object;
    // strict: false because the contract carries OpenAPI keywords (`example`, `nullable`) JSON Schema lacks.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...spec, $id: SPEC_ID });
  }
  return ajv;
}

/** The validator for a contract component schema (e.g. `SendMessageRequest`) or one of our extension shapes. */
export function schemaValidator(name: string): ValidateFunction {
  let validate = cache.get(name);
  if (!validate) {
    const extension = EXTENSION_SCHEMAS[name];
    validate = extension
      ? instance().compile(extension)
      : instance().getSchema(`${SPEC_ID}#/components/schemas/${name}`);
    if (!validate) throw new Error(`The contract has no schema ${name}`);
    cache.set(name, validate);
  }
  return validate;
}
