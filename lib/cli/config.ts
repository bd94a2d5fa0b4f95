import { resolve } from 'node:path';
import * as z from 'zod';

const EnvSchema = z.object({
  THREADLINE_MODEL: z.string().optional(),
  THREADLINE_HOME: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
});

export interface CliConfig {
  model: string | undefined;
  home: string;
  openaiApiKey: string | undefined;
}

/** The environment the CLI reads, parsed once. */
export const readCliConfig = (env: NodeJS.ProcessEnv, cwd: string): CliConfig => {
  const parsed = EnvSchema.parse(env);
  return {
    model: parsed.THREADLINE_MODEL,
    home: resolve(cwd, parsed.THREADLINE_HOME ?? '.threadline'),
    openaiApiKey: parsed.OPENAI_API_KEY,
  };
};
