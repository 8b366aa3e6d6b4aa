import { PassThrough } from 'node:stream';
import type { LeafCommand } from '../../src/cli/command.js';
import { createContext, type Context } from '../../src/cli/context.js';
import type { WizardDeps, WizardKey, WizardLeaf } from '../../src/wizard/deps.js';
import { loadLeaf } from '../../src/wizard/load-leaf.js';
import {
  mapPromptError,
  type BaseQuestion,
  type Prompter,
  type Validate,
} from '../../src/wizard/prompter.js';

/** An answer that presses Ctrl-C at that question. */
export const CTRL_C = Symbol('ctrl-c');
export type Answer = string | boolean | typeof CTRL_C;

/** What happened at one question: its id and message, the answers tried and what validation said. */
export interface Asked {
  id: string;
  message: string;
  kind: 'input' | 'password' | 'select' | 'confirm' | 'paste';
  rejected: Array<{ answer: string; message: string }>;
  choices?: unknown[];
}

/** Inquirer's Ctrl-C error, shaped as inquirer throws it (matched by name). */
export function exitPromptError(): Error {
  const error = new Error('User force closed the prompt with SIGINT');
  error.name = 'ExitPromptError';
  return error;
}

/**
 * Replays the real question definitions with scripted answers: each answer names the question
 * id it expects, so a flow asking something else (or in another order) fails the test. Text
 * answers go through the question's own validator; a rejected answer is recorded and the next
 * scripted answer (for the same id) is tried, as a user would retype.
 */
export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = [];
  readonly said: string[] = [];

  constructor(private readonly script: Array<[id: string, answer: Answer]>) {}

  private next(
    q: BaseQuestion,
    kind: Asked['kind'],
    extra: Partial<Asked> = {},
  ): { entry: Asked; take: () => Answer } {
    const entry: Asked = { id: q.id, message: q.message, kind, rejected: [], ...extra };
    this.asked.push(entry);
    const take = (): Answer => {
      const item = this.script.shift();
      if (!item) throw new Error(`Script ran out of answers at question "${q.id}" (${q.message})`);
      if (item[0] !== q.id)
        throw new Error(
          `Expected the script's question "${item[0]}", but the wizard asked "${q.id}" (${q.message})`,
        );
      if (item[1] === CTRL_C) throw mapPromptError(exitPromptError());
      return item[1];
    };
    return { entry, take };
  }

  private async text(
    q: BaseQuestion & { validate?: Validate; default?: string },
    kind: Asked['kind'],
  ): Promise<string> {
    const { entry, take } = this.next(q, kind);
    for (;;) {
      const raw = String(take());
      const value = raw === '' && q.default !== undefined ? q.default : raw;
      const verdict = q.validate ? await q.validate(value) : true;
      if (verdict === true) return value;
      entry.rejected.push({ answer: raw, message: verdict });
    }
  }

  input: Prompter['input'] = (q) => this.text(q, 'input');
  password: Prompter['password'] = (q) => this.text(q, 'password');
  paste: Prompter['paste'] = (q) => this.text(q, 'paste');

  async select<T>(q: Parameters<Prompter['select']>[0]): Promise<T> {
    const { take } = this.next(q, 'select', { choices: q.choices.map((c) => c.value) });
    const answer = take();
    const choice = q.choices.find((c) => c.value === answer);
    if (!choice)
      throw new Error(
        `"${String(answer)}" is not a choice of "${q.id}": ${q.choices.map((c) => String(c.value)).join(', ')}`,
      );
    return choice.value as T;
  }

  async confirm(q: Parameters<Prompter['confirm']>[0]): Promise<boolean> {
    const { take } = this.next(q, 'confirm');
    const answer = take();
    if (typeof answer !== 'boolean') throw new Error(`confirm "${q.id}" needs a boolean answer`);
    return answer;
  }

  say(line: string): void {
    this.said.push(line);
  }

  /** Answers the flow did not consume (should be none). */
  get leftover(): number {
    return this.script.length;
  }
}

/** A context on in-memory streams; `stdout()`/`stderr()` return what was printed. */
export function memoryContext(options: { home?: string; cwd?: string; env?: Record<string, string> } = {}): {
  ctx: Context;
  stdout: () => string;
  stderr: () => string;
} {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const ctx = createContext(
    { home: options.home ?? '/nonexistent-distseal-home' },
    {
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
      stdin: new PassThrough(),
      stdout: out,
      stderr: err,
    },
  );
  return { ctx, stdout: () => o, stderr: () => e };
}

/** One recorded run() call: the argv the leaf got, and the secrets visible in its context. */
export interface RunCall {
  leaf: WizardLeaf;
  argv: Record<string, any>;
  env: Record<string, string | undefined>;
  interactive: boolean;
  stdinText?: string;
}

/** Leaves that record their calls instead of touching a key store. */
export function recordingLeaves(calls: RunCall[]): (name: WizardLeaf) => Promise<LeafCommand> {
  return async (name) => ({
    // The real command's name and yargs builder (the wizard's plan is parsed by them, strictly),
    // with a run() that records instead of touching a key store.
    ...(await loadLeaf(name)),
    run: async (argv, ctx) => {
      let stdinText: string | undefined;
      if (ctx.stdin !== undefined && (ctx.stdin as { isTTY?: boolean }).isTTY === false) {
        const chunks: Buffer[] = [];
        for await (const c of ctx.stdin) chunks.push(Buffer.from(c));
        stdinText = Buffer.concat(chunks).toString();
      }
      calls.push({ leaf: name, argv, env: { ...ctx.env }, interactive: ctx.interactive, stdinText });
      return 0;
    },
  });
}

/** Two keys to choose from in flows. */
export const SAMPLE_KEYS: WizardKey[] = [
  {
    fingerprint: '2D28D36625F7B560715E1EC3939327BD1F11724B',
    userIDs: ['Example <example@example.org>'],
    revoked: false,
    hasSecret: true,
    isDefault: true,
  },
  {
    fingerprint: 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333',
    userIDs: ['Public Only <p@example.org>'],
    revoked: false,
    hasSecret: false,
    isDefault: false,
  },
];

/** Scripted deps: a prompter with `script`, recorded leaves, a fixed key list and passphrase. */
export function scriptedDeps(
  script: Array<[string, Answer]>,
  options: { keys?: WizardKey[]; passphrase?: string; cwd?: string } = {},
) {
  const calls: RunCall[] = [];
  const prompter = new ScriptedPrompter(script);
  const mem = memoryContext({ cwd: options.cwd });
  const keys = options.keys ?? SAMPLE_KEYS;
  const deps: WizardDeps = {
    ctx: mem.ctx,
    prompter,
    listKeys: async () => keys,
    loadLeaf: recordingLeaves(calls),
    hasPassphrase: async () => options.passphrase !== undefined,
    checkPassphrase: async (_fpr, p) => p === options.passphrase,
    now: new Date('2026-06-01T00:00:00Z'),
  };
  return { deps, prompter, calls, ...mem };
}
