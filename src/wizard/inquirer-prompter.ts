import { confirm, input, password, select } from '@inquirer/prompts';
import type { Context } from '../cli/context.js';
import { readPastedArmor } from './paste.js';
import { mapPromptError, type Prompter } from './prompter.js';

/** Run one inquirer prompt, turning Ctrl-C into InterruptedError. */
async function ask<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw mapPromptError(error);
  }
}

/**
 * The real Prompter: @inquirer/prompts on the context's stdin, drawing on stderr so that
 * stdout carries only the commands' results (a user may pipe them).
 */
export function inquirerPrompter(ctx: Context): Prompter {
  const io = { input: ctx.stdin, output: ctx.stderr };
  return {
    input: (q) => ask(() => input({ message: q.message, default: q.default, validate: q.validate }, io)),
    password: (q) => ask(() => password({ message: q.message, mask: '*', validate: q.validate }, io)),
    select: <T>(q: Parameters<Prompter['select']>[0]) =>
      ask(() =>
        select<T>(
          {
            message: q.message,
            choices: q.choices.map((c) => ({
              value: c.value as T,
              name: c.name,
              description: c.description,
            })),
            default: q.default as T | undefined,
            pageSize: 15,
          },
          io,
        ),
      ),
    confirm: (q) => ask(() => confirm({ message: q.message, default: q.default }, io)),
    paste: (q) => readPastedArmor(q, ctx.stdin, ctx.stderr),
    say: (line) => ctx.out.err(line),
  };
}
