import type { ApprovalLinks } from '../adapters/approval-links.ts';
import type { IdempotencyStore } from '../adapters/idempotency-store.ts';
import type { IngressQueue } from '../adapters/ingress-message.ts';
import type { ServiceDeps } from '../service/deps.ts';

/**
 * How thread routes authenticate. On AWS the REST API checks SigV4 itself (`iam`) and the app
 * only checks that API Gateway attached the caller; locally a bearer token, or nothing.
 */
export type ApiAuth = { kind: 'iam' } | { kind: 'token'; token: string } | { kind: 'none' };

/** A Powertools `Logger` fits; so does `console`. */
export interface ApiLogger {
  error(message: string, details: Record<string, unknown>): void;
}

export interface ApiDeps extends ServiceDeps {
  ingress: IngressQueue;
  /** What each `Idempotency-Key` was answered, so retries are answered the same. */
  idempotency: IdempotencyStore;
  links: ApprovalLinks;
  auth: ApiAuth;
  /**
   * Where callers reach this API, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/v1` (its
   * approvals URL works too). Used for absolute `Location` headers; empty or absent, they are
   * relative. Approval pages never need it: their forms post to the URL they were opened at.
   */
  publicUrl?: string;
  /** Request bodies above this are refused with 413. */
  maxBodyBytes?: number;
  logger?: ApiLogger;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** What the auth middleware leaves for the routes: who called, when the auth names someone. */
export interface ApiEnv {
  Variables: { caller: string | undefined };
}

/** The API's deps from the shared service deps and what only the API needs. */
export const apiDepsOf = (
  service: ServiceDeps,
  own: Pick<ApiDeps, 'ingress' | 'idempotency' | 'links' | 'auth' | 'publicUrl' | 'logger' | 'maxBodyBytes'>,
): ApiDeps => ({
  store: service.store,
  waits: service.waits,
  orchestrator: service.orchestrator,
  agents: service.agents,
  clock: service.clock,
  ids: service.ids,
  ...own,
});
