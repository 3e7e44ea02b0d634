import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const trackedFiles = (): string[] =>
  execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);

/** Key material, not mentions of it: a PEM header followed by base64 lines, cloud keys, private JWKs. */
const SECRET_PATTERNS: readonly [name: string, pattern: RegExp][] = [
  ['PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{40,}/],
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret access key', /aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+=]{40}/i],
  // A JWK with its private part ("d") and real-looking key material.
  ['private JWK', /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
];

/** Files that must never be committed, whatever they contain. */
const FORBIDDEN_NAMES = /(^|\/)(\.env(\..*)?|.*\.(pem|key|p12|pfx|jks)|id_(rsa|ed25519|ecdsa))$/;

describe('supply chain', () => {
  test('no private key or secret is committed', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const findings: string[] = [];
    for (const file of files) {
      if (FORBIDDEN_NAMES.test(file) && !file.endsWith('.env.example'))
        findings.push(`${file}: forbidden file`);
      // Deleted in the working tree but still in the index: nothing left to leak.
      if (/\.(png|jpe?g|gif|ico|woff2?)$/.test(file) || !existsSync(join(root, file))) continue;
      const text = readFileSync(join(root, file), 'utf8');
      for (const [name, pattern] of SECRET_PATTERNS) {
        if (pattern.test(text)) findings.push(`${file}: ${name}`);
      }
    }
    expect(findings).toEqual([]);
  });

  test('the patterns find what they are for (so the scan above cannot pass vacuously)', () => {
    const pem = [
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
    ].join('\n');
    const samples = [
      pem,
      ['AKIA', 'IOSFODNN7EXAMPLE'].join(''),
      `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}`,
      `{"kty":"EC","d":"${'x'.repeat(43)}"}`,
    ];
    for (const sample of samples) {
      expect(SECRET_PATTERNS.some(([, pattern]) => pattern.test(sample))).toBe(true);
    }
    // Mentions are fine: the README tells operators what to put where.
    expect(SECRET_PATTERNS.some(([, pattern]) => pattern.test('"-----BEGIN PRIVATE KEY-----…"'))).toBe(false);
    expect(FORBIDDEN_NAMES.test('keys/signing.pem')).toBe(true);
    expect(FORBIDDEN_NAMES.test('.env')).toBe(true);
    expect(FORBIDDEN_NAMES.test('shared/auth/keys.ts')).toBe(false);
  });

  test('dependencies install from the lockfile only, pinned exactly', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const ranges = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([, version]) => !/^\d+\.\d+\.\d+$/.test(version),
    );
    expect(ranges).toEqual([]);
    // `npm ci` (scripts/ensure-deps.mjs) refuses a lockfile that disagrees with package.json.
    const ensure = readFileSync(join(root, 'scripts', 'ensure-deps.mjs'), 'utf8');
    expect(ensure).toContain("['ci'");
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { integrity?: string; link?: boolean; inBundle?: boolean }>;
    };
    // Every downloaded package has a checksum npm verifies (bundled ones ship inside their parent).
    const withoutIntegrity = Object.entries(lock.packages).filter(
      ([path, entry]) => path !== '' && !entry.link && !entry.inBundle && !entry.integrity,
    );
    expect(withoutIntegrity.map(([path]) => path)).toEqual([]);
  });
});
