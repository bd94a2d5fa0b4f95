/**
 * The tool errors `step()` writes for a reply the model can fix. Shared with the replay, which
 * reads them back to tell which kind of reply a recorded `model-step` was.
 */
export const REPLY_ERRORS = {
  cutOff: 'reply cut off at the output limit: call one tool, briefly',
  malformed: 'malformed tool call: call one tool with JSON arguments',
  noTool: 'no tool called: reply with exactly one tool call',
  notJson: 'arguments are not valid JSON',
} as const;
