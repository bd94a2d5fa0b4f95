import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ThreadSchema } from '../../lib/core/events.ts';
import { ExportedThreadSchema } from '../../lib/core/exported-thread.ts';
import { ReplayReportSchema } from '../../lib/core/replay.ts';
import { runCli } from '../support/cli.ts';

const SEED = 'create a $750 sponsorship link for Terri';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'threads');
const APPROVED = 'billing-payment-link-approved.json';

/** A scratch folder holding copies of some shipped threads, each changed by `edit` if given. */
const folderWith = async (files: Record<string, (exported: Record<string, unknown>) => unknown>) => {
  const folder = await mkdtemp(join(tmpdir(), 'threadline-eval-'));
  for (const [name, edit] of Object.entries(files)) {
    const exported = JSON.parse(await readFile(join(FIXTURES, APPROVED), 'utf8'));
    await writeFile(join(folder, name), JSON.stringify(edit(exported)));
  }
  return folder;
};

/** The approved thread with the payment link's recorded amount made one the schema refuses. */
const negativeAmount = (exported: Record<string, unknown>) => {
  const parsed = ExportedThreadSchema.parse(exported);
  for (const event of parsed.thread.events) {
    if (event.type === 'model-step' && event.data.tool === 'create_payment_link') {
      event.data.args = { customerId: 'cus_terri', amountUsd: -750, description: 'sponsorship' };
    }
  }
  return parsed;
};

describe('threadline replay and export on a stored thread', () => {
  it('replays a stored thread as identical and exports it as a file ThreadSchema parses back', async () => {
    const run = await runCli(['run', '--store', 'dynamo', '--approve', 'all', SEED]);
    const threadId = String(/thread (th_\w+) done/.exec(run.stdout)?.[1]);

    const replayed = await runCli(['replay', threadId], { home: run.home });
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`thread ${threadId}, agent billing: identical (3 identical)`);
    expect(replayed.stdout).toContain('#4    identical   create_payment_link → approve create_payment_link');
    expect(replayed.stdout).toContain('model requests were not compared');
    const json = ReplayReportSchema.parse(
      JSON.parse((await runCli(['replay', threadId, '--json'], { home: run.home })).stdout),
    );
    expect(json.steps.map((step) => [step.seq, step.verdict, step.requestsCompared])).toEqual([
      [2, 'identical', false],
      [4, 'identical', false],
      [8, 'identical', false],
    ]);

    const exported = await runCli(['export', threadId, '--out', 'exports', '--json'], { home: run.home });
    expect(exported.code).toBe(0);
    const file = join(run.home, 'exports', `${threadId}.json`);
    expect(JSON.parse(exported.stdout)).toEqual([{ threadId, file, verdict: 'identical' }]);
    const written = ExportedThreadSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    const shown = ThreadSchema.parse(
      JSON.parse((await runCli(['show', threadId, '--json'], { home: run.home })).stdout),
    );
    expect(written.thread).toEqual(shown);
    expect(Object.keys(written.requests)).toEqual(['2', '4', '8']);

    const fromFile = await runCli(['replay', join('exports', `${threadId}.json`), '--json'], {
      home: run.home,
    });
    expect(fromFile.code).toBe(0);
    expect(
      ReplayReportSchema.parse(JSON.parse(fromFile.stdout)).steps.every((step) => step.requestsCompared),
    ).toBe(true);
  });

  it('says clearly what is missing or unknown', async () => {
    expect(await runCli(['replay'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('replay needs one thread id or exported file'),
    });
    expect(await runCli(['export'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('export needs at least one thread id'),
    });
    expect(await runCli(['eval'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('eval needs one folder'),
    });
    expect(await runCli(['eval', 'no-such-folder'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no-such-folder is not a folder'),
    });
    expect(await runCli(['replay', 'th_nobody'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('thread th_nobody does not exist'),
    });
    const help = await runCli(['help']);
    expect(help.stdout).toMatch(/threadline replay <thread-id \| file\.json> \[--json\]/);
    expect(help.stdout).toContain('6 a replay found a regression');
  });
});

describe('threadline eval', () => {
  it('prints a table of the shipped threads and exits 0 when none regressed', async () => {
    const evaluated = await runCli(['eval', FIXTURES]);

    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout.split('\n').slice(0, 3)).toEqual([
      'file                                agent    steps  identical  benign  regression  verdict',
      'billing-lookup-no-customer.json     billing  2      2          0       0           identical',
      'billing-payment-link-approved.json  billing  3      3          0       0           identical',
    ]);
    expect(evaluated.stdout).toContain('5 threads: 0 regressed, 0 could not be replayed');
  });

  it('reports a request that changed as benign and still exits 0', async () => {
    const folder = await folderWith({
      'reworded.json': (exported) => {
        const parsed = ExportedThreadSchema.parse(exported);
        for (const request of Object.values(parsed.requests)) request.system = '0000000000000000';
        return parsed;
      },
    });

    const evaluated = await runCli(['eval', folder, '--json']);

    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.verdict).toBe('benign');
    expect(report.files[0].report.steps[0]).toMatchObject({
      verdict: 'benign',
      requestChanges: ['#2: system prompt changed'],
    });
  });

  it('exits 6 and names the step when a recorded decision no longer holds', async () => {
    const folder = await folderWith({
      'as-recorded.json': (exported) => exported,
      'refused.json': negativeAmount,
    });

    const evaluated = await runCli(['eval', folder]);
    const json = await runCli(['eval', folder, '--json']);
    const single = await runCli(['replay', join(folder, 'refused.json')]);

    expect(evaluated.code).toBe(6);
    expect(evaluated.stdout).toContain(
      'refused.json      billing  3      1          1       1           regression',
    );
    expect(evaluated.stdout).toContain('now: create_payment_link → model again');
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout).verdict).toBe('regression');
    expect(single.code).toBe(6);
    expect(single.stdout).toMatch(/#4 +regression +create_payment_link → approve create_payment_link/);
  });

  it('exits 1 and says why when a file is not an exported thread', async () => {
    const folder = await folderWith({ 'good.json': (exported) => exported });
    await cp(join(FIXTURES, APPROVED), join(folder, 'copy.json'));
    await writeFile(join(folder, 'notes.json'), '{"thread": 42}');

    const evaluated = await runCli(['eval', folder, '--json']);

    expect(evaluated.code).toBe(1);
    const report = JSON.parse(evaluated.stdout);
    expect(report.verdict).toBe('error');
    expect(report.files.find((file: { file: string }) => file.file === 'notes.json')).toEqual({
      file: 'notes.json',
      ok: false,
      error: expect.stringMatching(/notes\.json is not an exported thread: format: /),
    });
  });
});
