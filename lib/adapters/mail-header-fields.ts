export interface HeaderField {
  /** As written, without the whitespace some mailers put before the colon. */
  name: string;
  /** Unfolded, as written: encoded words are not decoded. */
  value: string;
}

/**
 * Every field of a mail's top-level header block, in order, duplicates kept. mailparser parses
 * the mail; this only lists its header lines, because mailparser keeps one value per name (the
 * first `From:` of two) and skips a first line that starts with `From ` as an mbox separator, and
 * deciding who sent a mail needs to see every line as it arrived.
 */
export const headerFieldsOf = (raw: Uint8Array | string): HeaderField[] => {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  return block
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) return [];
      const name = line.slice(0, colon).trimEnd();
      // A field name is printable ASCII without spaces; anything else is body text or damage.
      if (!/^[!-9;-~]+$/.test(name)) return [];
      return [{ name, value: line.slice(colon + 1).trim() }];
    });
};

/** The values of every field with this name (case-insensitive), in order. */
export const fieldValues = (fields: readonly HeaderField[], name: string): string[] =>
  fields.filter((field) => field.name.toLowerCase() === name.toLowerCase()).map((field) => field.value);
