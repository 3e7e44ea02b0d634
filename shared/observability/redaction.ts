/**
 * What must never reach a log line, whoever logs it: secrets by the name of the field that holds
 * them, and tokens, email addresses and account numbers wherever they appear in text (error
 * messages and bank payloads included). Used as the logger's JSON replacer, so it runs on every
 * value of every log item, nested ones too.
 */

const SECRET_FIELD =
  /^(authorization|cookie|setcookie|password|newpassword|token|accesstoken|refreshtoken|idtoken|secret|clientsecret|signingkeypem|privatekey|apikey|xoriginverify|refresh)$/;

/** Field names compared without case, dashes or underscores: `access_token`, `Set-Cookie`, `accessToken`. */
const normalized = (key: string): string => key.toLowerCase().replace(/[^a-z]/g, '');

const TEXT_RULES: readonly [pattern: RegExp, replacement: string | ((match: string) => string)][] = [
  // `Bearer <anything>` in headers or messages.
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  // JWTs and other dot-separated base64url tokens (header.payload.signature).
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  // IBANs (DK50 0040 0440 1162 43 with or without spaces): country, check digits, then the rest.
  [
    /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g,
    (iban) => `[account …${iban.replace(/\s/g, '').slice(-4)}]`,
  ],
  // Bare account numbers (BBAN): long digit runs, not part of an id (uuid groups sit between dashes).
  [/(?<![\w-])\d{10,18}(?![\w-])/g, (digits) => `[account …${digits.slice(-4)}]`],
];

export function redactText(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of TEXT_RULES) {
    redacted = redacted.replace(pattern, replacement as string);
  }
  return redacted;
}

/** A JSON.stringify replacer: secret fields become `[redacted]`, text is scrubbed. */
export function redactForLog(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(normalized(key)) && value !== undefined && value !== null) {
    return '[redacted]';
  }
  return typeof value === 'string' ? redactText(value) : value;
}
