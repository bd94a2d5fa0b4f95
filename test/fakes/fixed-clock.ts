import type { Clock } from '../../lib/core/ports.ts';

/** A clock that moves only when told to: one second per reading by default. */
export class FixedClock implements Clock {
  private current: number;

  constructor(
    start = '2026-01-01T00:00:00.000Z',
    private readonly tickMs = 1000,
  ) {
    this.current = Date.parse(start);
  }

  now(): string {
    const reading = new Date(this.current).toISOString();
    this.current += this.tickMs;
    return reading;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
