import type { Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { html, raw, type SafeHtml } from './html.ts';

/**
 * Inline and high-contrast: the page loads nothing from elsewhere (the CSP says so), reads well
 * on a phone, and keeps a visible focus ring for keyboard users.
 */
const STYLE = `
:root{color-scheme:light dark;--fg:#111;--bg:#fff;--muted:#333;--accent:#0b3d91;--accent-fg:#fff;--error:#a00000;--border:#111}
@media (prefers-color-scheme:dark){:root{--fg:#f4f4f4;--bg:#111;--muted:#ddd;--accent:#9cc3ff;--accent-fg:#000;--error:#ff8a8a;--border:#f4f4f4}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:44rem;margin:0 auto;padding:1rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid var(--border)}
h3{font-size:1.05rem;margin-bottom:.25rem}
dl{margin:0}dt{font-weight:700;margin-top:.5rem}
dd,pre,.event{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95rem;white-space:pre-wrap;overflow-wrap:anywhere}
blockquote{margin:0;padding:.5rem 1rem;border-left:4px solid var(--border);white-space:pre-wrap;overflow-wrap:anywhere}
ol{padding-left:1.5rem}li{margin:.25rem 0}
form{margin:1rem 0;padding:1rem;border:2px solid var(--border);border-radius:.25rem}
label{display:block;font-weight:700;margin-bottom:.25rem}
textarea{width:100%;min-height:8rem;padding:.5rem;font:inherit;font-family:ui-monospace,Menlo,Consolas,monospace;color:var(--fg);background:var(--bg);border:2px solid var(--border);border-radius:.25rem}
button{min-height:44px;margin-top:.75rem;padding:.6rem 1.25rem;font:inherit;font-weight:700;color:var(--accent-fg);background:var(--accent);border:2px solid var(--border);border-radius:.25rem;cursor:pointer}
:focus-visible{outline:3px solid #d35400;outline-offset:2px}
.alert{padding:.75rem 1rem;border:3px solid var(--error);color:var(--error);font-weight:700}
.muted{color:var(--muted)}
`;

/** Ours and constant: it needs no escaping and holds no `</style>`. */
const STYLE_SHEET = raw(STYLE);

export interface Page {
  title: string;
  body: SafeHtml;
}

export const renderPage = (page: Page): SafeHtml => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${page.title} · threadline</title>
<style>${STYLE_SHEET}</style>
</head>
<body>
<main>
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>
`;

/** A page that says one thing: a result, or why something did not happen. */
export const messagePage = (title: string, message: string, detail?: SafeHtml): Page => ({
  title,
  body: html`<p>${message}</p>${detail}`,
});

/**
 * The headers every page carries, on every path that can answer with one: it is never framed,
 * sends no referrer (the URL is a credential), loads nothing from elsewhere and posts only to
 * itself. hono's other defaults (HSTS, same-origin opener and resource policies…) stay on.
 */
export const pageHeaders = secureHeaders({
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: 'nosniff',
  xFrameOptions: 'DENY',
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});

/** Sends a page, never to be cached; `pageHeaders`, mounted on its path, adds the rest. */
export const sendPage = (c: Context, status: ContentfulStatusCode, page: Page): Response => {
  c.header('Cache-Control', 'no-store');
  return c.html(renderPage(page), status);
};
