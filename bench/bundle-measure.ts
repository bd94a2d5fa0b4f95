import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { percentile, round } from './stats.ts';

const run = promisify(execFile);

/** Settings every handler reads at cold start; placeholders, as the local stack gives them. */
const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  THREAD_TABLE_NAME: 'threads',
  PAYLOAD_BUCKET_NAME: 'payloads',
  INGRESS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/ingress.fifo',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Threadline-agent-loop',
  THREADLINE_MODEL: 'demo',
  TOOL_NAME: 'lookup_customer',
  APPROVAL_BASE_URL: 'https://example.com/approvals/',
  APPROVAL_SIGNING_SECRET: 'bench-signing-secret-bench-signing-secret',
  APPROVAL_TIMEOUT_SECONDS: '86400',
  INBOUND_DOMAIN: 'threadline.local',
  INBOUND_MAIL_PREFIX: 'mail/',
  INBOUND_AGENTS: '{}',
  POWERTOOLS_SERVICE_NAME: 'threadline',
};

/** Wall and CPU (user + system) milliseconds of the import, measured inside the fresh process. */
const IMPORT_TIMER = `const cpu = process.cpuUsage(); const started = performance.now(); await import(process.argv[1]); const wall = performance.now() - started; const used = process.cpuUsage(cpu); process.stdout.write(JSON.stringify([wall, (used.user + used.system) / 1000]));`;

/** One bundle's cold imports: medians of wall and CPU time, or why the import failed. */
export interface ColdImport {
  medianMs?: number;
  /** CPU time is less at the mercy of other processes on a shared machine than wall time. */
  cpuMedianMs?: number;
  failure?: string;
}

/**
 * Imports a bundle `times` times, each in a fresh node process (module evaluation, not node's own
 * start), with the placeholder environment. A bundle that leaves packages external resolves them
 * from the node_modules folder above it.
 */
export const coldImports = async (file: string, times: number): Promise<ColdImport> => {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let attempt = 0; attempt < times; attempt += 1) {
    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, file], {
        env: { ...process.env, ...ENVIRONMENT },
        timeout: 30_000,
      });
      const [wall, cpu] = JSON.parse(stdout) as [number, number];
      walls.push(wall);
      cpus.push(cpu);
    } catch (error) {
      const message =
        error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
      return { failure: `failed: ${message.slice(0, 200)}` };
    }
  }
  const median = (samples: number[]) =>
    round(
      percentile(
        [...samples].sort((left, right) => left - right),
        0.5,
      ),
      1,
    );
  return { medianMs: median(walls), cpuMedianMs: median(cpus) };
};

export const sizeKb = async (file: string): Promise<number> => round((await stat(file)).size / 1024, 1);
/** The largest inputs of a bundle, grouped by package (or `lib/`, `lambdas/`). */
export const heaviest = (metafile: Metafile, output: string): { source: string; kb: number }[] => {
  const inputs = metafile.outputs[output]?.inputs ?? {};
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const source = match?.[1] ?? path.split('/')[0] ?? path;
    byPackage.set(source, (byPackage.get(source) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, 5)
    .map(([source, bytes]) => ({ source, kb: round(bytes / 1024, 1) }));
};
