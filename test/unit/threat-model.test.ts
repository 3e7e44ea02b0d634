/**
 * Keeps docs/threat-model.md honest: every test it cites exists (and is not skipped, todo or
 * focused), every OWASP Top 10 2021, API Security Top 10 2023 and open-banking threat has a rated row
 * with a mitigation that names real code and at least one test. Whether the cited tests pass is the
 * suite's job: each of them runs in `npm test`. `npm run security:report` prints the figures.
 *
 * Also here: the tests behind the SSRF rows (A10, API7, OB7) and the pinned-dependency row (A06),
 * which check the code base as a whole rather than one module.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NordeaClient } from '#bank/client';
import { buildNordeaConfig } from '#bank/config';
import { UNATTENDED } from '#bank/transport';
import {
  API_TOP_10_2023,
  OPEN_BANKING_THREATS,
  OWASP_TOP_10_2021,
  PLACEHOLDER,
  ROOT,
  readThreatModel,
  type ThreatRow,
  testDeclarations,
  titleMatches,
} from '../../scripts/security-report.ts';

const model = readThreatModel();
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The paper's factors (OWASP risk rating): the word and its weight. */
const FACTOR_SCALES: Record<string, Record<string, number>> = {
  exploitability: { Easy: 3, Average: 2, Difficult: 1 },
  prevalence: { Widespread: 3, Common: 2, Uncommon: 1 },
  detectability: { Easy: 3, Average: 2, Difficult: 1 },
  'technical impact': { Severe: 3, Moderate: 2, Minor: 1 },
};

function rowProblems(row: ThreatRow): string[] {
  const problems: string[] = [];
  const where = `${row.id} (line ${row.line})`;
  const weights: Record<string, number> = {};
  for (const [factor, scale] of Object.entries(FACTOR_SCALES)) {
    const cell = row.cells[factor] ?? '';
    const found = /^(\w+) \((\d)\)$/.exec(cell);
    if (!found?.[1] || scale[found[1]] === undefined || scale[found[1]] !== Number(found[2])) {
      problems.push(
        `${where}: ${factor} "${cell}" is not one of ${Object.keys(scale).join(', ')} with its weight`,
      );
      continue;
    }
    weights[factor] = Number(found[2]);
  }
  for (const factor of ['threat agents', 'business impact']) {
    if ((row.cells[factor] ?? '').length < 10) problems.push(`${where}: no ${factor}`);
  }
  if (Object.keys(weights).length === 4) {
    const likelihood =
      ((weights.exploitability ?? 0) + (weights.prevalence ?? 0) + (weights.detectability ?? 0)) / 3;
    const score = (likelihood * (weights['technical impact'] ?? 0)).toFixed(1);
    if (row.cells.score !== score) problems.push(`${where}: score ${row.cells.score} should be ${score}`);
  }
  const mitigation = row.cells.mitigation ?? '';
  if (!/`(?:shared|stacks|functions|web|local|scripts)\/[^`]+`/.test(mitigation)) {
    problems.push(`${where}: the mitigation names no file of ours`);
  }
  if (row.citations.length === 0) problems.push(`${where}: no test cited`);
  if (parseCitationsOutsideTests(row)) problems.push(`${where}: a test is cited outside the Tests column`);
  return problems;
}

/** Citations belong in the Tests column, so the report's per-row figures mean what they say. */
function parseCitationsOutsideTests(row: ThreatRow): boolean {
  return Object.entries(row.cells).some(
    ([column, text]) => column !== 'tests' && /`test\/[^`]+`\s*›/.test(text),
  );
}

describe('docs/threat-model.md', () => {
  test('cites only tests that exist and are neither skipped, todo nor focused', () => {
    expect(model.citations.length).toBeGreaterThan(50);
    const problems: string[] = [];
    const sources = new Map<string, string>();
    for (const citation of model.citations) {
      const where = `${citation.file} › "${citation.name}" (line ${citation.line})`;
      if (PLACEHOLDER.test(citation.name)) {
        problems.push(`${where}: cite the literal part of the title, not its placeholder`);
        continue;
      }
      if (!existsSync(join(ROOT, citation.file))) {
        problems.push(`${where}: no such file`);
        continue;
      }
      const source = sources.get(citation.file) ?? read(citation.file);
      sources.set(citation.file, source);
      const matching = testDeclarations(source).filter((declaration) =>
        titleMatches(citation, declaration.title),
      );
      if (matching.length === 0) {
        problems.push(`${where}: no test()/it() with that title`);
        continue;
      }
      for (const declaration of matching) {
        const disabled = declaration.modifiers.filter((modifier) =>
          ['skip', 'todo', 'only'].includes(modifier),
        );
        if (disabled.length > 0) problems.push(`${where}: declared with .${disabled.join('.')}`);
        if (citation.match === 'exact' && PLACEHOLDER.test(declaration.title)) {
          problems.push(
            `${where}: the title is filled in at run time; cite its literal prefix with a trailing …`,
          );
        }
      }
      if (/\bdescribe\.(skip|only|todo)\b/.test(source)) {
        problems.push(`${where}: the file has a skipped, focused or todo describe block`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('rates every OWASP Top 10 2021, API Top 10 2023 and open-banking threat, with a mitigation and a test', () => {
    const ids = model.rows.map((row) => row.id);
    for (const id of [...OWASP_TOP_10_2021, ...API_TOP_10_2023, ...OPEN_BANKING_THREATS]) {
      expect(
        ids.filter((rowId) => rowId === id),
        `exactly one row for ${id}`,
      ).toHaveLength(1);
    }
    expect(ids).toHaveLength(OWASP_TOP_10_2021.length + API_TOP_10_2023.length + OPEN_BANKING_THREATS.length);
    expect(model.rows.flatMap(rowProblems)).toEqual([]);
  });

  test('names code that exists: every file and construct a mitigation points at', () => {
    const problems: string[] = [];
    const reference =
      /`((?:shared|stacks|functions|web|local|scripts|simulator)\/[\w./-]+\.[a-z]+)`(?:\s*\(([^)]*)\))?/g;
    for (const row of model.rows) {
      for (const [, file = '', constructs = ''] of (row.cells.mitigation ?? '').matchAll(reference)) {
        if (!existsSync(join(ROOT, file))) {
          problems.push(`${row.id}: ${file} does not exist`);
          continue;
        }
        const source = read(file);
        for (const [, name = ''] of constructs.matchAll(/`([A-Za-z_$][\w$.]*)`/g)) {
          const last = name.split('.').at(-1) ?? name;
          if (!new RegExp(`(?<![\\w$])${last.replace(/\$/g, '\\$')}(?![\\w$])`).test(source)) {
            problems.push(`${row.id}: ${file} has no ${name}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('the forged-token corpus names a kind and a test in every row', () => {
    expect(model.forgedTokenKinds.length).toBeGreaterThanOrEqual(12);
    for (const row of model.forgedTokenKinds) {
      expect(row.heading.length, `${row.id} names its kind`).toBeGreaterThan(row.id.length + 3);
      expect(row.citations.length, `${row.id} cites a test`).toBeGreaterThan(0);
    }
  });
});

// --- SSRF: no URL the saver controls is fetched (A10, API7, OB7) -------------------------------------------

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Ways code could open a connection to a host of someone's choosing. */
const OUTBOUND = [
  /\bfetch\s*\(/,
  /from ['"]node:(?:http|https|http2|tls|dgram)['"]/,
  /from ['"]node:net['"]/,
  /\brequire\(['"](?:node:)?(?:http|https|net|tls)['"]\)/,
  /\b(?:XMLHttpRequest|WebSocket|EventSource)\b/,
  /from ['"](?:axios|got|undici|node-fetch|ky)['"]/,
];
/** node:net for address parsing only: no socket. */
const NET_FOR_PARSING = /import \{ (?:isIP|isIPv4|isIPv6)(?:, (?:isIP|isIPv4|isIPv6))* \} from 'node:net';/g;

describe('SSRF: no URL the saver controls is fetched', () => {
  test('only the Nordea transport opens outbound connections in functions/ and shared/', () => {
    const files = [...sourceFiles('functions'), ...sourceFiles('shared')];
    expect(files.length).toBeGreaterThan(50);
    const outbound = files.filter((file) => {
      const source = read(file).replace(NET_FOR_PARSING, '');
      return OUTBOUND.some((pattern) => pattern.test(source));
    });
    expect(outbound).toEqual(['shared/bank/transport.ts']);
  });

  test('the Nordea client calls only its configured origin, whatever ids it is handed, and follows no redirect', async () => {
    const config = buildNordeaConfig(
      {
        baseUrl: 'https://api.nordeaopenbanking.com/personal',
        originatingHost: 'api.nordeaopenbanking.com',
        country: 'DK',
        redirectUri: 'https://sparegris.example/api/bank/callback',
        signatureMode: 'sandbox-skip',
        credentialsSecretName: 'nordea/app',
        maxReadAttempts: 1,
      },
      { clientId: 'client', clientSecret: 'secret' },
    );
    const sent: { url: URL; redirect: string | undefined }[] = [];
    const client = new NordeaClient(config, {
      fetch: async (input, init) => {
        sent.push({ url: new URL(String(input)), redirect: init?.redirect });
        return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/' } });
      },
    });
    const hostile = [
      'http://169.254.169.254/latest/meta-data/',
      '//evil.example/x',
      '@evil.example',
      '../../../../admin',
      '..',
      '%2e%2e%2f%2e%2e',
      '?redirect=https://evil.example#',
      'a\\..\\..\\b',
      'localhost:3100',
    ];
    for (const id of hostile) {
      await expect(client.getPayment('access-token', id, { context: UNATTENDED })).rejects.toThrow();
      await expect(client.getAccount('access-token', id, { context: UNATTENDED })).rejects.toThrow();
    }
    expect(sent).toHaveLength(hostile.length * 2);
    for (const { url, redirect } of sent) {
      expect(url.origin).toBe('https://api.nordeaopenbanking.com');
      expect(url.pathname.startsWith('/personal/')).toBe(true);
      expect(redirect).toBe('manual');
    }
  });
});

// --- supply chain (A06) ----------------------------------------------------------------------------------

test('every dependency is pinned to the exact version the lockfile installs', () => {
  const manifest = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { version?: string }>;
  };
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  expect(Object.keys(declared).length).toBeGreaterThan(10);
  const problems = Object.entries(declared).flatMap(([name, version]) => {
    if (!/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) return [`${name}@${version} is a range`];
    const locked = lock.packages[`node_modules/${name}`]?.version;
    return locked === version ? [] : [`${name}@${version} is locked at ${locked}`];
  });
  expect(problems).toEqual([]);
});
