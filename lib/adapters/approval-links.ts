import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

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

export interface SignInput {
  approvalId: string;
  decision?: LinkDecision;
  approver: string;
  /** ISO-8601 time, as the `Clock` port gives it. */
  expiresAt: string;
}

export const MIN_SECRET_BYTES = 32;

/** The API's URL from either it or its approvals URL (`…/v1/approvals/` → `…/v1`), without a trailing slash. */
export const apiBaseUrl = (url: string): string => url.replace(/\/+$/, '').replace(/\/approvals$/, '');
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
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
    return {
      a: claims.approver,
      d: claims.decision,
      e,
      s: this.mac('link', claims.approvalId, claims.decision, claims.approver, e),
    };
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
   * Checks a link as it came back. The signature is checked before the expiry, so only a
   * genuine link learns that it expired. `now` is an ISO-8601 time.
   */
  verify(approvalId: string, query: Readonly<Record<string, string | undefined>>, now: string): LinkCheck {
    const parsed = QuerySchema.safeParse(query);
    if (!parsed.success || approvalId.length === 0 || approvalId.length > 200) {
      return { ok: false, reason: 'malformed' };
    }
    const { a, d, e, s } = parsed.data;
    if (!this.isEqual(s, this.mac('link', approvalId, d, a, e)))
      return { ok: false, reason: 'bad-signature' };
    const expiresAt = Number(e);
    if (Date.parse(now) / 1000 >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { approvalId, decision: d, approver: a, expiresAt }, signature: s };
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

  /** Domain-separated and unambiguous: a JSON array, never a join that two inputs could share. */
  private mac(purpose: 'link' | 'csrf', ...parts: string[]): string {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify([`threadline-approval-${purpose}-v1`, ...parts]))
      .digest('base64url');
  }

  /** Compares the text, not the decoded bytes: base64url has several spellings of its last byte. */
  private isEqual(given: string, expected: string): boolean {
    const left = Buffer.from(given, 'utf-8');
    const right = Buffer.from(expected, 'utf-8');
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
