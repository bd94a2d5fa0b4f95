import { describe, expect, it } from 'vitest';
import { html, raw } from '../../lib/api/html.ts';

describe('html', () => {
  it('escapes every character that could end text or a double-quoted attribute', () => {
    const untrusted = `</p><script>alert("x")</script> & it's`;

    expect(String(html`<p title="${untrusted}">${untrusted}</p>`)).toBe(
      '<p title="&lt;/p&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it&#39;s">' +
        '&lt;/p&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it&#39;s</p>',
    );
  });

  it('passes markup from html and raw unescaped, and escapes the text inside it once', () => {
    const item = (text: string) => html`<li>${text}</li>`;

    expect(String(html`<ul>${['<a>', 'b&c'].map(item)}</ul>${raw('<hr>')}`)).toBe(
      '<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul><hr>',
    );
  });

  it('writes numbers and leaves out null, undefined and booleans', () => {
    expect(String(html`${0}|${null}|${undefined}|${false}|${true}|${[1, [2, null]]}`)).toBe('0|||||12');
  });
});
