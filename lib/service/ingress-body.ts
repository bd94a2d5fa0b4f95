import { type IngressMessage, IngressMessageSchema } from '../adapters/ingress-message.ts';
import { describeIssues } from '../core/tools.ts';

export type ParsedIngressBody = { ok: true; message: IngressMessage } | { ok: false; problem: string };

/** A queue message body, parsed: JSON, then the ingress message schema. Never throws. */
export const parseIngressBody = (body: string): ParsedIngressBody => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'the body is not JSON' };
  }
  const parsed = IngressMessageSchema.safeParse(json);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, problem: `not an ingress message: ${describeIssues(parsed.error)}` };
};
