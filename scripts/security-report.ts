// The security figures of docs/threat-model.md, from test results rather than typed by hand:
//   npm run security:report              # every cited test file but the browser journeys
//   npm run security:report -- --browser # with the browser journeys (Debian chromium)
//   npm run security:report -- --results=<vitest json>  # figures from an earlier JSON report
// Runs vitest once with the JSON reporter over the files the threat model cites, then prints a table
// and one JSON line (the last line of stdout). Exits non-zero when a cited test failed or is missing.
//
// The parsing below is shared with test/unit/threat-model.test.ts, which keeps the document honest in
// the normal suite (every citation names a test that exists and is not skipped).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const THREAT_MODEL = 'docs/threat-model.md';

export const OWASP_TOP_10_2021 = ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A10'];
export const API_TOP_10_2023 = Array.from({ length: 10 }, (_, index) => `API${index + 1}`);
export const OPEN_BANKING_THREATS = ['OB1', 'OB2', 'OB3', 'OB4', 'OB5', 'OB6', 'OB7'];

// --- the document ---------------------------------------------------------------------------------------

/**
 * A test named in the document: `path` › "title". A title ending in `…` names every test whose title
 * starts with the rest; one starting with `…` every test whose title ends with the rest (for titles
 * built by test.each/test.for or a template literal).
 */
export interface Citation {
  file: string;
  name: string;
  match: 'exact' | 'prefix' | 'suffix';
  /** 1-based line in the document. */
  line: number;
}

export interface ThreatRow {
  id: string;
  /** The first cell, e.g. `A01 Broken Access Control`. */
  heading: string;
  /** Cells by lower-cased column header. */
  cells: Record<string, string>;
  citations: Citation[];
  line: number;
}

export interface ThreatModel {
  /** OWASP Top 10 2021, API Security Top 10 2023 and open-banking rows (ids A01…, API1…, OB1…). */
  rows: ThreatRow[];
  /** The forged-token corpus (ids FT01…): one row per kind of forged or mismatched access token. */
  forgedTokenKinds: ThreatRow[];
  /** Every citation anywhere in the document. */
  citations: Citation[];
}

const CITATION = /`(test\/[^`\s]+\.test\.tsx?)`\s*›\s*"([^"\n]+)"/g;

export function parseCitations(text: string, line = 1): Citation[] {
  const citations: Citation[] = [];
  for (const found of text.matchAll(CITATION)) {
    const [, file = '', raw = ''] = found;
    const before = text.slice(0, found.index);
    const at = line + (before.match(/\n/g)?.length ?? 0);
    if (raw.endsWith('…')) citations.push({ file, name: raw.slice(0, -1), match: 'prefix', line: at });
    else if (raw.startsWith('…')) citations.push({ file, name: raw.slice(1), match: 'suffix', line: at });
    else citations.push({ file, name: raw, match: 'exact', line: at });
  }
  return citations;
}

/** Splits a markdown table row into trimmed cells (a `|` inside backticks does not split). */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  const body = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (const char of body) {
    if (char === '`') inCode = !inCode;
    if (char === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

const ROW_ID = /^(A(?:0[1-9]|10)|API(?:[1-9]|10)|OB[1-9]|FT\d\d)\b/;

export function parseThreatModel(markdown: string): ThreatModel {
  const lines = markdown.split('\n');
  const rows: ThreatRow[] = [];
  const forgedTokenKinds: ThreatRow[] = [];
  let header: string[] = [];
  lines.forEach((text, index) => {
    if (!text.trim().startsWith('|')) {
      header = [];
      return;
    }
    const cells = cellsOf(text);
    if (cells.every((cell) => /^:?-{3,}:?$/.test(cell))) return;
    if (header.length === 0) {
      header = cells.map((cell) => cell.toLowerCase());
      return;
    }
    const id = ROW_ID.exec(cells[0] ?? '')?.[1];
    if (id === undefined) return;
    const row: ThreatRow = {
      id,
      heading: cells[0] ?? '',
      cells: Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ''])),
      citations: parseCitations(text, index + 1),
      line: index + 1,
    };
    (id.startsWith('FT') ? forgedTokenKinds : rows).push(row);
  });
  return { rows, forgedTokenKinds, citations: parseCitations(markdown) };
}

export const readThreatModel = (): ThreatModel =>
  parseThreatModel(readFileSync(join(ROOT, THREAT_MODEL), 'utf8'));

// --- test declarations in source --------------------------------------------------------------------

export interface TestDeclaration {
  /** The title as written (string contents, escapes resolved; template literals raw, `${…}` kept). */
  title: string;
  /** Chained modifiers: `skip`, `only`, `todo`, `each`, `for`, `skipIf`, `concurrent`, … */
  modifiers: string[];
  line: number;
}

/** Index just past the string literal starting at `start` (a quote character). */
function skipString(source: string, start: number): number {
  const quote = source[start];
  let index = start + 1;
  while (index < source.length && source[index] !== quote) {
    if (source[index] === '\\') index += 1;
    index += 1;
  }
  return index + 1;
}

/** Index just past the bracketed group starting at `start` (`(`, `[` or `{`), strings skipped. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === "'" || char === '"' || char === '`') {
      index = skipString(source, index);
      continue;
    }
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
    index += 1;
  }
  return index;
}

const skipSpace = (source: string, start: number): number => {
  let index = start;
  while (index < source.length && /\s/.test(source[index] ?? '')) index += 1;
  return index;
};

function unescapeLiteral(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, sequence: string) => {
    if (sequence.startsWith('u{')) return String.fromCodePoint(Number.parseInt(sequence.slice(2, -1), 16));
    if (sequence.length > 1) return String.fromCodePoint(Number.parseInt(sequence.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[sequence] ?? sequence;
  });
}

/** Modifiers that take arguments before the test's own call: `test.each(rows)('title', …)`. */
const CALLED_MODIFIERS = new Set(['each', 'for', 'skipIf', 'runIf', 'extend', 'scoped']);

/**
 * The source with comments blanked (newlines kept, so line numbers hold): a commented-out test is
 * not a test. Strings, template literals and regular-expression literals are skipped over whole.
 */
export function withoutComments(source: string): string {
  let out = '';
  let index = 0;
  let previous = '';
  while (index < source.length) {
    const char = source[index] ?? '';
    const next = source[index + 1] ?? '';
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      out += ' '.repeat(stop - index);
      index = stop;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(index, stop).replace(/[^\n]/g, ' ');
      index = stop;
      continue;
    }
    let stop = index + 1;
    if (char === "'" || char === '"' || char === '`') {
      stop = skipString(source, index);
    } else if (char === '/' && (previous === '' || '(,=:[!&|?{};+-*%<>~^'.includes(previous))) {
      // A regular-expression literal: up to the closing slash outside a character class.
      let inClass = false;
      stop = index + 1;
      while (stop < source.length && source[stop] !== '\n') {
        const current = source[stop];
        if (current === '\\') stop += 1;
        else if (current === '[') inClass = true;
        else if (current === ']') inClass = false;
        else if (current === '/' && !inClass) break;
        stop += 1;
      }
      stop += 1;
    }
    out += source.slice(index, stop);
    const last = source.slice(index, stop).trimEnd();
    if (last !== '') previous = last.at(-1) ?? previous;
    index = stop;
  }
  return out;
}

/** Every `test(…)`/`it(…)` with a string-literal title, with its chained modifiers (comments ignored). */
export function testDeclarations(text: string): TestDeclaration[] {
  const source = withoutComments(text);
  const declarations: TestDeclaration[] = [];
  for (const found of source.matchAll(/(?<![\w$.])(?:test|it)(?=\s*[.(])/g)) {
    let index = (found.index ?? 0) + found[0].length;
    const modifiers: string[] = [];
    let pendingCall = false;
    let title: string | undefined;
    for (let guard = 0; guard < 20 && index < source.length; guard += 1) {
      index = skipSpace(source, index);
      const char = source[index];
      if (char === '.') {
        const name = /^\.([A-Za-z_$][\w$]*)/.exec(source.slice(index));
        if (!name?.[1]) break;
        modifiers.push(name[1]);
        pendingCall = CALLED_MODIFIERS.has(name[1]);
        index += name[0].length;
        continue;
      }
      if (char !== '(') break;
      if (pendingCall) {
        index = skipGroup(source, index);
        pendingCall = false;
        continue;
      }
      const start = skipSpace(source, index + 1);
      const quote = source[start];
      if (quote === "'" || quote === '"' || quote === '`') {
        const end = skipString(source, start);
        const body = source.slice(start + 1, end - 1);
        title = quote === '`' ? body : unescapeLiteral(body);
      }
      break;
    }
    if (title === undefined) continue;
    const line = (source.slice(0, found.index).match(/\n/g)?.length ?? 0) + 1;
    declarations.push({ title, modifiers, line });
  }
  return declarations;
}

/** Placeholders vitest fills in at run time: a title holding one can be cited by prefix or suffix only. */
export const PLACEHOLDER = /%[sdifjoOc#%]|\$\{|\$[A-Za-z_]/;

export function titleMatches(citation: Pick<Citation, 'name' | 'match'>, title: string): boolean {
  if (citation.match === 'prefix') return title.startsWith(citation.name);
  if (citation.match === 'suffix') return title.endsWith(citation.name);
  return title === citation.name;
}

// --- the report ---------------------------------------------------------------------------------------

interface AssertionResult {
  title: string;
  fullName: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  failureMessages?: string[];
}

interface VitestJson {
  numTotalTests: number;
  numFailedTests: number;
  success: boolean;
  testResults: { name: string; status: string; message?: string; assertionResults: AssertionResult[] }[];
}

/** `skipped`: every matching test was skipped at run time (e.g. `skipIf`), so nothing was proven. */
type Outcome = 'passed' | 'failed' | 'skipped' | 'missing' | 'not run';

const BROWSER_DIR = 'test/e2e/browser/';
const SECURITY_MATRIX = 'test/integration/api/security-matrix.test.ts';
const FAULT_FILES = [
  'test/integration/automation/faults-sync.test.ts',
  'test/integration/automation/faults-transfers.test.ts',
];
/** Slow and not a security test: left out unless cited or `--all` is given. */
const SLOW_TESTS = ['`npx cdk synth` works offline with no AWS credentials'];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function runVitest(
  files: string[],
  namePattern: string | undefined,
  outputFile: string,
  env: NodeJS.ProcessEnv,
) {
  const args = ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${outputFile}`];
  if (namePattern !== undefined) args.push('--testNamePattern', namePattern);
  args.push(...files);
  return new Promise<number>((resolvePromise, reject) => {
    // vitest's own output goes to stderr, so stdout holds only the report (its last line is JSON).
    const child = spawn(join(ROOT, 'node_modules/.bin/vitest'), args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 2, 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : `${text}${' '.repeat(width - text.length)}`;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const withBrowser = argv.includes('--browser');
  const all = argv.includes('--all');
  const model = readThreatModel();

  const cited = [...new Set(model.citations.map((citation) => citation.file))];
  const files = [...new Set([...cited, SECURITY_MATRIX, ...FAULT_FILES])]
    .filter((file) => withBrowser || !file.startsWith(BROWSER_DIR))
    .filter((file) => existsSync(join(ROOT, file)))
    .sort();
  const citedNames = new Set(model.citations.map((citation) => citation.name));
  const excluded = all ? [] : SLOW_TESTS.filter((name) => !citedNames.has(name));
  const namePattern =
    excluded.length === 0 ? undefined : `^(?!.*(?:${excluded.map(escapeRegExp).join('|')}))`;

  const work = mkdtempSync(join(tmpdir(), 'sparegris-security-'));
  // `--results=<file>` reads a vitest JSON report written earlier instead of running the tests.
  const given = argv.find((arg) => arg.startsWith('--results='))?.slice('--results='.length);
  const resultsFile = given ?? join(work, 'results.json');
  const figuresFile = join(work, 'figures.jsonl');
  const started = Date.now();
  let exitCode = 0;
  if (given === undefined) {
    process.stderr.write(`security:report: running ${files.length} test files…\n`);
    exitCode = await runVitest(files, namePattern, resultsFile, {
      ...process.env,
      SECURITY_REPORT_FIGURES: figuresFile,
    });
  }
  const seconds = (Date.now() - started) / 1000;

  if (!existsSync(resultsFile)) {
    process.stderr.write(`security:report: vitest wrote no results (exit ${exitCode})\n`);
    rmSync(work, { recursive: true, force: true });
    return 1;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as VitestJson;
  const figureLines = existsSync(figuresFile) ? readFileSync(figuresFile, 'utf8').split('\n') : [];
  rmSync(work, { recursive: true, force: true });

  const byFile = new Map<string, AssertionResult[]>();
  for (const file of results.testResults) {
    byFile.set(relative(ROOT, file.name).replaceAll('\\', '/'), file.assertionResults);
  }

  const outcomeOf = (citation: Citation): Outcome => {
    if (!withBrowser && citation.file.startsWith(BROWSER_DIR)) return 'not run';
    const matched = (byFile.get(citation.file) ?? []).filter((result) =>
      titleMatches(citation, result.title),
    );
    if (matched.length === 0) return 'missing';
    // A title may run more than once (a describe per target); variants skipped by a condition prove
    // nothing either way, so one pass and no failure is a pass.
    if (matched.some((result) => result.status === 'failed')) return 'failed';
    return matched.some((result) => result.status === 'passed') ? 'passed' : 'skipped';
  };

  const rowOutcome = (row: ThreatRow) => {
    const outcomes = row.citations.map(outcomeOf);
    const ran = outcomes.filter((outcome) => outcome !== 'not run');
    return {
      covered: ran.length > 0 && ran.every((outcome) => outcome === 'passed'),
      passed: ran.filter((outcome) => outcome === 'passed').length,
      notRun: outcomes.length - ran.length,
      total: outcomes.length,
    };
  };

  const owaspRows = model.rows.filter((row) => !row.id.startsWith('OB'));
  const openBankingRows = model.rows.filter((row) => row.id.startsWith('OB'));
  const owaspCovered = owaspRows.filter((row) => rowOutcome(row).covered).length;
  const openBankingCovered = openBankingRows.filter((row) => rowOutcome(row).covered).length;
  const forgedRejected = model.forgedTokenKinds.filter((row) => rowOutcome(row).covered).length;

  const fuzzLine = figureLines.find((line) => line.startsWith('{"fuzz":'));
  const fuzz = fuzzLine
    ? (JSON.parse(fuzzLine) as { fuzz: { requests: number; status5xx: number; failures: number } }).fuzz
    : undefined;

  const faultTests = FAULT_FILES.flatMap((file) => byFile.get(file) ?? []).filter((result) =>
    /^FI-\d\d\b/.test(result.title),
  );
  const scenarios = new Map<string, boolean>();
  for (const result of faultTests) {
    const id = result.title.slice(0, 5);
    scenarios.set(id, (scenarios.get(id) ?? true) && result.status === 'passed');
  }
  const scenariosPassed = [...scenarios.values()].filter(Boolean).length;

  const matrix = (byFile.get(SECURITY_MATRIX) ?? []).filter((result) =>
    result.title.endsWith(' with saver A’s id as saver B'),
  );

  const problems = model.citations
    .map((citation) => ({ citation, outcome: outcomeOf(citation) }))
    .filter(({ outcome }) => outcome !== 'passed' && outcome !== 'not run');
  const notRun = model.citations.filter((citation) => outcomeOf(citation) === 'not run').length;

  const out: string[] = [];
  out.push('');
  out.push(
    `Threat model figures (${THREAT_MODEL}), from ${results.numTotalTests} tests in ${files.length} files`,
  );
  out.push(
    `ran in ${seconds.toFixed(1)} s${withBrowser ? '' : '; browser journeys not run (--browser runs them)'}`,
  );
  out.push('');
  out.push(`${pad('row', 8)}${pad('covered', 9)}citations passed`);
  for (const row of model.rows) {
    const outcome = rowOutcome(row);
    const extra = outcome.notRun > 0 ? ` (${outcome.notRun} not run)` : '';
    out.push(
      `${pad(row.id, 8)}${pad(outcome.covered ? 'yes' : 'NO', 9)}${outcome.passed}/${outcome.total}${extra}  ${row.heading.slice(row.id.length).trim()}`,
    );
  }
  out.push('');
  const figures: [string, string][] = [
    ['OWASP items covered (Top 10 2021 + API Top 10 2023)', `${owaspCovered}/${owaspRows.length}`],
    ['open-banking threats covered', `${openBankingCovered}/${openBankingRows.length}`],
    ['forged-token kinds rejected', `${forgedRejected}/${model.forgedTokenKinds.length}`],
    [
      'fuzzed requests without 5xx',
      fuzz ? `${fuzz.requests - fuzz.status5xx}/${fuzz.requests}` : 'no figure (fuzz did not run)',
    ],
    [
      'fault scenarios without double payment',
      `${scenariosPassed}/${scenarios.size} (${faultTests.length} tests)`,
    ],
    [
      'BOLA matrix routes refusing another saver',
      `${matrix.filter((result) => result.status === 'passed').length}/${matrix.length}`,
    ],
    ['cited tests failed, skipped or missing', `${problems.length} (${notRun} not run)`],
  ];
  const width = Math.max(...figures.map(([label]) => label.length)) + 2;
  for (const [label, value] of figures) out.push(`${pad(label, width)}${value}`);
  for (const { citation, outcome } of problems) {
    out.push(`  ${outcome}: ${citation.file} › "${citation.name}" (${THREAT_MODEL}:${citation.line})`);
  }
  out.push('');
  out.push(
    JSON.stringify({
      security: {
        owaspCovered,
        owaspTotal: owaspRows.length,
        openBankingCovered,
        openBankingTotal: openBankingRows.length,
        forgedTokenKindsRejected: forgedRejected,
        forgedTokenKinds: model.forgedTokenKinds.length,
        fuzzRequests: fuzz?.requests ?? null,
        fuzzRequestsWithout5xx: fuzz ? fuzz.requests - fuzz.status5xx : null,
        faultScenariosPassed: scenariosPassed,
        faultScenarios: scenarios.size,
        faultTestsPassed: faultTests.filter((result) => result.status === 'passed').length,
        bolaRoutesPassed: matrix.filter((result) => result.status === 'passed').length,
        bolaRoutes: matrix.length,
        citedFailedOrMissing: problems.length,
        citedNotRun: notRun,
        browser: withBrowser,
        seconds: Math.round(seconds),
      },
    }),
  );
  process.stdout.write(`${out.join('\n')}\n`);
  const allCovered =
    owaspCovered === owaspRows.length &&
    openBankingCovered === openBankingRows.length &&
    fuzz !== undefined &&
    fuzz.status5xx === 0;
  return problems.length === 0 && allCovered && exitCode === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`security:report failed: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
