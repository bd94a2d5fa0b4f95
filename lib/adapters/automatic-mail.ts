import { localPartOf } from '../core/email-address.ts';
import { THREAD_HEADER } from './mail-address.ts';
import { fieldValues, type HeaderField } from './mail-header-fields.ts';

/** Local parts that only ever send delivery reports (RFC 5321 4.5.1, RFC 3464). */
const DAEMONS = new Set(['mailer-daemon', 'postmaster']);

/**
 * Why the mail's own headers say a machine sent it, or undefined when they do not: an
 * auto-reply (`Auto-Submitted` other than `no`, RFC 3834; Exchange's `X-Auto-Response-Suppress`),
 * bulk or list mail (`Precedence: bulk | junk | list`), a delivery or disposition report
 * (`multipart/report`, RFC 6522), a bounce (`Return-Path: <>`, or from mailer-daemon or
 * postmaster), or mail threadline sent itself (its `X-Threadline-Thread` header). Answering any
 * of them invites a loop of machines answering each other. Every field of a name counts, not only
 * the first, so a second header cannot hide the first.
 */
export const whyAutomatic = (
  fields: readonly HeaderField[],
  /** Every address the From and Sender headers show. */
  shown: readonly string[],
): string | undefined => {
  const values = (name: string) => fieldValues(fields, name);
  const autoSubmitted = values('auto-submitted').find((value) => firstToken(value) !== 'no');
  if (autoSubmitted !== undefined) return `Auto-Submitted: ${autoSubmitted}`;
  const suppress = values('x-auto-response-suppress')[0];
  if (suppress !== undefined) return `X-Auto-Response-Suppress: ${suppress}`;
  const precedence = values('precedence').find((value) =>
    ['bulk', 'junk', 'list'].includes(firstToken(value)),
  );
  if (precedence !== undefined) return `Precedence: ${precedence}`;
  const report = values('content-type').find((value) => firstToken(value) === 'multipart/report');
  if (report !== undefined) return `a report (Content-Type: ${report})`;
  if (values('return-path').some((value) => value.replace(/\s+/g, '') === '<>')) return 'Return-Path: <>';
  const daemon = shown.find((address) => DAEMONS.has(localPartOf(address)));
  if (daemon !== undefined) return `sent by ${daemon}`;
  if (values(THREAD_HEADER).length > 0) return `threadline's own ${THREAD_HEADER} header`;
  return undefined;
};

/** A header's value up to its first `;` or space, lower case: `auto-replied; owner=…` → `auto-replied`. */
const firstToken = (value: string): string =>
  value
    .trim()
    .split(/[;\s(]/)[0]!
    .toLowerCase();
