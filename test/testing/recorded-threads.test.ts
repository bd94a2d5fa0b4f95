import { join } from 'node:path';
import { createTriageAgent } from '../../lib/agents/triage/index.ts';
import { describeRecordedThreads } from '../../lib/testing/replay-suite.ts';
import { billingAgent } from '../support/recorded-threads.ts';

// The project's own regression suite: threads the example agents ran (`threadline run` with the
// demo model, then `threadline export`), replayed against their current code on every test run.
describeRecordedThreads(join(import.meta.dirname, '..', 'fixtures', 'threads'), [
  billingAgent(),
  createTriageAgent(),
]);
