/**
 * Lambda bundle size and cold import time (issue 7): every function of `stacks/definitions.ts` is
 * bundled as it deploys (the esbuild options of `stacks/bundling.ts`, which `AppFunction` hands to
 * `NodejsFunction`) into a temporary directory, beside a floor bundled the same way in the same run:
 * a handler that does nothing but one DynamoDB GetItem with the AWS SDK, the irreducible cost of any
 * function that touches the table.
 *
 * Per bundle: the minified size (`index.mjs`, without its source map) and the median over
 * BENCH_RUNS fresh Node processes of the time `await import(bundle)` takes, measured inside the child
 * with performance.now() so process start-up is excluded (and the CPU time over the same span). The
 * children run with the functions' `NODE_OPTIONS` and a deployed function's environment (harmless
 * values, no AWS), one bundle after another in rotating order, round after round, so machine noise
 * falls on all of them alike. The goal is judged on the wall-clock medians.
 *
 * Goal: every function ≤ the floor's size + 100 KB, and its import ≤ 1.3 × the floor's. For a function
 * that misses it, the five largest contributors beyond the floor's (esbuild metafile, by package or
 * shared/ folder, less the floor's bytes of the same).
 *
 * Sizes from the environment: BENCH_RUNS (7), BENCH_ONLY (a substring of function names to keep).
 * To try other bundling on the floor and the functions alike: BENCH_ESBUILD (JSON merged over the
 * deployed esbuild options, e.g. '{"mainFields":["main","module"]}' or '{"external":["@aws-sdk/*"]}',
 * resolved then from the repository's node_modules) and BENCH_NODE_OPTIONS (the children's
 * NODE_OPTIONS instead of the functions'). Prints a table and one JSON line.
 *   npm run bench:bundles
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { lambdaEsbuildOptions, lambdaNodeOptions } from '#stacks/bundling';
import { apiRoutes, functionNameOf, queueWorkers, scheduledJobs } from '#stacks/definitions';
import { nordeaEndpoint, resourceNames } from '#stacks/stage';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ONLY = process.env.BENCH_ONLY ?? '';
const GOAL = { deltaKB: 100, importRatio: 1.3 } as const;
const FLOOR = 'floor (GetItem)';
const overrides = JSON.parse(process.env.BENCH_ESBUILD ?? '{}') as BuildOptions;
const nodeOptions = process.env.BENCH_NODE_OPTIONS ?? lambdaNodeOptions;

const repositoryRoot = resolve(import.meta.dirname, '..');
const tsconfig = join(repositoryRoot, 'tsconfig.json');

/** The floor: one GetItem with the SDK's DynamoDB client, nothing else. */
const floorSource = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async (event: { pk: string; sk: string }) =>
  client.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { PK: { S: event.pk }, SK: { S: event.sk } },
    }),
  );
`;

interface Target {
  name: string;
  /** Relative to the repository root; undefined for the floor. */
  entry?: string;
  files: readonly string[];
}

const byEntry = new Map<string, Target>();
const deployed: { entry: string; files?: readonly string[] }[] = [
  ...apiRoutes,
  ...scheduledJobs,
  ...queueWorkers,
];
for (const { entry, files } of deployed) {
  const name = functionNameOf(entry);
  if (!byEntry.has(entry) && name.includes(ONLY)) byEntry.set(entry, { name, entry, files: files ?? [] });
}
const targets: Target[] = [{ name: FLOOR, files: [] }, ...byEntry.values()];

const workDir = mkdtempSync(join(tmpdir(), 'sparegris-bundles-'));
// Only modules left external resolve from here (in Lambda: the runtime's own SDK); as deployed, none.
if (overrides.external?.length)
  symlinkSync(join(repositoryRoot, 'node_modules'), join(workDir, 'node_modules'));

interface Bundle {
  target: Target;
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** Bundles one target with the deployed options (the floor from a file in the temporary directory). */
async function bundle(target: Target, index: number): Promise<Bundle> {
  const outDir = join(workDir, `${index}`);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, overrides.format === 'cjs' ? 'index.cjs' : 'index.mjs');
  let entry: string;
  if (target.entry) {
    entry = join(repositoryRoot, target.entry);
  } else {
    // Resolved from the repository's node_modules, like the handlers, by esbuild's nodePaths only.
    entry = join(workDir, 'floor.ts');
    writeFileSync(entry, floorSource);
  }
  const result = await build({
    ...lambdaEsbuildOptions({ repositoryRoot, entry, outfile, tsconfig }),
    ...overrides,
    ...(target.entry ? {} : { nodePaths: [join(repositoryRoot, 'node_modules')] }),
    metafile: true,
    logLevel: 'error',
  });
  // As `afterBundling` copies them: data files the handler reads beside its bundle.
  for (const file of target.files) copyFileSync(join(repositoryRoot, file), join(outDir, basename(file)));
  return { target, file: outfile, bytes: statSync(outfile).size, metafile: result.metafile };
}

/** A deployed function's environment (dev stage), with harmless values and no way to reach AWS. */
function childEnvironment(name: string): NodeJS.ProcessEnv {
  const names = resourceNames('dev');
  const nordea = nordeaEndpoint('dev');
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: nodeOptions,
    AWS_REGION: 'eu-north-1',
    AWS_DEFAULT_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: `sparegris-dev-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    // Keeps the SDK off the instance-metadata endpoint, should anything resolve credentials.
    AWS_EC2_METADATA_DISABLED: 'true',
    STAGE: 'dev',
    TABLE_NAME: names.table,
    JWT_SECRET_ID: names.tokenKeysSecret,
    WEB_ORIGIN: 'https://sparegris.example.dk',
    NORDEA_BASE_URL: nordea.baseUrl,
    NORDEA_ORIGINATING_HOST: nordea.originatingHost,
    NORDEA_APP_SECRET_ID: names.nordeaAppSecret,
    BANK_TOKENS_SECRET_PREFIX: names.bankTokensSecretPrefix,
    ORIGIN_VERIFY_SECRET_ID: names.originVerifySecret,
    SYNC_QUEUE_URL: 'https://sqs.eu-north-1.amazonaws.com/000000000000/sparegris-dev-sync-saver',
    TRANSFER_QUEUE_URL: 'https://sqs.eu-north-1.amazonaws.com/000000000000/sparegris-dev-execute-transfers',
    POWERTOOLS_SERVICE_NAME: 'sparegris',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

// Wall time, and the process's CPU time (all threads) over the same span: on a busy machine the CPU
// time moves less with other processes' load, so it is printed beside the wall time as a check.
const child =
  'const cpu = process.cpuUsage(); const started = performance.now(); await import(process.argv[1]); ' +
  'const wallMs = performance.now() - started; const used = process.cpuUsage(cpu); ' +
  'process.stdout.write(JSON.stringify([wallMs, (used.user + used.system) / 1000]));';

interface ImportTime {
  wallMs: number;
  cpuMs: number;
}

/** One fresh process importing the bundle; the time the import took inside it. */
function importOnce(bundled: Bundle): ImportTime {
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', child, pathToFileURL(bundled.file).href],
    { cwd: dirname(bundled.file), env: childEnvironment(bundled.target.name), encoding: 'utf8' },
  );
  if (run.status !== 0) {
    throw new Error(`importing ${bundled.target.name} failed (exit ${run.status}):\n${run.stderr}`);
  }
  const [wallMs, cpuMs] = JSON.parse(run.stdout) as [number, number];
  return { wallMs, cpuMs };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** `node_modules/@scope/name/…` → `@scope/name`; `shared/store/x.ts` → `shared/store`. */
function contributorOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage?.[1]) return inPackage[1];
  const parts = input.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : input;
}

/** Bytes in the bundle per contributor (package, or shared/ and functions/ folder). */
function contributors(bundled: Bundle): Map<string, number> {
  const output = Object.values(bundled.metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = contributorOf(input);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return bytes;
}

/** What a function adds over the floor, largest first: its bytes per contributor less the floor's. */
function topBeyondFloor(bundled: Bundle, floor: Bundle, count: number): { name: string; kb: number }[] {
  const floorBytes = contributors(floor);
  return [...contributors(bundled).entries()]
    .map(([name, size]) => [name, size - (floorBytes.get(name) ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => ({ name, kb: kb(size) }));
}

const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

try {
  const started = performance.now();
  const bundles: Bundle[] = [];
  for (const [index, target] of targets.entries()) bundles.push(await bundle(target, index));
  const buildSeconds = (performance.now() - started) / 1000;

  const timings = new Map<Bundle, ImportTime[]>(bundles.map((bundled) => [bundled, []]));
  for (let round = 0; round < RUNS; round += 1) {
    process.stderr.write(`bench:bundles import round ${round + 1}/${RUNS}\n`);
    for (let step = 0; step < bundles.length; step += 1) {
      const bundled = bundles[(step + round * 7) % bundles.length] as Bundle;
      timings.get(bundled)?.push(importOnce(bundled));
    }
  }

  const floor = bundles[0] as Bundle;
  const medians = (bundled: Bundle) => {
    const times = timings.get(bundled) ?? [];
    return {
      wallMs: median(times.map((time) => time.wallMs)),
      cpuMs: median(times.map((time) => time.cpuMs)),
    };
  };
  const floorTime = medians(floor);
  const rows = bundles.map((bundled) => {
    const { wallMs: importMs, cpuMs } = medians(bundled);
    const deltaKB = kb(bundled.bytes - floor.bytes);
    const ratio = importMs / floorTime.wallMs;
    const cpuRatio = cpuMs / floorTime.cpuMs;
    // The issue's goal, on the wall-clock median.
    const withinGoal = deltaKB <= GOAL.deltaKB && ratio <= GOAL.importRatio;
    return {
      bundled,
      name: bundled.target.name,
      kb: kb(bundled.bytes),
      deltaKB,
      importMs,
      ratio,
      cpuMs,
      cpuRatio,
      withinGoal,
    };
  });

  const table = [
    ['function', 'KB', 'Δ floor KB', 'import ms', '× floor', 'CPU ms', '× floor', 'goal'],
    ...rows.map((row) => [
      row.name,
      row.kb.toFixed(1),
      row.bundled === floor ? '' : row.deltaKB.toFixed(1),
      row.importMs.toFixed(1),
      row.ratio.toFixed(2),
      row.cpuMs.toFixed(1),
      row.cpuRatio.toFixed(2),
      row.bundled === floor ? '' : row.withinGoal ? 'pass' : 'FAIL',
    ]),
  ];
  const widths = (table[0] ?? []).map((_, column) =>
    Math.max(...table.map((line) => (line[column] ?? '').length)),
  );
  for (const line of table) {
    console.log(
      line
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    );
  }
  const failing = rows.filter((row) => row.bundled !== floor && !row.withinGoal);
  if (failing.length > 0) {
    console.log(
      `\n${failing.length} over the goal; the top 5 contributors beyond the floor's (KB, minified):`,
    );
    for (const row of failing) {
      const top = topBeyondFloor(row.bundled, floor, 5).map(
        ({ name, kb: size }) => `${name} ${size.toFixed(1)}`,
      );
      console.log(`  ${row.name}: ${top.join(', ')}`);
    }
  }
  console.log(
    JSON.stringify({
      bench: 'bundles',
      runs: RUNS,
      buildSeconds: Number(buildSeconds.toFixed(1)),
      floor: {
        kb: kb(floor.bytes),
        importMs: Number(floorTime.wallMs.toFixed(1)),
        importCpuMs: Number(floorTime.cpuMs.toFixed(1)),
      },
      functions: rows
        .filter((row) => row.bundled !== floor)
        .map((row) => ({
          name: row.name,
          kb: row.kb,
          deltaKB: row.deltaKB,
          importMs: Number(row.importMs.toFixed(1)),
          ratio: Number(row.ratio.toFixed(2)),
          importCpuMs: Number(row.cpuMs.toFixed(1)),
          cpuRatio: Number(row.cpuRatio.toFixed(2)),
          withinGoal: row.withinGoal,
        })),
      goal: GOAL,
      withinGoal: rows.length - 1 - failing.length,
      overGoal: failing.length,
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
