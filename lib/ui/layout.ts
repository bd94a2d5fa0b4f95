import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { html, raw, type SafeHtml } from '../api/html.ts';
import { type Page, sendPage } from '../api/pages.ts';

/**
 * What the UI adds to the approval pages' style sheet: a wider page, tables, badges, the event
 * list and the chart. Badges and the cost line keep 4.5:1 contrast on both light and dark themes.
 * `renderPage` owns the head, so this sheet sits at the top of the body: every browser applies it.
 */
const UI_STYLE = raw(`<style>
main{max-width:72rem}
nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:0 0 1rem}
nav a{font-weight:700}
a{color:var(--accent)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
li,a{overflow-wrap:anywhere}
figure{margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--border);vertical-align:top}
td.number,th.number{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td time{white-space:nowrap}
.badge{display:inline-block;font-family:system-ui,sans-serif;padding:.1rem .5rem;border-radius:1rem;border:1px solid var(--border);color:#fff;font-size:.85rem;font-weight:700;white-space:nowrap}
.status-running{background:#0b5cad}.status-awaiting-approval,.status-awaiting-human{background:#8a4500}
.status-done{background:#146c2e}.status-failed{background:#a00000}.status-escalated{background:#6a1b9a}
.status-paused,.status-cancelled{background:#4a4a4a}
select{min-height:44px;padding:.4rem;font:inherit;color:var(--fg);background:var(--bg);border:2px solid var(--border);border-radius:.25rem;max-width:100%}
.field{margin-top:.75rem}
.notice{padding:.75rem 1rem;border:3px solid var(--accent);font-weight:700}
ol.events{list-style:none;padding:0}
ol.events>li{margin:0 0 .75rem;padding:.5rem .75rem;border-left:4px solid var(--border)}
ol.events>li.error{border-left-color:var(--error)}
.event-head{font-size:.9rem;color:var(--muted)}
.event-head .type{font-weight:700;color:var(--fg)}
.error-text{color:var(--error);font-weight:700}
pre{margin:.25rem 0;padding:.5rem;border:1px solid var(--border);border-radius:.25rem}
.chart{max-width:100%;height:auto}
.chart text{fill:var(--fg);font:12px system-ui,sans-serif}
.chart .bar{fill:var(--accent)}
.chart .axis{stroke:var(--fg);stroke-width:1}
.chart .cost{fill:none;stroke:#c2410c;stroke-width:2}
.chart .cost-point{fill:#c2410c}
@media (prefers-color-scheme:dark){.chart .cost{stroke:#fb923c}.chart .cost-point{fill:#fb923c}}
@media (max-width:40rem){main{padding:.75rem}th,td{padding:.35rem .3rem}}
</style>`);

const NAVIGATION = html`<nav aria-label="threadline"><ul>
<li><a href="/">Threads</a></li>
<li><a href="/ui/outbox">Outbox</a></li>
<li><a href="/ui/dead-letters">Dead letters</a></li>
</ul></nav>`;

/** A page of the UI: the shared layout of `lib/api/pages.ts`, with the UI's style and navigation. */
export const uiPage = (title: string, content: SafeHtml): Page => ({
  title,
  body: html`${UI_STYLE}${NAVIGATION}${content}`,
});

/** A wide table or picture: it scrolls sideways on a phone, and keyboard users can scroll it too. */
export const scrollRegion = (label: string, content: SafeHtml): SafeHtml =>
  html`<div class="scroll" role="region" aria-label="${label}" tabindex="0">${content}</div>`;

/** A page that says one thing, e.g. why a thread cannot be shown. */
export const uiMessagePage = (title: string, message: string): Page =>
  uiPage(title, html`<p>${message}</p><p><a href="/">Back to the threads</a></p>`);

/**
 * Sends a page; `pageHeaders` on the UI's paths makes it private and inert like the approval pages.
 * `refreshSeconds` reloads it in the browser (the `Refresh` header does what
 * `<meta http-equiv="refresh">` does, from outside the head).
 */
export const sendUiPage = (
  c: Context,
  status: ContentfulStatusCode,
  page: Page,
  options: { refreshSeconds?: number } = {},
): Response => {
  if (options.refreshSeconds !== undefined) c.header('Refresh', String(options.refreshSeconds));
  return sendPage(c, status, page);
};
