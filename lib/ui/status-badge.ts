import { html, type SafeHtml } from '../api/html.ts';
import type { ThreadStatus } from '../core/thread-state.ts';

/** A thread's status as a colored badge; the words carry the meaning, the color only helps. */
export const statusBadge = (status: ThreadStatus): SafeHtml =>
  html`<span class="badge status-${status}">${status.replace('-', ' ')}</span>`;
