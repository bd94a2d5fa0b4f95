import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The outside edges the generated inputs are thrown at. A property names the edge its inputs
 * arrive at; the bench totals the inputs per edge against its target.
 */
export const RELIABILITY_EDGES = [
  'API requests',
  'SQS ingress messages',
  'SES receipt events',
  'MIME mail',
  'model output',
  'approval POSTs',
] as const;
export type ReliabilityEdge = (typeof RELIABILITY_EDGES)[number];

/**
 * What one reliability check tried and what it saw: the bench summary cites these numbers. A check
 * records after its assertions ran (a property records once `fc.assert` passed), so a recorded
 * `eventsLost: 0` is a zero the test asserted; the loop fault tests count them from the thread.
 */
export interface ReliabilityEntry {
  /** The outside edge a property's generated inputs arrive at; fault injection names none. */
  edge?: ReliabilityEdge;
  /** Generated inputs tried (the runs fast-check made) or deliveries made (fault injection). */
  inputsTried?: number;
  faultsInjected?: number;
  eventsLost: number;
  eventsDuplicated: number;
  /** HTTP answers of 500 or more, for checks that send HTTP requests. */
  serverErrors?: number;
  /** Anything else worth citing: statuses seen, retries observed. */
  notes?: Record<string, unknown>;
}

/** How many answers in a tally of HTTP statuses (status → count) were 500 or more. */
export const serverErrorsIn = (statuses: Readonly<Record<string, number>>): number =>
  Object.entries(statuses).reduce((sum, [status, count]) => (Number(status) >= 500 ? sum + count : sum), 0);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_FILE = join(ROOT, 'bench', 'results', 'reliability.json');
const LOCK = `${RESULTS_FILE}.lock`;

type ResultsFile = { generatedAt: string; checks: Record<string, ReliabilityEntry & { at: string }> };

const isRecording = (): boolean => process.env.THREADLINE_RECORD_RELIABILITY === '1';

/**
 * Starts a fresh record (vitest's global setup calls it once per run): the file then holds the
 * checks of one run only, never an entry left by a check that was renamed or did not run.
 */
export const startRecord = (): void => {
  if (isRecording()) rmSync(RESULTS_FILE, { force: true });
};

/**
 * Collects entries in memory; `flush` merges them into bench/results/reliability.json. Test files
 * run in parallel workers, so the read-merge-write holds a lock directory (mkdir is atomic) and
 * the file is replaced by a rename, never left half-written.
 */
export const createRecorder = (section: string) => {
  const entries: Record<string, ReliabilityEntry> = {};
  return {
    record: (name: string, entry: ReliabilityEntry) => {
      entries[`${section}: ${name}`] = entry;
    },
    flush: async () => {
      // Only `npm run test:reliability` refreshes the record; a plain `npm test` leaves the tree clean.
      if (!isRecording()) return;
      mkdirSync(dirname(RESULTS_FILE), { recursive: true });
      await withLock(() => {
        const current = readResults();
        const at = new Date().toISOString();
        for (const [name, entry] of Object.entries(entries)) current.checks[name] = { ...entry, at };
        current.generatedAt = at;
        const temporary = `${RESULTS_FILE}.${process.pid}.tmp`;
        writeFileSync(temporary, `${JSON.stringify(current, null, 2)}\n`);
        renameSync(temporary, RESULTS_FILE);
      });
    },
  };
};

const readResults = (): ResultsFile => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'checks' in parsed) {
      const checks = (parsed as { checks: unknown }).checks;
      if (typeof checks === 'object' && checks !== null) {
        return { generatedAt: '', checks: checks as ResultsFile['checks'] };
      }
    }
  } catch {
    // No file yet, or an unreadable one: start afresh.
  }
  return { generatedAt: '', checks: {} };
};

const withLock = async (write: () => void): Promise<void> => {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    try {
      mkdirSync(LOCK);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    try {
      write();
    } finally {
      rmdirSync(LOCK);
    }
    return;
  }
  // A lock left by a killed run: write anyway rather than lose the results.
  write();
};
