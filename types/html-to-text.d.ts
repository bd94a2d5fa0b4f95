/** html-to-text ships no type declarations: the part lib/adapters/mime-mail.ts uses. */
declare module 'html-to-text' {
  interface HtmlToTextOptions {
    wordwrap?: number | false | null;
    limits?: { maxInputLength?: number; maxDepth?: number; maxChildNodes?: number };
    selectors?: { selector: string; format?: string; options?: Record<string, unknown> }[];
  }

  export function convert(html: string, options?: HtmlToTextOptions): string;
}
