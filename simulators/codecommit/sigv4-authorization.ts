import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../kit/loopback-server';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9\-;]+),\s*Signature=([0-9a-f]{64})$/;

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: encodeURIComponent leaves !'()* alone. */
const escapeUri = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Non-S3 services sign the normalised path encoded once more (what @smithy/signature-v4 does). */
const canonicalPath = (path: string): string => {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalised).replace(/%2F/g, '/');
};

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const canonicalQuery = (query: URLSearchParams): string =>
  [...query.entries()]
    .map(([key, value]) => [escapeUri(key), escapeUri(value)] as const)
    .sort(([ka, va], [kb, vb]) => byCodePoint(ka, kb) || byCodePoint(va, vb))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

/**
 * The `Authorization` header of a SigV4-signed request, parsed. The loopback simulator uses it to
 * recompute the signature with the secret it issued, as AWS does, so a wrong secret is refused.
 */
export class SigV4Authorization {
  private constructor(
    readonly accessKeyId: string,
    readonly date: string,
    readonly region: string,
    readonly service: string,
    private readonly signedHeaders: readonly string[],
    private readonly signature: string,
  ) {}

  /** Undefined when the header is not a well-formed SigV4 authorization. */
  static parse(header: string | undefined): SigV4Authorization | undefined {
    const match = header === undefined ? null : AUTHORIZATION_PATTERN.exec(header.trim());
    if (!match) return undefined;
    const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
    return new SigV4Authorization(accessKeyId, date, region, service, signedHeaders.split(';'), signature);
  }

  get scope(): string {
    return `${this.date}/${this.region}/${this.service}/aws4_request`;
  }

  /** True when `secretAccessKey` reproduces the request's signature. */
  matches(request: SimRequest, secretAccessKey: string): boolean {
    const amzDate = request.headers['x-amz-date'];
    if (!amzDate?.startsWith(this.date) || !this.signedHeaders.includes('host')) return false;
    // The SDK also sends the body's hash as a header; a body changed after signing must not pass on it.
    const claimedHash = request.headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== sha256Hex(request.rawBody)) return false;
    const stringToSign = [ALGORITHM, amzDate, this.scope, sha256Hex(this.canonicalRequest(request))].join('\n');
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, this.date), this.region), this.service), 'aws4_request');
    const expected = Buffer.from(createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex'));
    return timingSafeEqual(expected, Buffer.from(this.signature));
  }

  private canonicalRequest(request: SimRequest): string {
    const headers = this.signedHeaders.map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}`);
    return [
      request.method,
      canonicalPath(request.path),
      canonicalQuery(request.query),
      `${headers.join('\n')}\n`,
      this.signedHeaders.join(';'),
      sha256Hex(request.rawBody),
    ].join('\n');
  }
}
