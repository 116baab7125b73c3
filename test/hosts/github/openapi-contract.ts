import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;

interface OpenApiResponse {
  readonly content?: Readonly<Record<string, { readonly schema?: Schema }>>;
  readonly headers?: Readonly<Record<string, unknown>>;
}

interface OpenApiOperation {
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> };
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

/** One exchange as a client saw it. */
export interface Exchange {
  readonly method: string;
  /** Path relative to the API root (without /api/v3), query removed. */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * GitHub answers 400 (unparsable JSON), 401 (bad credentials), 403 (fine-grained token without the
 * permission, rate limits) and 404 (missing or invisible: "404 Not Found instead of 403 Forbidden")
 * on every route, but its OpenAPI declares them only on some. For those statuses alone an
 * undeclared response is checked against the spec's own Basic Error schema.
 */
export const CROSS_CUTTING_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404]);

/** OpenAPI 3.0 `nullable` into JSON Schema, recursively (the documents are fully dereferenced). */
const toJsonSchema = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, example: _example, ...rest } = node as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    const withNull: Schema = { ...converted, type: [converted.type, 'null'] };
    if (Array.isArray(converted.enum)) withNull.enum = [...converted.enum, null];
    return withNull;
  }
  return { anyOf: [converted, { type: 'null' }] };
};

const templatePattern = (template: string): RegExp =>
  new RegExp(`^${template.replace(/\{(ref|branch)\}/g, '(.+)').replace(/\{[^}]+\}/g, '([^/]+)')}$`);

// Compiling GitHub's large schemas takes seconds: one compiler, and identical schemas (github.com and
// GHES share most) compiled once. Unoptimised code compiles about twice as fast; validation stays quick.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false, code: { optimize: false } }));
const validators = new Map<string, ValidateFunction>();

export class OpenApiContract {
  readonly #document: OpenApiDocument;
  readonly #basicError: Schema;

  /** `extraPaths`: operations pinned from the full published description that the subset file lacks (see list-route-schemas.ts). */
  constructor(file: string, extraPaths: OpenApiDocument['paths'] = {}) {
    const subset = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    this.#document = { ...subset, paths: { ...subset.paths, ...extraPaths } };
    const basicError = this.#document.paths['/user']?.get?.responses['401']?.content?.['application/json']?.schema;
    if (!basicError) throw new Error('the spec has no Basic Error schema at GET /user 401');
    this.#basicError = basicError;
  }

  /** The spec path template a concrete path belongs to, for this method. */
  template(method: string, path: string): string | undefined {
    const candidates = Object.entries(this.#document.paths)
      .filter(([template, operations]) => operations[method.toLowerCase()] && templatePattern(template).test(path))
      .map(([template]) => template);
    return candidates.sort((a, b) => b.replace(/\{[^}]+\}/g, '').length - a.replace(/\{[^}]+\}/g, '').length)[0];
  }

  /** Every way the exchange breaks the spec; empty when it conforms. */
  responseProblems(exchange: Exchange): string[] {
    const template = this.template(exchange.method, exchange.path);
    if (!template) return [`${exchange.method} ${exchange.path}: no such route in the spec`];
    const operation = this.#document.paths[template]?.[exchange.method.toLowerCase()];
    const declared = operation?.responses[String(exchange.status)];
    const where = `${exchange.method} ${template} ${exchange.status}`;
    if (!declared && !CROSS_CUTTING_STATUSES.has(exchange.status)) return [`${where}: status not in the spec`];
    const problems = declared ? this.#headerProblems(declared, exchange, where) : [];
    const schema = declared ? declared.content?.['application/json']?.schema : this.#basicError;
    return [...problems, ...this.#bodyProblems(schema, exchange, where)];
  }

  /** Problems of a request body a client sent, against the operation's requestBody schema. */
  requestProblems(method: string, path: string, body: string): string[] {
    const template = this.template(method, path);
    if (!template) return [`${method} ${path}: no such route in the spec`];
    const schema = this.#document.paths[template]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    if (!schema) return body === '' ? [] : [`${method} ${template}: the spec declares no request body`];
    return this.#validate(schema, body, `${method} ${template} request`);
  }

  #headerProblems(declared: OpenApiResponse, exchange: Exchange, where: string): string[] {
    return Object.keys(declared.headers ?? {})
      .filter((name) => exchange.headers[name.toLowerCase()] === undefined)
      .map((name) => `${where}: header ${name} missing`);
  }

  #bodyProblems(schema: Schema | undefined, exchange: Exchange, where: string): string[] {
    if (schema) return this.#validate(schema, exchange.body, where);
    if ([204, 304].includes(exchange.status)) return exchange.body === '' ? [] : [`${where}: body where the spec has none`];
    // Declared without a body (DELETE …/git/refs 422): GitHub still sends its Basic Error.
    return this.#validate(this.#basicError, exchange.body, where);
  }

  #validate(schema: Schema, text: string, where: string): string[] {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return [`${where}: body is not JSON`];
    }
    const validate = this.#validator(schema);
    if (validate(data)) return [];
    return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '(root)'} ${error.message ?? ''}`);
  }

  #validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    const cached = validators.get(key);
    if (cached) return cached;
    const compiled = ajv.compile(toJsonSchema(schema) as Schema);
    validators.set(key, compiled);
    return compiled;
  }
}
