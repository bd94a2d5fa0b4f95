/**
 * The new text of a reply, without the quoted history mail programs add: lines quoted with `>`,
 * and everything from an attribution line ("On … wrote:", "-----Original Message-----", an
 * Outlook "From:/Sent:" block, any line ending in ":" right above quoted lines) on. A reply
 * written below the quote (the attribution comes first) keeps what follows it. When nothing
 * would be left, the whole text is kept.
 */
export const replyText = (text: string): string => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (isQuoted(line)) continue;
    if (isAttribution(line, lines.slice(index + 1))) {
      if (kept.every((keptLine) => keptLine.trim() === '')) continue;
      // An attribution wrapped over two lines: "… <" then "address> wrote:".
      if (kept.at(-1)?.trim().endsWith('<')) kept.pop();
      break;
    }
    kept.push(line);
  }
  const reply = kept.join('\n').trim();
  return reply === '' ? text.trim() : reply;
};

const isQuoted = (line: string): boolean => /^\s*>/.test(line);

const isAttribution = (line: string, after: readonly string[]): boolean => {
  const trimmed = line.trim();
  const next = after.find((candidate) => candidate.trim() !== '')?.trim();
  if (/^-{2,}\s*Original Message\s*-{2,}$/i.test(trimmed)) return true;
  if (/^On\s.+wrote:$/i.test(trimmed)) return true;
  // "On Mon, 5 Dec 2016 at 18:40, Someone <a@b.c>" wrapped onto a second line ending in "wrote:".
  if (/^On\s.+/i.test(trimmed) && after[0] !== undefined && /wrote:\s*$/i.test(after[0].trim())) return true;
  if (/^From:\s.+/i.test(trimmed) && next !== undefined && /^(Sent|Date):\s/i.test(next)) return true;
  return trimmed.endsWith(':') && next?.startsWith('>') === true;
};
