import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { RELIABILITY_EDGES } from '../test/reliability/record.ts';
import { type Section, table, verdictAtLeast } from './section.ts';

/** Generated inputs the properties must try, across the outside edges together, in one recorded run. */
const INPUTS_TARGET = 10_000;

const ReliabilitySchema = z.object({
  generatedAt: z.string(),
  checks: z.record(
    z.string(),
    z.object({
      edge: z.enum(RELIABILITY_EDGES).optional(),
      inputsTried: z.number().optional(),
      faultsInjected: z.number().optional(),
      eventsLost: z.number(),
      eventsDuplicated: z.number(),
      serverErrors: z.number().optional(),
    }),
  ),
});
type Entry = z.infer<typeof ReliabilitySchema>['checks'][string];

const FILE = join(fileURLToPath(new URL('.', import.meta.url)), 'results', 'reliability.json');

const sum = (entries: readonly Entry[], pick: (entry: Entry) => number | undefined): number =>
  entries.reduce((total, entry) => total + (pick(entry) ?? 0), 0);

/**
 * The reliability suite's record (written by `npm run test:reliability`): the generated inputs
 * tried at each outside edge against the target, the faults injected, and the events lost or
 * duplicated and the 5xx answers, which must all be 0.
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
  const entries = rows.map(([, entry]) => entry);
  const perEdge = RELIABILITY_EDGES.map((edge) => {
    const atEdge = entries.filter((entry) => entry.edge === edge);
    return { edge, properties: atEdge.length, inputsTried: sum(atEdge, (entry) => entry.inputsTried) };
  });
  const generated = perEdge.reduce((total, edge) => total + edge.inputsTried, 0);
  const uncovered = perEdge.filter((edge) => edge.inputsTried === 0).map((edge) => edge.edge);
  const totals = {
    inputsTried: sum(entries, (entry) => entry.inputsTried),
    generatedAtEdges: generated,
    faultsInjected: sum(entries, (entry) => entry.faultsInjected),
    lost: sum(entries, (entry) => entry.eventsLost),
    duplicated: sum(entries, (entry) => entry.eventsDuplicated),
    serverErrors: sum(entries, (entry) => entry.serverErrors),
  };
  const zeros = totals.lost + totals.duplicated + totals.serverErrors === 0;
  return {
    id: 'reliability',
    title: '7. Reliability suite',
    figures: { ...record, perEdge, totals, inputsTarget: INPUTS_TARGET },
    markdown: [
      `From \`npm run test:reliability\` (fast-check properties at every outside edge, and fault injection on the synthesized loop), recorded ${record.generatedAt}. A property's inputs tried are the runs fast-check made.`,
      '',
      table(
        ['outside edge', 'properties', 'generated inputs tried'],
        [
          ...perEdge.map(({ edge, properties, inputsTried }) => [edge, properties, inputsTried]),
          ['**all edges**', perEdge.reduce((total, edge) => total + edge.properties, 0), `**${generated}**`],
        ],
      ),
      '',
      `Target ≥ ${INPUTS_TARGET} generated inputs across the outside edges: ${verdictAtLeast(generated, INPUTS_TARGET, ' inputs')}${uncovered.length > 0 ? `; **no inputs at** ${uncovered.join(', ')}` : ', every edge covered'}.`,
      '',
      table(
        [
          'check',
          'edge',
          'inputs tried',
          'faults injected',
          'events lost',
          'events duplicated',
          '5xx answers',
        ],
        rows.map(([name, entry]) => [
          name,
          entry.edge ?? '',
          entry.inputsTried ?? '',
          entry.faultsInjected ?? '',
          entry.eventsLost,
          entry.eventsDuplicated,
          entry.serverErrors ?? '',
        ]),
      ),
      '',
      `Totals: ${totals.inputsTried} inputs tried (${generated} generated at the outside edges, the rest deliveries in the fault tests), ${totals.faultsInjected} faults injected, ${totals.lost} events lost, ${totals.duplicated} duplicated and ${totals.serverErrors} 5xx answers (target 0: ${zeros ? 'met' : '**missed**'}).`,
    ].join('\n'),
  };
};
