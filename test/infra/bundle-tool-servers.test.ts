import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../lib/infra/bundling-options.ts';
import { METADATA, PROJECT_ROOT } from '../../lib/infra/handler-function.ts';
import { buildThreadlineApp } from '../../lib/infra/synthesize.ts';
import { readAgentManifest } from '../../lib/infra/tool-manifest.ts';
import { resourcesOf, synthesize } from './synth.ts';

/** The functions whose template metadata says their bundle carries the MCP client. */
const carryingTheClient = (template: Template): string[] =>
  Object.values(resourcesOf(template))
    .filter((resource) => resource.Metadata?.[METADATA.toolServers] === true)
    .map((resource) => String(resource.Metadata?.[METADATA.name]))
    .sort();

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

/** The packages a build of `entry` takes in, as its metafile lists them. */
const bundledInputs = async (entry: string, reachesToolServers: boolean): Promise<string[]> => {
  const outdir = await mkdtemp(join(tmpdir(), 'threadline-bundle-servers-'));
  directories.push(outdir);
  const result = await build({
    ...esbuildOptions(reachesToolServers),
    entryPoints: [join(PROJECT_ROOT, entry)],
    outdir,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
};

const MCP_SDK = 'node_modules/@modelcontextprotocol/sdk/';

describe('the MCP client in bundles', () => {
  it('is in no function of the stack when no agent names a server', () => {
    expect(carryingTheClient(synthesize().template)).toEqual([]);
  });

  it('is in the step, the API and the server tool’s function when an agent names a server', () => {
    const manifest = readAgentManifest();
    const served = {
      ...manifest,
      tools: [
        ...manifest.tools,
        {
          name: 'search_notes',
          agent: manifest.agents[0] ?? '',
          needsApproval: false,
          server: { name: 'notes' },
        },
      ],
    };
    const { stack } = buildThreadlineApp({ bundle: false, manifest: served });
    expect(carryingTheClient(Template.fromStack(stack))).toEqual(['api', 'step', 'tool-search_notes']);
  });

  it.each(['lambdas/step.ts', 'lambdas/tool.ts', 'lambdas/api.ts'])(
    'is left out of %s when the function reaches no server, and bundled when it does',
    async (entry) => {
      const without = await bundledInputs(entry, false);
      const reaching = await bundledInputs(entry, true);
      expect(without.filter((input) => input.includes(MCP_SDK))).toEqual([]);
      expect(without.filter((input) => input.includes('lib/adapters/mcp-tool-servers.ts'))).toEqual([]);
      expect(reaching.filter((input) => input.includes(MCP_SDK)).length).toBeGreaterThan(10);
    },
  );
});
