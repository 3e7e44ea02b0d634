import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { AppRegistration } from './state.ts';

/** Nordea's sandbox accepts this literal instead of a real signature. */
export const SKIP_SIGNATURE_VALUE = 'SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX';

const HEADERS_WITHOUT_BODY = ['(request-target)', 'x-nordea-originating-host', 'x-nordea-originating-date'];
const HEADERS_WITH_BODY = [...HEADERS_WITHOUT_BODY, 'content-type', 'digest'];

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (`/personal/v5/accounts?x=y`). */
  target: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; status: 400 | 401; description: string; path?: string };

interface SignatureParameters {
  keyId?: string;
  algorithm?: string;
  headers?: string;
  signature?: string;
}

function parseSignatureHeader(value: string): SignatureParameters | undefined {
  const parameters: Record<string, string> = {};
  const pattern = /\s*([A-Za-z]+)="([^"]*)"\s*(,|$)/y;
  let match: RegExpExecArray | null = pattern.exec(value);
  while (match) {
    const [, name, parameterValue] = match;
    if (name && parameterValue !== undefined) parameters[name] = parameterValue;
    if (pattern.lastIndex >= value.length) break;
    match = pattern.exec(value);
  }
  if (pattern.lastIndex < value.length && Object.keys(parameters).length === 0) return undefined;
  return parameters;
}

const keyCache = new Map<string, KeyObject>();

function publicKeyFor(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    keyCache.set(pem, key);
  }
  return key;
}

/** Checks `Digest` against the exact bytes received; accepts `sha-256=`/`SHA-256=` and `sha-512=`. */
export function digestMatches(digestHeader: string, body: Buffer): boolean {
  const separator = digestHeader.indexOf('=');
  if (separator < 0) return false;
  const algorithm = digestHeader.slice(0, separator).toLowerCase();
  const value = digestHeader.slice(separator + 1);
  if (algorithm !== 'sha-256' && algorithm !== 'sha-512') return false;
  return createHash(algorithm.replace('-', '')).update(body).digest('base64') === value;
}

/** Form bodies must list their keys in alphabetical order: Nordea digests the normalised form. */
export function formKeysSorted(body: Buffer): boolean {
  const keys = body
    .toString('utf8')
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => pair.split('=')[0] ?? '');
  return keys.every((key, index) => index === 0 || (keys[index - 1] ?? '') <= key);
}

/**
 * draft-cavage-http-signatures-10 as Nordea uses it: rsa-sha256, keyId = client id, and the header list
 * `(request-target) x-nordea-originating-host x-nordea-originating-date` plus `content-type digest` with a body.
 */
export function verifySignature(app: AppRegistration, request: SignedRequest): SignatureVerdict {
  const fail = (description: string): SignatureVerdict => ({ ok: false, status: 401, description });
  const signatureHeader = request.headers.signature;
  if (!signatureHeader) return fail('Signature header is missing.');
  const hasBody = request.body.length > 0;
  const digestHeader = request.headers.digest;
  if (hasBody && digestHeader !== undefined && !digestMatches(digestHeader, request.body)) {
    return fail('Digest does not match the request body.');
  }
  const contentType = request.headers['content-type'] ?? '';
  if (
    hasBody &&
    contentType.startsWith('application/x-www-form-urlencoded') &&
    !formKeysSorted(request.body)
  ) {
    return fail('Form parameters must be in alphabetical order for the digest to match.');
  }
  if (signatureHeader.trim() === SKIP_SIGNATURE_VALUE) {
    return app.allowSkipSignature
      ? { ok: true }
      : fail('Signature validation cannot be skipped for this application.');
  }
  const parameters = parseSignatureHeader(signatureHeader);
  if (!parameters?.signature || !parameters.headers || !parameters.keyId) {
    return fail('Signature header is malformed.');
  }
  if (parameters.keyId !== app.clientId) {
    return fail("KeyId claim doesn't match to Client Id from X-IBM-Client-Id header.");
  }
  if (parameters.algorithm !== undefined && parameters.algorithm.toLowerCase() !== 'rsa-sha256') {
    return fail(`Unsupported signature algorithm ${parameters.algorithm}.`);
  }
  const signedHeaders = parameters.headers.trim().toLowerCase().split(/\s+/);
  const required = hasBody ? HEADERS_WITH_BODY : HEADERS_WITHOUT_BODY;
  const missing = required.filter((name) => !signedHeaders.includes(name));
  if (missing.length > 0) return fail(`Signature must cover: ${missing.join(' ')}.`);
  if (hasBody && digestHeader === undefined) return fail('Digest header is missing.');
  const lines: string[] = [];
  for (const name of signedHeaders) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${request.method.toLowerCase()} ${request.target}`);
      continue;
    }
    const value = request.headers[name];
    if (value === undefined) return fail(`Signed header ${name} is missing from the request.`);
    lines.push(`${name}: ${value}`);
  }
  if (!app.publicKeyPem)
    return fail('No certificate is registered for this application; signature cannot be verified.');
  let valid = false;
  try {
    valid = verify(
      'RSA-SHA256',
      Buffer.from(lines.join('\n')),
      publicKeyFor(app.publicKeyPem),
      Buffer.from(parameters.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : fail('Signature verification failed.');
}
