import { readFileSync } from 'node:fs';
import type { FieldError } from '../http/problem.ts';
import { normalizePassword } from './password.ts';

/**
 * Password rules per ASVS 5 V6.2: length only (no composition rules, no truncation), a generous
 * maximum, and a block list of common and context-specific passwords.
 */
export const MIN_PASSWORD_CODE_POINTS = 12;
export const MAX_PASSWORD_CODE_POINTS = 128;
/** Shorter local parts ("al@…") would block too many ordinary passwords to be useful. */
const MIN_EMAIL_PART_CODE_POINTS = 3;

export type PasswordViolationCode =
  | 'password_too_short'
  | 'password_too_long'
  | 'breached_password'
  | 'password_too_predictable'
  | 'password_contains_email';

export interface PasswordViolation {
  readonly code: PasswordViolationCode;
  readonly detail: string;
}

export interface PasswordPolicyContext {
  /** The account's email; a password containing its local part is rejected. */
  readonly email?: string;
  /** Defaults to the list shipped in common-passwords.txt. Entries must be lower-case NFC. */
  readonly commonPasswords?: ReadonlySet<string>;
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** The comparison form for the block list and the email check. */
function foldForComparison(text: string): string {
  return normalizePassword(text).toLowerCase();
}

export function parseCommonPasswordList(text: string): Set<string> {
  const entries = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    entries.add(foldForComparison(entry));
  }
  return entries;
}

let shippedList: ReadonlySet<string> | undefined;

/**
 * Read once per process, next to this module. A bundled Lambda must ship the file beside its
 * bundle (esbuild does not follow readFileSync).
 */
export function shippedCommonPasswords(): ReadonlySet<string> {
  shippedList ??= parseCommonPasswordList(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8'),
  );
  return shippedList;
}

/** One short unit repeated ("aaaaaaaaaaaa", "abcabcabcabc") or a straight run ("123456789012", "zyxwvutsrqpo"). */
function isTriviallyPredictable(folded: string): boolean {
  const codePoints = Array.from(folded);
  for (let unit = 1; unit <= 4; unit += 1) {
    if (codePoints.length >= unit * 3 && codePoints.every((c, i) => c === codePoints[i % unit])) return true;
  }
  const digitsOrLetters = /^[0-9]+$|^[a-z]+$/.test(folded);
  if (!digitsOrLetters) return false;
  const step = (a: string, b: string): number => {
    const delta = b.charCodeAt(0) - a.charCodeAt(0);
    // 9 → 0 continues a digit run the way people type "1234567890".
    return a === '9' && b === '0' ? 1 : a === '0' && b === '9' ? -1 : delta;
  };
  const first = step(folded[0] ?? '', folded[1] ?? '');
  if (first !== 1 && first !== -1) return false;
  for (let i = 2; i < folded.length; i += 1) {
    if (step(folded[i - 1] ?? '', folded[i] ?? '') !== first) return false;
  }
  return true;
}

function emailParts(email: string): string[] {
  const localPart = foldForComparison(email.trim()).split('@')[0] ?? '';
  const withoutTag = localPart.split('+')[0] ?? '';
  return [...new Set([localPart, withoutTag])].filter(
    (part) => countCodePoints(part) >= MIN_EMAIL_PART_CODE_POINTS,
  );
}

/** All violations, empty when the password is acceptable. */
export function checkPasswordPolicy(
  password: string,
  context: PasswordPolicyContext = {},
): PasswordViolation[] {
  const normalized = normalizePassword(password);
  const length = countCodePoints(normalized);
  if (length < MIN_PASSWORD_CODE_POINTS) {
    return [
      {
        code: 'password_too_short',
        detail: `The password must be at least ${MIN_PASSWORD_CODE_POINTS} characters long.`,
      },
    ];
  }
  if (length > MAX_PASSWORD_CODE_POINTS) {
    return [
      {
        code: 'password_too_long',
        detail: `The password must be at most ${MAX_PASSWORD_CODE_POINTS} characters long.`,
      },
    ];
  }
  const violations: PasswordViolation[] = [];
  const folded = foldForComparison(normalized);
  const commonPasswords = context.commonPasswords ?? shippedCommonPasswords();
  if (commonPasswords.has(folded)) {
    violations.push({
      code: 'breached_password',
      detail: 'This password is too common; it appears in lists of leaked passwords. Choose another.',
    });
  } else if (isTriviallyPredictable(folded)) {
    violations.push({
      code: 'password_too_predictable',
      detail: 'The password is a repeated or sequential pattern. Choose something less predictable.',
    });
  }
  if (context.email !== undefined && emailParts(context.email).some((part) => folded.includes(part))) {
    violations.push({
      code: 'password_contains_email',
      detail: 'The password must not contain your email address or its name part.',
    });
  }
  return violations;
}

/** Shapes violations for an RFC 9457 problem's `errors[]`. */
export function passwordViolationsToFieldErrors(
  violations: readonly PasswordViolation[],
  pointer = '/password',
): Array<FieldError & { code: PasswordViolationCode }> {
  return violations.map((violation) => ({
    pointer,
    in: 'body',
    detail: violation.detail,
    code: violation.code,
  }));
}
