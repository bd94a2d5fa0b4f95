import { html as honoHtml, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Markup that is already safe: built by `html` or `raw`, never from outside text. */
export type SafeHtml = HtmlEscapedString;

/** What a page template holds. No promises: every page is rendered at once. */
export type HtmlPart = SafeHtml | string | number | boolean | null | undefined | readonly HtmlPart[];

/**
 * hono's `html` tag: it escapes & < > " ' in every value, in text and in attribute values alike
 * (attributes are always double-quoted here); only `html` and `raw` results pass unescaped.
 * Typed here so that a template takes only these parts and answers with markup, never a promise.
 */
export const html = (strings: TemplateStringsArray, ...values: readonly HtmlPart[]): SafeHtml => {
  const markup = honoHtml(strings, ...values);
  if (markup instanceof Promise) throw new TypeError('html was given a promise; pages render at once');
  return markup;
};

export { raw };
