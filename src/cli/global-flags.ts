/** The global flags: their yargs options, and reading them from raw argv before yargs runs. */
import type { Argv } from 'yargs';
import type { GlobalFlags } from './context.js';

/** Flags that take a value, so the lazy loader can find the command word after them. */
const GLOBAL_VALUE_FLAGS = new Set(['--home']);

/** The command word, past the global flags (the lazy loader imports only that command). */
export function firstCommandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (GLOBAL_VALUE_FLAGS.has(arg)) {
      i += 1;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * `distseal` alone, or with only --home/--verbose/--quiet (`distseal --home DIR`), opens the
 * wizard in a terminal; anything else (a command, --help, --no-interactive) goes to yargs.
 */
export function wizardGlobals(argv: string[]): GlobalFlags | undefined {
  const flags: GlobalFlags = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--home' && i + 1 < argv.length) flags.home = argv[++i];
    else if (arg.startsWith('--home=')) flags.home = arg.slice('--home='.length);
    else if (arg === '--verbose') flags.verbose = true;
    else if (arg === '--quiet' || arg === '-q') flags.quiet = true;
    else return undefined;
  }
  return flags;
}

/** --json, --verbose, --quiet, --interactive and --home on every command. */
export function globalOptions(y: Argv): Argv<any> {
  return y
    .option('json', { type: 'boolean', describe: 'Print results as JSON on stdout', global: true })
    .option('verbose', {
      type: 'boolean',
      describe: 'Explain what happens (never prints secrets)',
      global: true,
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      describe: 'Print only results and warnings',
      global: true,
    })
    .option('interactive', {
      type: 'boolean',
      default: true,
      describe: 'Allow prompts (--no-interactive; also off when stdin is not a terminal or CI is set)',
      global: true,
    })
    .option('home', {
      type: 'string',
      describe: 'distseal home (default: DISTSEAL_HOME, $XDG_CONFIG_HOME/distseal, ~/.config/distseal)',
      global: true,
    });
}
