import { html, type SafeHtml } from '../api/html.ts';

/** Estimated US$, precise enough for a single cheap step and short for a large bill. */
export const formatUsd = (usd: number): string => {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(5)}`;
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
};

export const formatCount = (count: number): string => count.toLocaleString('en-US');

/** `1 model step`, `6 model steps`. */
export const modelSteps = (count: number): string =>
  `${formatCount(count)} model ${count === 1 ? 'step' : 'steps'}`;

/** `2026-01-01 00:00:03 UTC` from an ISO time; anything else is shown as it came. */
export const formatTime = (at: string): string => {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return at;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

export const timeElement = (at: string): SafeHtml => html`<time datetime="${at}">${formatTime(at)}</time>`;

export const threadHref = (threadId: string): string => `/ui/threads/${encodeURIComponent(threadId)}`;

/** The text of a link to a thread's timeline. */
export const threadLink = (threadId: string, text: string = threadId): SafeHtml =>
  html`<a href="${threadHref(threadId)}">${text}</a>`;
