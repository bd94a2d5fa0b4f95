import { createHash } from 'node:crypto';
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import type { Agent } from '../lib/core/agent.ts';
import type { Event } from '../lib/core/events.ts';
import type { ToolSpec } from '../lib/core/ports.ts';
import { DONE_FOR_NOW } from '../lib/core/thread-state.ts';

export const NOW = '2026-01-01T00:00:00.000Z';

/**
 * The straightforward tool list the canonical request sends: each tool's full JSON Schema as zod
 * derives it (`tool.spec`), and the two intents as separate tools, worded as threadline first
 * shipped them. Kept here as written, so what threadline changes cannot move the yardstick.
 */
const canonicalTools = (agent: Agent): ToolSpec[] => [
  ...agent.tools.map((tool) => tool.spec),
  {
    name: 'request_human_input',
    description: 'Ask a person a question when you cannot go on without their answer.',
    inputSchema: {
      type: 'object',
      properties: {
        question: {
          type: 'string',
          minLength: 1,
          description: 'One clear question for a person. They see only this text.',
        },
      },
      required: ['question'],
      additionalProperties: false,
    },
  },
  {
    name: 'done_for_now',
    description: 'End the turn with a message for the person who asked.',
    inputSchema: {
      type: 'object',
      properties: {
        message: { type: 'string', minLength: 1, description: 'What was done, for the person who asked.' },
      },
      required: ['message'],
      additionalProperties: false,
    },
  },
];

/** An OpenAI-style tool call id (`call_` and 24 characters), derived from our call id. */
const callIdOf = (id: string): string =>
  `call_${createHash('sha256').update(id).digest('base64url').slice(0, 24)}`;

type Turn =
  | { role: 'user'; text: string }
  | { role: 'call'; id: string; name: string; args: unknown }
  | { role: 'final'; text: string }
  | { role: 'result'; id: string; content: string };

/** The thread as a conventional chat transcript; approvals are out of band, as in most agent loops. */
const turnsOf = (events: readonly Event[]): Turn[] =>
  events.flatMap((event): Turn[] => {
    switch (event.type) {
      case 'user-message':
        return [{ role: 'user', text: event.data.text }];
      case 'model-step': {
        const args = event.data.args;
        if (
          event.data.tool === DONE_FOR_NOW &&
          typeof args === 'object' &&
          args !== null &&
          'message' in args
        )
          return [{ role: 'final', text: String(args.message) }];
        return [{ role: 'call', id: callIdOf(event.id), name: event.data.tool, args }];
      }
      case 'tool-result':
        return [
          { role: 'result', id: callIdOf(event.data.callId), content: JSON.stringify(event.data.result) },
        ];
      case 'tool-error':
        return [{ role: 'result', id: callIdOf(event.data.callId ?? ''), content: event.data.message }];
      default:
        return [];
    }
  });

/**
 * The canonical chat-completions request for the same thread: the full system prompt, every event
 * as its own message (tool calls as assistant `tool_calls`, results as JSON `tool` messages,
 * approvals out of band), and the full tool list.
 */
export const chatCompletionsRequest = (events: readonly Event[], agent: Agent): string => {
  const tools = canonicalTools(agent);
  const system = agent.prompt({ agent: agent.name, now: NOW, tools: tools.map((tool) => tool.name) });
  const messages = [
    { role: 'system', content: system },
    ...turnsOf(events).map((turn) => {
      switch (turn.role) {
        case 'user':
          return { role: 'user', content: turn.text };
        case 'final':
          return { role: 'assistant', content: turn.text };
        case 'call':
          return {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: turn.id,
                type: 'function',
                function: { name: turn.name, arguments: JSON.stringify(turn.args) },
              },
            ],
          };
        default:
          return { role: 'tool', tool_call_id: turn.id, content: turn.content };
      }
    }),
  ];
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages,
    tools: tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    })),
    tool_choice: 'required',
  });
};

/** LangGraph's state: the LangChain message list, serialized as LangChain serializes messages. */
export const langGraphMessages = (events: readonly Event[], agent: Agent): string => {
  const tools = canonicalTools(agent);
  const system = agent.prompt({ agent: agent.name, now: NOW, tools: tools.map((tool) => tool.name) });
  const messages: BaseMessage[] = [
    new SystemMessage(system),
    ...turnsOf(events).map((turn) => {
      switch (turn.role) {
        case 'user':
          return new HumanMessage(turn.text);
        case 'final':
          return new AIMessage(turn.text);
        case 'call':
          return new AIMessage({
            content: '',
            tool_calls: [{ id: turn.id, name: turn.name, args: turn.args as Record<string, unknown> }],
          });
        default:
          return new ToolMessage({ content: turn.content, tool_call_id: turn.id });
      }
    }),
  ];
  return JSON.stringify(messages);
};
