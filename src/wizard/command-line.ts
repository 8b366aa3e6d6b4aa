/**
 * The wizard's plan for one action: which leaf command to run and with which options, in the
 * very names the flags use. From it come both the argv object handed to the leaf's `run()`
 * (shaped like yargs' output) and the equivalent non-interactive command line printed at the
 * end. Secrets never enter a plan: they travel separately (see src/wizard/execute.ts).
 */
export interface Plan {
  /** The command words, e.g. ['keys', 'generate']. */
  command: string[];
  /** Positional arguments in order, with the name the leaf's builder gives them. */
  positionals: Array<{ name: string; value: string }>;
  /** Flag values by flag name (kebab-case, as typed on the command line). `false` prints `--no-x`. */
  flags: Record<string, string | number | boolean | string[] | undefined>;
  /**
   * Flags shown in the printed command in place of a secret the wizard passed in memory,
   * e.g. `['--passphrase-file', 'FILE']`. Never a secret value.
   */
  secretHints?: string[];
  /** A line printed under the command to explain `secretHints`. */
  secretNote?: string;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The argv object yargs would have produced for this plan (kebab and camelCase keys, `_`, `$0`). */
export function planToArgv(plan: Plan, globals: Record<string, unknown> = {}): Record<string, unknown> {
  const argv: Record<string, unknown> = { _: [...plan.command], $0: 'distseal', ...globals };
  for (const { name, value } of plan.positionals) {
    argv[name] = value;
    argv[camel(name)] = value;
  }
  for (const [name, value] of Object.entries(plan.flags)) {
    if (value === undefined) continue;
    argv[name] = value;
    argv[camel(name)] = value;
  }
  return argv;
}

/** Quote one word for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent command line, e.g. `distseal keys generate --name 'Ada L' --email ada@example.org`. */
export function planToCommandLine(plan: Plan, options: { home?: string } = {}): string {
  const words = ['distseal', ...plan.command];
  for (const { value } of plan.positionals) words.push(shellQuote(value));
  for (const [name, value] of Object.entries(plan.flags)) {
    if (value === undefined) continue;
    if (value === true) words.push(`--${name}`);
    else if (value === false) words.push(`--no-${name}`);
    else if (Array.isArray(value)) for (const v of value) words.push(`--${name}`, shellQuote(v));
    else words.push(`--${name}`, shellQuote(String(value)));
  }
  if (plan.secretHints) words.push(...plan.secretHints);
  if (options.home) words.push('--home', shellQuote(options.home));
  return words.join(' ');
}
