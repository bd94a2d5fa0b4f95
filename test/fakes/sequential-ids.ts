import type { Ids } from '../../lib/core/ports.ts';

/** Ids that read in order: `ev-1`, `ev-2`, `apr-3` … */
export class SequentialIds implements Ids {
  private count = 0;

  next(prefix: string): string {
    this.count += 1;
    return `${prefix}-${this.count}`;
  }
}
