import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * The esbuild settings every function of the stack is bundled with, in one place: `HandlerFunction`
 * hands them to NodejsFunction, and the bundle benchmark (bench/bundles.ts) and the bundle tests
 * build with the same ones. Each setting is here because it moves the bundle's size or what it
 * loads at a cold start; bench section 4 measures them.
 */
export const BUNDLING = {
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  /**
   * Text as UTF-8, not `\uXXXX` escapes: the charset tables the mail parser carries (iconv-lite's
   * CJK codepages) are a third smaller this way. Lambda reads code as UTF-8.
   */
  charset: 'utf8',
  alias: {
    /**
     * One copy of libmime, not two: mailparser imports its ESM build and @zone-eu/mailsplit
     * requires its CommonJS build, and each carries its own MIME type and charset tables. Both
     * builds are the same code; the CommonJS one serves both.
     */
    libmime: require.resolve('libmime'),
    /**
     * The SDK clients' credentials from the variables Lambda sets, not the SDK's whole provider
     * chain: see lambdas/environment-credentials.ts.
     */
    '@aws-sdk/credential-provider-node': fileURLToPath(
      new URL('../../lambdas/environment-credentials.ts', import.meta.url),
    ),
  },
  /** CommonJS dependencies that call require() need it inside an ESM bundle. */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

/**
 * The AWS SDK (`@aws-sdk/*`, `@smithy/*`) is bundled, not left to the copy the Lambda runtime
 * carries: the pinned versions ship with the code, and a minified bundle of the few clients a
 * function uses loads faster than the runtime's whole packages (bench section 4 measures both).
 */
export const BUNDLE_AWS_SDK = true;

/**
 * What a function's bundle defines, by whether it reaches MCP servers. One that reaches none is
 * built without the MCP client (`lambdas/tool-servers-piece.ts`): the SDK and its JSON Schema
 * validator are about 300 KB that no call of that function would load.
 */
export const bundleDefines = (reachesToolServers: boolean): Record<string, string> =>
  reachesToolServers ? {} : { 'process.env.THREADLINE_BUNDLED_WITHOUT_TOOL_SERVERS': JSON.stringify('true') };

/**
 * Pieces a function imports only when it first needs one, each bundled into a file of its own
 * beside the function's `index.mjs`, not into it. NodejsFunction writes one `--outfile`, so
 * esbuild cannot split chunks off, and a module it inlines for a dynamic import loses tree
 * shaking with all it imports: the S3 client came with every S3 command and the XML protocol,
 * about 200 KB that a cold start parsed and hardly any invocation used (bench section 4). The
 * sources import a piece by the project's import map (package.json `imports`, which names the
 * same entries: `test/infra/lazy-pieces.test.ts`); the bundle leaves that import as it is, and
 * a package.json beside it maps the name to the piece's file.
 */
export const LAZY_PIECES: Readonly<Record<string, { entry: string; file: string }>> = {
  '#s3-piece': { entry: 'lambdas/s3-piece.ts', file: 's3-piece.mjs' },
};

/** The package.json written beside a function's bundle: where its lazy pieces are. */
export const assetPackageJson = (): { imports: Record<string, string> } => ({
  imports: Object.fromEntries(Object.entries(LAZY_PIECES).map(([name, piece]) => [name, `./${piece.file}`])),
});

const ESBUILD = require.resolve('esbuild');

/** One word for `bash -c`, whatever it holds. */
const quoted = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The command that writes the lazy pieces and their package.json into a function's asset: one
 * `node` process that builds each piece with esbuild's own API and {@link esbuildOptions}, the
 * settings the bundle analysis builds with too.
 */
export const lazyPieceCommands = (inputDir: string, outputDir: string): string[] => {
  const builds = Object.values(LAZY_PIECES).map((piece) => ({
    ...esbuildOptions(false),
    entryPoints: [join(inputDir, piece.entry)],
    outfile: join(outputDir, piece.file),
    logLevel: 'warning',
  }));
  const script = [
    'const [esbuild, builds, manifest, packageJson] = process.argv.slice(1);',
    'for (const build of JSON.parse(builds)) require(esbuild).buildSync(build);',
    "require('node:fs').writeFileSync(manifest, packageJson);",
  ].join(' ');
  const words = [
    process.execPath,
    '-e',
    script,
    ESBUILD,
    JSON.stringify(builds),
    join(outputDir, 'package.json'),
    JSON.stringify(assetPackageJson()),
  ];
  return [words.map(quoted).join(' ')];
};

/**
 * The same settings as esbuild's own options, as NodejsFunction turns them into its command line
 * (`--bundle --platform=node --outfile=index.mjs …`), for building a function's bundle outside
 * synth: the bundle benchmark's analysis and the bundle tests.
 */
export const esbuildOptions = (reachesToolServers: boolean): BuildOptions => ({
  bundle: true,
  platform: 'node',
  format: BUNDLING.format,
  target: BUNDLING.target,
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourcemap,
  mainFields: [...BUNDLING.mainFields],
  charset: BUNDLING.charset,
  alias: { ...BUNDLING.alias },
  banner: { js: BUNDLING.banner },
  define: bundleDefines(reachesToolServers),
  external: [...(BUNDLE_AWS_SDK ? [] : ['@aws-sdk/*', '@smithy/*']), ...Object.keys(LAZY_PIECES)],
  outExtension: { '.js': '.mjs' },
});
