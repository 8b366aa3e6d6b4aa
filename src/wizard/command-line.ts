/**
 * The wizard's plan for one action: which leaf command to run and with which options, in the
 * very names the flags use. From its words come both the argv handed to the leaf's `run()`
 * (parsed by the leaf's own yargs builder, src/wizard/plan-argv.ts) and the equivalent
 * non-interactive command line printed at the end. Secrets never enter a plan: they travel separately (see src/wizard/execute.ts).
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

/**
 * The words after the command words: positionals in order, then each flag (`--no-x` for false,
 * repeated for a list). Secret stand-ins are not included: secrets never travel as words.
 */
export function planWords(plan: Plan): string[] {
  const words = plan.positionals.map(({ value }) => value);
  for (const [name, value] of Object.entries(plan.flags)) {
    if (value === undefined) continue;
    if (value === true) words.push(`--${name}`);
    else if (value === false) words.push(`--no-${name}`);
    else if (Array.isArray(value)) for (const v of value) words.push(`--${name}`, v);
    else words.push(`--${name}`, String(value));
  }
  return words;
}

/** Quote one word for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent command line, e.g. `distseal keys generate --name 'Ada L' --email ada@example.org`. */
export function planToCommandLine(plan: Plan, options: { home?: string } = {}): string {
  const words = ['distseal', ...plan.command, ...planWords(plan).map(shellQuote)];
  if (plan.secretHints) words.push(...plan.secretHints);
  if (options.home) words.push('--home', shellQuote(options.home));
  return words.join(' ');
}
