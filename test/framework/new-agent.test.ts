import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/infra/handler-function.ts';
import { roleOf, roleTouches } from '../infra/iam.ts';
import { functionId, resourcesOf } from '../infra/synth.ts';

const run = promisify(execFile);

/** The agent a team would add: one folder, one tool that keeps notes in a table of its own. */
const NOTES_AGENT = `import * as z from 'zod';
import { defineAgentModule } from '../../adapters/agent-module.ts';
import { defineAgent } from '../../core/agent.ts';
import { table } from '../../core/resources.ts';
import { defineTool } from '../../core/tools.ts';

export const notes = defineAgentModule({
  name: 'notes',
  resources: { pages: table({ partitionKey: 'id' }) },
  create: ({ pages }) =>
    defineAgent({
      name: 'notes',
      description: 'Keeps notes.',
      prompt: () => 'You keep notes.',
      tools: [
        defineTool({
          name: 'save_note',
          description: 'Saves a note.',
          input: z.object({ text: z.string() }),
          uses: { pages: 'readWrite' },
          execute: async ({ text }) => ({ saved: text, table: pages.tableName }),
        }),
      ],
    }),
});
`;

/** Synthesizes the copy's stack, as \`cdk synth\` would run bin/app.ts, and prints the template. */
const SYNTH = `import { buildThreadlineApp, STACK_NAME } from './lib/infra/synthesize.ts';
const { app } = buildThreadlineApp({ bundle: false });
process.stdout.write(JSON.stringify(app.synth().getStackByName(STACK_NAME).template));
`;

let copy: string;
let template: Template;

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'threadline-new-agent-'));
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: PROJECT_ROOT,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await cp(join(PROJECT_ROOT, file), join(copy, file), { recursive: true }).catch((error: unknown) => {
      // A file deleted in the work tree but still in the index is not part of the project.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

  // The README's steps: a folder under lib/agents, and one line in lib/agents/index.ts.
  await mkdir(join(copy, 'lib/agents/notes'));
  await writeFile(join(copy, 'lib/agents/notes/index.ts'), NOTES_AGENT);
  const registry = join(copy, 'lib/agents/index.ts');
  const source = await readFile(registry, 'utf8');
  const added = source
    .replace(/^(import .*\n)(?!import)/m, `$1import { notes } from './notes/index.ts';\n`)
    .replace(
      /AGENT_MODULES: readonly AgentModule\[\] = \[(.*)\];/,
      'AGENT_MODULES: readonly AgentModule[] = [$1, notes];',
    );
  expect(added).toContain("import { notes } from './notes/index.ts';");
  expect(added).toContain(', notes];');
  await writeFile(registry, added);

  await writeFile(join(copy, 'synth.ts'), SYNTH);
  const synthesized = await run(process.execPath, ['--import', 'tsx', 'synth.ts'], {
    cwd: copy,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  template = Template.fromJSON(JSON.parse(synthesized.stdout));
}, 180_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

const tableOf = (agent: string): string => {
  const ids = Object.entries(resourcesOf(template))
    .filter(
      ([id, resource]) =>
        resource.Type === 'AWS::DynamoDB::GlobalTable' && id.includes(`AgentTables${agent}`),
    )
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

describe('an agent added in its own folder', () => {
  it('gets its tool function, with its table named in the variable the framework reads', () => {
    const properties = resourcesOf(template)[functionId(template, 'tool-save_note')]?.Properties;
    expect(properties?.Environment).toMatchObject({
      Variables: { TOOL_NAME: 'save_note', THREADLINE_TABLE_NOTES_PAGES: { Ref: tableOf('NotesPages') } },
    });
  });

  it('gives its table to that function alone, and that function nothing of another agent', () => {
    const notesTable = tableOf('NotesPages');
    const roles = Object.keys(resourcesOf(template)).filter(
      (id) => resourcesOf(template)[id]?.Type === 'AWS::IAM::Role',
    );
    const saveNote = roleOf(template, 'tool-save_note');
    expect(roles.filter((role) => roleTouches(template, role, notesTable))).toEqual([saveNote]);
    expect(roleTouches(template, saveNote, tableOf('BillingLedger'))).toBe(false);
    expect(roles.filter((role) => roleTouches(template, role, tableOf('BillingLedger')))).toEqual([
      roleOf(template, 'tool-create_payment_link'),
    ]);
  });
});
