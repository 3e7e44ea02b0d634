/**
 * How every Lambda is bundled, in one place for the stacks (`AppFunction` hands these to
 * `NodejsFunction`, which runs the esbuild CLI) and for `bench/bundles.ts` (the esbuild API), so the
 * benchmark measures exactly what deploys. No CDK imports here. Why these options: see the comment in
 * `stacks/constructs/app-function.ts`.
 */
import type { BuildOptions } from 'esbuild';

/** ESM needs `require` for the CommonJS packages inside the bundle that call it (Node built-ins). */
const requireShim = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** `NodejsFunction`'s `bundling` props, in the terms of its `BundlingOptions` (minus the CDK enum). */
export const lambdaBundling = {
  format: 'esm',
  target: 'node24',
  minify: true,
  sourceMap: true,
  /** Stack traces map to file:line without the sources' text in the map. */
  sourcesContent: false,
  /** Nothing external: the pinned SDK is bundled (and tree-shaken) with the code. */
  externalModules: [] as string[],
  /** ESM builds first: the SDK's `dist-es` tree-shakes, its `dist-cjs` does not. */
  mainFields: ['module', 'main'],
  banner: requireShim,
} as const;

/** `NODE_OPTIONS` of every function: stack traces through the source maps. */
export const lambdaNodeOptions = '--enable-source-maps';

/**
 * The esbuild API options equivalent to the CLI call `NodejsFunction` makes with `lambdaBundling`
 * (`esbuild --bundle <entry> --target --platform=node --format --outfile --minify --sourcemap
 * --sources-content --tsconfig --banner:js --main-fields`, run in the repository root).
 */
export function lambdaEsbuildOptions(options: {
  repositoryRoot: string;
  /** Absolute path of the handler module. */
  entry: string;
  /** Absolute path of the bundle (`index.mjs`). */
  outfile: string;
  tsconfig: string;
}): BuildOptions & { entryPoints: string[] } {
  return {
    absWorkingDir: options.repositoryRoot,
    entryPoints: [options.entry],
    bundle: true,
    target: lambdaBundling.target,
    platform: 'node',
    format: lambdaBundling.format,
    outfile: options.outfile,
    minify: lambdaBundling.minify,
    sourcemap: lambdaBundling.sourceMap,
    sourcesContent: lambdaBundling.sourcesContent,
    external: [...lambdaBundling.externalModules],
    tsconfig: options.tsconfig,
    banner: { js: lambdaBundling.banner },
    mainFields: [...lambdaBundling.mainFields],
  };
}
