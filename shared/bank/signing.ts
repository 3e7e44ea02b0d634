import { createHash, createSign, type KeyObject } from 'node:crypto';

/**
 * Nordea's request signing: draft-cavage-http-signatures-10, rsa-sha256, keyId = client id. Requests
 * without a body sign `(request-target) x-nordea-originating-host x-nordea-originating-date`; requests
 * with one also sign `content-type digest`. The digest covers the exact bytes sent.
 */

export const SANDBOX_SKIP_SIGNATURE = 'SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX';

export type Signer = { mode: 'rsa-sha256'; keyId: string; privateKey: KeyObject } | { mode: 'sandbox-skip' };

export interface SignableRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/personal/v5/accounts/x/transactions?from_date=2024-01-01`. */
  pathWithQuery: string;
  originatingHost: string;
  originatingDate: string;
  /** Present when the request has a body; then content-type and digest are signed too. */
  body?: { contentType: string; digest: string };
}

export function sha256Digest(body: Uint8Array): string {
  return `sha-256=${createHash('sha256').update(body).digest('base64')}`;
}

export function signedHeaderNames(hasBody: boolean): string[] {
  const names = ['(request-target)', 'x-nordea-originating-host', 'x-nordea-originating-date'];
  return hasBody ? [...names, 'content-type', 'digest'] : names;
}

export function buildSigningString(request: SignableRequest): string {
  const lines = [
    `(request-target): ${request.method.toLowerCase()} ${request.pathWithQuery}`,
    `x-nordea-originating-host: ${request.originatingHost}`,
    `x-nordea-originating-date: ${request.originatingDate}`,
  ];
  if (request.body !== undefined) {
    lines.push(`content-type: ${request.body.contentType}`, `digest: ${request.body.digest}`);
  }
  return lines.join('\n');
}

/** The value of the `Signature` header for this request. */
export function signatureHeader(signer: Signer, request: SignableRequest): string {
  if (signer.mode === 'sandbox-skip') return SANDBOX_SKIP_SIGNATURE;
  const signature = createSign('RSA-SHA256')
    .update(buildSigningString(request))
    .sign(signer.privateKey, 'base64');
  const headers = signedHeaderNames(request.body !== undefined).join(' ');
  return `keyId="${signer.keyId}",algorithm="rsa-sha256",headers="${headers}",signature="${signature}"`;
}

/**
 * Characters that would change the meaning of an `application/x-www-form-urlencoded` body. Nordea's
 * digest is defined over `k1=v1&k2=v2` with plain values, so values are sent as they are except for
 * these, which any form parser decodes back (codes, tokens and URLs normally contain none of them).
 */
const FORM_UNSAFE = /[%&+#\s]/g;

function encodeFormValue(value: string): string {
  return value.replace(FORM_UNSAFE, (character) =>
    [...Buffer.from(character, 'utf8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

/** A form body with keys in alphabetical order, as Nordea's digest rule requires. */
export function buildFormBody(fields: Readonly<Record<string, string>>): string {
  return Object.keys(fields)
    .sort()
    .map((key) => `${key}=${encodeFormValue(fields[key] ?? '')}`)
    .join('&');
}
