import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { normalizeAddress } from '../core/email-address.ts';

/** What a link lets its holder do: one decision, or any of them (the page then offers all). */
export const LinkDecisionSchema = z.enum(['approve', 'reject', 'edit', 'any']);
export type LinkDecision = z.infer<typeof LinkDecisionSchema>;

/** What a signed link says: who may decide which request, how, and until when. */
export interface LinkClaims {
  approvalId: string;
  decision: LinkDecision;
  approver: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The query string of a link: approver, decision, expiry (epoch seconds), signature. */
export interface LinkParams {
  a: string;
  d: LinkDecision;
  e: string;
  s: string;
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims; signature: string }
  | { ok: false; reason: 'bad-signature' | 'expired' | 'malformed' };

/**
 * What an approval is about, as the server knows it (from the wait record or the thread): the
 * thread, the gated call and a digest of its exact arguments. Questions and escalations have no
 * call: both are ''. Never sent in a link; a signature covers it, so a link, a mail reference or a
 * Slack button verifies only for this call with these arguments, and changed arguments (a new
 * approval request) need a new one.
 */
export interface BindingSubject {
  threadId: string;
  callId: string;
  argsHash: string;
}

/**
 * The one binding every channel's approval signature covers: the subject above, the approval id
 * (random per request: the nonce, which the wait store makes single-use), who may decide (an
 * approver's address, or the channel, `slack` or `webhook`), and until when.
 */
export interface SignInput extends BindingSubject {
  approvalId: string;
  decision?: LinkDecision;
  approver: string;
  /** ISO-8601 time, as the `Clock` port gives it. */
  expiresAt: string;
}

export type ReferenceCheck =
  | { ok: true; approvalId: string }
  | { ok: false; reason: 'bad-signature' | 'expired' | 'malformed' };

export const MIN_SECRET_BYTES = 32;

/** The API's URL from either it or its approvals URL (`…/v1/approvals/` → `…/v1`), without a trailing slash. */
export const apiBaseUrl = (url: string): string => url.replace(/\/+$/, '').replace(/\/approvals$/, '');
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
/** A mail reference: `<approval id>.<expiry, epoch seconds>.<the first 22 characters of the signature>`. */
const MAIL_REFERENCE = /^([\w-]{1,128})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;
const EPOCH_SECONDS = /^\d{1,12}$/;

const QuerySchema = z.object({
  a: z.string().min(1).max(320),
  d: LinkDecisionSchema,
  e: z.string().regex(EPOCH_SECONDS),
  s: z.string().regex(SIGNATURE),
});

/**
 * HMAC-SHA256 signed approval links. The approval id travels in the path, the claims in the
 * query string, and the task token never leaves the server. A link is a credential: whoever
 * holds it may decide, so links expire, and the wait store makes each decision single-use.
 */
export class ApprovalLinks {
  constructor(private readonly secret: Buffer) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new RangeError(`the approval link secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
  }

  sign(input: SignInput): LinkParams {
    const expiresAtMs = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAtMs)) throw new RangeError(`expiresAt is not a time: ${input.expiresAt}`);
    const claims: LinkClaims = {
      approvalId: input.approvalId,
      decision: input.decision ?? 'any',
      approver: input.approver,
      expiresAt: Math.floor(expiresAtMs / 1000),
    };
    const e = String(claims.expiresAt);
    return { a: claims.approver, d: claims.decision, e, s: this.bind(input, claims.decision, e) };
  }

  /**
   * The reference an approval mail carries in its subject, for a reply to decide with: the same
   * binding, signed for the one approver the mail goes to (compared in normalised form: email-address.ts). 22 characters
   * of the signature (132 bits) keep the subject readable.
   */
  mailReference(input: Omit<SignInput, 'decision'>): string {
    const expiresAtMs = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAtMs)) throw new RangeError(`expiresAt is not a time: ${input.expiresAt}`);
    const e = String(Math.floor(expiresAtMs / 1000));
    const signature = this.bind({ ...input, approver: normalizeAddress(input.approver) }, 'mail', e);
    return `${input.approvalId}.${e}.${signature.slice(0, 22)}`;
  }

  /** Checks a reply's reference against what the thread is waiting for and who sent it. */
  checkMailReference(
    reference: string,
    expected: BindingSubject & { approvalId: string; approver: string },
    now: string,
  ): ReferenceCheck {
    const match = MAIL_REFERENCE.exec(reference);
    if (!match) return { ok: false, reason: 'malformed' };
    const [, approvalId = '', e = '', given = ''] = match;
    const signature = this.bind(
      { ...expected, approvalId, approver: normalizeAddress(expected.approver) },
      'mail',
      e,
    );
    if (approvalId !== expected.approvalId || !this.isEqual(given, signature.slice(0, 22)))
      return { ok: false, reason: 'bad-signature' };
    if (Date.parse(now) / 1000 >= Number(e)) return { ok: false, reason: 'expired' };
    return { ok: true, approvalId };
  }

  /**
   * The whole link: `<apiUrl>/approvals/<id>?a=…&d=…&e=…&s=…`. `apiUrl` is the API's public URL,
   * stage included (`https://…/v1`); the approvals URL itself (`…/v1/approvals/`) works too.
   */
  url(apiUrl: string, input: SignInput): string {
    const params = new URLSearchParams({ ...this.sign(input) });
    return `${apiBaseUrl(apiUrl)}/approvals/${encodeURIComponent(input.approvalId)}?${params}`;
  }

  /**
   * Checks a link as it came back, against what the server knows the approval is about. The
   * signature is checked before the expiry, so only a genuine link learns that it expired. `now`
   * is an ISO-8601 time.
   */
  verify(
    approvalId: string,
    query: Readonly<Record<string, string | undefined>>,
    now: string,
    subject: BindingSubject,
  ): LinkCheck {
    if (!this.isWellFormed(approvalId, query)) return { ok: false, reason: 'malformed' };
    const { a, d, e, s } = QuerySchema.parse(query);
    if (!this.isEqual(s, this.bind({ ...subject, approvalId, approver: a }, d, e)))
      return { ok: false, reason: 'bad-signature' };
    const expiresAt = Number(e);
    if (Date.parse(now) / 1000 >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { approvalId, decision: d, approver: a, expiresAt }, signature: s };
  }

  /** Whether a link is shaped like one at all: what may be said before anything is looked up. */
  isWellFormed(approvalId: string, query: Readonly<Record<string, string | undefined>>): boolean {
    return QuerySchema.safeParse(query).success && approvalId.length > 0 && approvalId.length <= 200;
  }

  /** A form token bound to one link: a page's forms carry it, a bare POST of the URL lacks it. */
  csrfToken(approvalId: string, signature: string): string {
    return this.mac('csrf', approvalId, signature);
  }

  isCsrfTokenValid(approvalId: string, signature: string, token: unknown): boolean {
    return (
      typeof token === 'string' &&
      SIGNATURE.test(token) &&
      this.isEqual(token, this.csrfToken(approvalId, signature))
    );
  }

  /** The binding's signature for one decision (`mail` for a reply's reference) and expiry. */
  private bind(
    binding: BindingSubject & { approvalId: string; approver: string },
    decision: LinkDecision | 'mail',
    expiresAt: string,
  ): string {
    const { threadId, approvalId, callId, argsHash, approver } = binding;
    return this.mac('binding', threadId, approvalId, callId, argsHash, approver, expiresAt, decision);
  }

  /** Domain-separated and unambiguous: a JSON array, never a join that two inputs could share. */
  private mac(purpose: 'binding' | 'csrf', ...parts: string[]): string {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify([`threadline-approval-${purpose}-v2`, ...parts]))
      .digest('base64url');
  }

  /** Compares the text, not the decoded bytes: base64url has several spellings of its last byte. */
  private isEqual(given: string, expected: string): boolean {
    const left = Buffer.from(given, 'utf-8');
    const right = Buffer.from(expected, 'utf-8');
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
