import type { Context } from 'hono';
import * as z from 'zod';
import { JsonObjectSchema } from '../core/json.ts';
import type { WaitAnswer } from '../service/decide-wait.ts';
import type { Refusal } from './approval-page.ts';
import { parseJsonText, readBodyText } from './body.ts';
import type { ApiEnv } from './deps.ts';
import { ApiError, issuesOf } from './errors.ts';

/** The fields a decision form posts. JSON clients may send `args` as an object instead of text. */
const FormSchema = z.object({
  decision: z.enum(['approve', 'reject', 'edit', 'answer']),
  feedback: z.string().max(10_000).optional(),
  args: z.union([z.string().max(100_000), JsonObjectSchema]).optional(),
  text: z.string().max(100_000).optional(),
});
export type DecisionForm = z.infer<typeof FormSchema>;

/**
 * The posted fields, form-encoded (what the page's forms send) or JSON. A repeated field counts
 * once, as first sent.
 */
export const readFormFields = async (
  c: Context<ApiEnv>,
  maxBytes: number,
): Promise<Record<string, unknown>> => {
  const type = (c.req.header('Content-Type') ?? 'application/x-www-form-urlencoded')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    throw ApiError.unsupportedType('send the form as application/x-www-form-urlencoded or application/json');
  }
  const text = await readBodyText(c, maxBytes);
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(text)) if (!(name in fields)) fields[name] = value;
    return fields;
  }
  const value = parseJsonText(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ApiError.invalid([{ path: '', message: 'the body must be a JSON object' }]);
  }
  return { ...value };
};

export const parseDecisionForm = (fields: Record<string, unknown>): DecisionForm => {
  const parsed = FormSchema.safeParse(fields);
  if (!parsed.success) throw ApiError.invalid(issuesOf(parsed.error));
  return parsed.data;
};

/** What the form asks for, as `decideWait` takes it, or why it cannot be that (shown with the form). */
export const answerOf = (
  form: DecisionForm,
  by: string,
): { ok: true; answer: WaitAnswer } | { ok: false; refusal: Refusal } => {
  const echo = {
    ...(form.feedback === undefined ? {} : { feedback: form.feedback }),
    ...(typeof form.args === 'string' ? { args: form.args } : {}),
    ...(form.text === undefined ? {} : { text: form.text }),
  };
  const refuse = (message: string) => ({ ok: false as const, refusal: { message, ...echo } });
  switch (form.decision) {
    case 'approve':
      return { ok: true, answer: { decision: 'approve', by } };
    case 'reject': {
      const feedback = form.feedback?.trim() ?? '';
      if (!feedback) return refuse('Write some feedback: the agent reads it to revise what it proposes.');
      return { ok: true, answer: { decision: 'reject', feedback, by } };
    }
    case 'edit': {
      if (form.args === undefined) return refuse('Send the edited arguments.');
      if (typeof form.args !== 'string')
        return { ok: true, answer: { decision: 'edit', args: form.args, by } };
      try {
        const args: unknown = JSON.parse(form.args);
        return { ok: true, answer: { decision: 'edit', args, by } };
      } catch (error) {
        return refuse(
          `The arguments are not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    case 'answer': {
      const text = form.text?.trim() ?? '';
      if (!text) return refuse('Write an answer first.');
      return { ok: true, answer: { decision: 'answer', text, by } };
    }
  }
};
