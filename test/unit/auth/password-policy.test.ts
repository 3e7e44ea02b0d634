import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  countCodePoints,
  MAX_PASSWORD_CODE_POINTS,
  MIN_PASSWORD_CODE_POINTS,
  passwordViolationsToFieldErrors,
  shippedCommonPasswords,
} from '#auth/password-policy';

const codes = (password: string, email?: string) =>
  checkPasswordPolicy(password, email === undefined ? {} : { email }).map((violation) => violation.code);

/** Non-repeating, non-sequential text of an exact code point length. */
function passphraseOfLength(length: number): string {
  const source = 'Heather on the moor, nine ravens over Lofoten; sparegris keeps the change. ';
  let text = '';
  let i = 0;
  while (countCodePoints(text) < length) {
    text += `${source}${i} `;
    i += 1;
  }
  return Array.from(text).slice(0, length).join('');
}

describe('password length (code points after NFC)', () => {
  it('rejects 11 and accepts 12', () => {
    expect(codes('tulip-river')).toEqual(['password_too_short']);
    expect(codes('tulip-rivers')).toEqual([]);
  });

  it('counts an emoji as one character', () => {
    const eleven = 'sparepig🐷💰🌱';
    expect(eleven.length).toBe(14);
    expect(countCodePoints(eleven)).toBe(11);
    expect(codes(eleven)).toEqual(['password_too_short']);
    expect(codes(`${eleven}x`)).toEqual([]);
  });

  it('counts after NFC normalisation, so combining marks do not pad the length', () => {
    const decomposed = 'cafe\u0301-au-lai';
    expect(countCodePoints(decomposed)).toBe(12);
    expect(codes(decomposed)).toEqual(['password_too_short']);
  });

  it('accepts 64 and 128 characters and rejects 129', () => {
    expect(MIN_PASSWORD_CODE_POINTS).toBe(12);
    expect(MAX_PASSWORD_CODE_POINTS).toBe(128);
    expect(codes(passphraseOfLength(64))).toEqual([]);
    expect(codes(passphraseOfLength(128))).toEqual([]);
    expect(codes(passphraseOfLength(129))).toEqual(['password_too_long']);
  });

  it('imposes no composition rules', () => {
    expect(codes('all lower case words')).toEqual([]);
    expect(codes('           x           ')).toEqual([]);
    expect(codes('ÆØÅ blåbærsyltetøy')).toEqual([]);
  });
});

describe('common passwords', () => {
  it('ships a list of several thousand entries, stored lower-case NFC', () => {
    const list = shippedCommonPasswords();
    expect(list.size).toBeGreaterThan(3000);
    for (const entry of list) {
      expect(entry).toBe(entry.normalize('NFC').toLowerCase());
      expect(entry.startsWith('#')).toBe(false);
    }
  });

  it.each([
    'password123456',
    'PASSWORD123456',
    'Qwerty123456',
    'iloveyou1234',
    '1q2w3e4r5t6y',
    'Sommer2024!!',
    'sparegris2025',
    'passord12345!',
  ])('rejects %s case-insensitively', (password) => {
    expect(codes(password)).toContain('breached_password');
  });

  it('rejects repeated and sequential patterns that are not on the list', () => {
    expect(codes('xyzxyzxyzxyzxyz')).toEqual(['password_too_predictable']);
    expect(codes('ÅÅÅÅÅÅÅÅÅÅÅÅ')).toEqual(['password_too_predictable']);
    expect(codes('3456789012345')).toEqual(['password_too_predictable']);
    expect(codes('nmlkjihgfedcba')).toEqual(['password_too_predictable']);
  });
});

describe('context-specific words', () => {
  it('rejects a password containing the local part of the email, ignoring case', () => {
    expect(codes('ola.nordmann-saves!', 'ola.nordmann@example.no')).toEqual(['password_contains_email']);
    expect(codes('My OLA.NORDMANN fund', 'Ola.Nordmann@Example.no')).toEqual(['password_contains_email']);
  });

  it('also checks the part before a +tag', () => {
    expect(codes('kari-loves-fjords', 'kari+savings@example.no')).toEqual(['password_contains_email']);
  });

  it('ignores local parts too short to be meaningful', () => {
    expect(codes('always a walnut tree', 'al@example.no')).toEqual([]);
  });

  it('reports every applicable violation', () => {
    expect(codes('password123456', 'password@example.no')).toEqual([
      'breached_password',
      'password_contains_email',
    ]);
  });
});

describe('problem details mapping', () => {
  it('shapes violations as RFC 9457 errors[] entries', () => {
    const errors = passwordViolationsToFieldErrors(checkPasswordPolicy('short'));
    expect(errors).toEqual([
      {
        pointer: '/password',
        in: 'body',
        code: 'password_too_short',
        detail: 'The password must be at least 12 characters long.',
      },
    ]);
  });
});
