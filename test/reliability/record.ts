import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What one reliability check tried and what it saw: the bench summary cites these numbers. A check
 * records after its assertions ran (a property records once `fc.assert` passed), so a recorded
 * `eventsLost: 0` is a zero the test asserted; the loop fault tests count them from the thread.
 */
export interface ReliabilityEntry {
  /** Generated inputs tried (property tests) or deliveries/faults made (fault injection). */
  inputsTried?: number;
  faultsInjected?: number;
  eventsLost: number;
  eventsDuplicated: number;
  /** Anything else worth citing: statuses seen, retries observed. */
  notes?: Record<string, unknown>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_FILE = join(ROOT, 'bench', 'results', 'reliability.json');
const LOCK = `${RESULTS_FILE}.lock`;

type ResultsFile = { generatedAt: string; checks: Record<string, ReliabilityEntry & { at: string }> };

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
      if (process.env.THREADLINE_RECORD_RELIABILITY !== '1') return;
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
