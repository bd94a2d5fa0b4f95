import { join } from 'node:path';
import { findCorePurityViolations, formatViolation } from './core-purity.ts';

/** `npm run check` runs this: it prints each violation of lib/core's import allowlist and fails. */
const root = join(import.meta.dirname, '..');
const violations = await findCorePurityViolations(root);
for (const violation of violations) console.error(formatViolation(violation));
if (violations.length > 0) {
  console.error(`lib/core purity: ${violations.length} violation(s).`);
  process.exit(1);
}
console.log('lib/core purity: clean.');
