import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { type Section, table } from './section.ts';

const ReliabilitySchema = z.object({
  generatedAt: z.string(),
  checks: z.record(
    z.string(),
    z.object({
      inputsTried: z.number().optional(),
      faultsInjected: z.number().optional(),
      eventsLost: z.number(),
      eventsDuplicated: z.number(),
    }),
  ),
});

const FILE = join(fileURLToPath(new URL('.', import.meta.url)), 'results', 'reliability.json');

/**
 * The reliability suite's record (written by `npm run test:reliability`): what was
 * tried, what faults were injected, and the events lost or duplicated, which must be 0.
 */
export const runReliability = async (): Promise<Section> => {
  let text: string;
  try {
    text = await readFile(FILE, 'utf8');
  } catch {
    return {
      id: 'reliability',
      title: '7. Reliability suite',
      figures: null,
      markdown: 'No record yet: run `npm run test:reliability` first, then the bench.',
    };
  }
  const record = ReliabilitySchema.parse(JSON.parse(text));
  const rows = Object.entries(record.checks).sort(([a], [b]) => a.localeCompare(b));
  const total = (pick: (entry: (typeof rows)[number][1]) => number | undefined): number =>
    rows.reduce((sum, [, entry]) => sum + (pick(entry) ?? 0), 0);
  const lost = total((entry) => entry.eventsLost);
  const duplicated = total((entry) => entry.eventsDuplicated);
  return {
    id: 'reliability',
    title: '7. Reliability suite',
    figures: {
      ...record,
      totals: {
        inputsTried: total((entry) => entry.inputsTried),
        faultsInjected: total((entry) => entry.faultsInjected),
        lost,
        duplicated,
      },
    },
    markdown: [
      `From \`npm run test:reliability\` (fast-check properties and fault injection on the synthesized loop), recorded ${record.generatedAt}.`,
      '',
      table(
        ['check', 'inputs tried', 'faults injected', 'events lost', 'events duplicated'],
        rows.map(([name, entry]) => [
          name,
          entry.inputsTried ?? '',
          entry.faultsInjected ?? '',
          entry.eventsLost,
          entry.eventsDuplicated,
        ]),
      ),
      '',
      `Totals: ${total((entry) => entry.inputsTried)} inputs tried, ${total((entry) => entry.faultsInjected)} faults injected, ${lost} events lost and ${duplicated} duplicated (target 0: ${lost + duplicated === 0 ? 'met' : '**missed**'}).`,
    ].join('\n'),
  };
};
