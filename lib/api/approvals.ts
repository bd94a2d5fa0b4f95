import type { Context, Handler, Hono } from 'hono';
import type { LinkCheck } from '../adapters/approval-links.ts';
import type { WaitRecord } from '../adapters/wait-store.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { type DecideWaitOutcome, decideWait } from '../service/decide-wait.ts';
import { answerOf, parseDecisionForm, readFormFields } from './approval-form.ts';
import { decisionPage, type FormContext } from './approval-page.ts';
import {
  alreadyDecided,
  decided,
  decisionNotAllowed,
  linkRefused,
  nothingToDecide,
  threadCancelled,
} from './approval-results.ts';
import { type WaitView, waitViewOf } from './approval-view.ts';
import { type ApiDeps, type ApiEnv, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { sendPage } from './pages.ts';
import { resource } from './resource.ts';
import { findThread } from './thread-lookup.ts';

type OpenLink = Extract<LinkCheck, { ok: true }>;

/** What a verified link finds behind it. */
type Lookup =
  | { kind: 'unknown' }
  | { kind: 'decided'; wait: WaitRecord }
  | { kind: 'cancelled' }
  | { kind: 'open'; wait: WaitRecord; view: WaitView };

/** A child wait is answered by the child thread, never by a person: no link names one. */
const lookUp = async (deps: ApiDeps, wait: WaitRecord | undefined): Promise<Lookup> => {
  if (!wait || wait.kind === 'child') return { kind: 'unknown' };
  if (wait.status === 'decided') return { kind: 'decided', wait };
  const thread = await findThread(deps.store, wait.threadId);
  if (!thread) return { kind: 'unknown' };
  if (deriveThreadState(thread.events).status === 'cancelled') return { kind: 'cancelled' };
  const view = waitViewOf(thread, wait);
  return view ? { kind: 'open', wait, view } : { kind: 'unknown' };
};

type Verified =
  | { kind: 'refused'; reason: Extract<LinkCheck, { ok: false }>['reason'] }
  | { kind: 'unknown' }
  | { kind: 'verified'; link: OpenLink; wait: WaitRecord };

/**
 * Checks the link against the binding the server holds for its approval: the thread, the call and
 * its arguments' digest (a question's are ''). A well-formed link to no wait names nothing: that
 * says no more than that its random id is unknown.
 */
const verifyLink = async (c: Context<ApiEnv>, deps: ApiDeps): Promise<Verified> => {
  const approvalId = c.req.param('id') ?? '';
  const query = c.req.query();
  if (!deps.links.isWellFormed(approvalId, query)) return { kind: 'refused', reason: 'malformed' };
  const wait = await deps.waits.get(approvalId);
  if (!wait) return { kind: 'unknown' };
  const subject = {
    threadId: wait.threadId,
    callId: wait.approval?.callId ?? '',
    argsHash: wait.approval?.argsHash ?? '',
  };
  const link = deps.links.verify(approvalId, query, deps.clock.now(), subject);
  return link.ok ? { kind: 'verified', link, wait } : { kind: 'refused', reason: link.reason };
};

/** A question or an escalation has one form, an answer: only a link for any decision opens it. */
const allowsView = (link: OpenLink, view: WaitView): boolean =>
  view.kind === 'approval' || link.claims.decision === 'any';

const formContext = (deps: ApiDeps, link: OpenLink): FormContext => {
  const { approvalId, approver, decision, expiresAt } = link.claims;
  const query = new URLSearchParams({ a: approver, d: decision, e: String(expiresAt), s: link.signature });
  return {
    action: `?${query}`,
    csrf: deps.links.csrfToken(approvalId, link.signature),
    allowed: decision,
    approver,
    expiresAt,
  };
};

/** GET /approvals/{id}: shows the decision and its forms. It never changes anything. */
const showDecision =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const verified = await verifyLink(c, deps);
    if (verified.kind === 'unknown') return nothingToDecide(c);
    if (verified.kind === 'refused') return linkRefused(c, verified.reason);
    const { link } = verified;
    const found = await lookUp(deps, verified.wait);
    if (found.kind === 'unknown') return nothingToDecide(c);
    if (found.kind === 'decided') return alreadyDecided(c, found.wait);
    if (found.kind === 'cancelled') return threadCancelled(c);
    if (!allowsView(link, found.view)) return decisionNotAllowed(c);
    return sendPage(c, 200, decisionPage(found.view, formContext(deps, link)));
  };

/**
 * POST /approvals/{id}: checks the link and its CSRF token, then decides through `decideWait`,
 * which makes the decision single-use: of two concurrent posts exactly one wins.
 */
const postDecision =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const verified = await verifyLink(c, deps);
    if (verified.kind === 'unknown') return nothingToDecide(c);
    if (verified.kind === 'refused') return linkRefused(c, verified.reason);
    const { link } = verified;
    const fields = await readFormFields(c, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (!deps.links.isCsrfTokenValid(link.claims.approvalId, link.signature, fields.csrf)) {
      return linkRefused(c, 'bad-signature');
    }
    const found = await lookUp(deps, verified.wait);
    if (found.kind === 'unknown') return nothingToDecide(c);
    if (found.kind === 'decided') return alreadyDecided(c, found.wait);
    if (found.kind === 'cancelled') return threadCancelled(c);

    const form = parseDecisionForm(fields);
    const { decision } = link.claims;
    const fitsWait = (found.view.kind === 'approval') === (form.decision !== 'answer');
    if (!fitsWait || (decision !== 'any' && decision !== form.decision) || !allowsView(link, found.view)) {
      return decisionNotAllowed(c);
    }
    const answer = answerOf(form, link.claims.approver);
    if (!answer.ok)
      return sendPage(c, 400, decisionPage(found.view, formContext(deps, link), answer.refusal));

    const outcome: DecideWaitOutcome = await decideWait(link.claims.approvalId, answer.answer, deps);
    if (outcome.ok) return decided(c, answer.answer.decision);
    if (outcome.reason === 'unknown') return nothingToDecide(c);
    if (outcome.reason === 'already-decided')
      return alreadyDecided(c, { decidedBy: outcome.by, decidedAt: outcome.at });
    return sendPage(
      c,
      400,
      decisionPage(found.view, formContext(deps, link), { message: outcome.message, ...answerEcho(fields) }),
    );
  };

const answerEcho = (fields: Record<string, unknown>) => ({
  ...(typeof fields.feedback === 'string' ? { feedback: fields.feedback } : {}),
  ...(typeof fields.args === 'string' ? { args: fields.args } : {}),
  ...(typeof fields.text === 'string' ? { text: fields.text } : {}),
});

/** The approval routes: public, because the link is the credential; signed, expiring, single-use. */
export const registerApprovalRoutes = (app: Hono<ApiEnv>, deps: ApiDeps): void => {
  resource(app, '/approvals/:id', { GET: showDecision(deps), POST: postDecision(deps) });
};
