import yargs, { type Argv } from 'yargs';
import { DistsealError, ExitCode, exitCodeFor, UsageError } from '../core/errors.js';
import { isGroup, type CommandModule, type GroupCommand, type LeafCommand } from './command.js';
import { createContext, type Context, type ContextIO, type GlobalFlags } from './context.js';
import { printError } from './render-error.js';
import { usageHelp, type UsageScope } from './usage-help.js';
import { distsealVersion } from './version.js';
import { skipHelpCache } from './startup.js';

interface Entry {
  name: string;
  describe: string;
  /** Leaf modules that make up this command; several for groups assembled here (upload, login). */
  load: () => Promise<CommandModule>;
}

/** Every top-level command. Modules load lazily: only the one being run is imported. */
const COMMANDS: Entry[] = [
  {
    name: 'keys',
    describe: 'Create, import, export and guard your own signing keys',
    load: () => import('./commands/keys/group.js').then((m) => m.command),
  },
  {
    name: 'trust',
    describe: "Manage the trusted keyring (other people's public keys) and per-project pins",
    load: () => import('./commands/trust/group.js').then((m) => m.command),
  },
  {
    name: 'sign',
    describe: 'Write detached ASCII-armored signatures (FILE.asc) for dist files',
    load: () => import('./commands/sign.js').then((m) => m.command),
  },
  {
    name: 'verify',
    describe: 'Verify files against their .asc signatures and the trusted keyring (fail-closed)',
    load: () => import('./commands/verify.js').then((m) => m.command),
  },
  {
    name: 'download',
    describe: 'Download from an index or conda channel; files land only when verified',
    load: () => import('./commands/download.js').then((m) => m.command),
  },
  {
    name: 'audit',
    describe: 'Scan dists with Bandit and check dependencies against the PyPA advisory database',
    load: () => import('./commands/audit.js').then((m) => m.command),
  },
  {
    name: 'check',
    describe: 'Check dist metadata and scan for leaked secrets before upload',
    load: () => import('./commands/check.js').then((m) => m.command),
  },
  {
    name: 'upload',
    describe: 'Upload dists to a PyPI-compatible index or a conda channel',
    load: async () =>
      group('upload', 'Upload dists to a PyPI-compatible index or a conda channel', [
        (await import('./commands/upload/pypi.js')).command,
        (await import('./commands/upload/conda.js')).command,
      ]),
  },
  {
    name: 'channel',
    describe: 'Maintain and verify a signed conda file channel',
    load: () => import('./commands/channel/group.js').then((m) => m.command),
  },
  {
    name: 'release',
    describe: 'Check, audit, sign, publish and re-verify a release (default files: dist/*)',
    load: () => import('./commands/release.js').then((m) => m.command),
  },
  {
    name: 'login',
    describe: 'Store an index token in the OS keychain',
    load: async () =>
      group('login', 'Store an index token in the OS keychain', [
        (await import('./commands/login/pypi.js')).command,
        (await import('./commands/login/conda.js')).command,
      ]),
  },
  {
    name: 'completion',
    describe: 'Print a shell completion script (bash, zsh or fish)',
    load: () => import('./commands/completion.js').then((m) => m.command),
  },
];

function group(command: string, describe: string, subcommands: LeafCommand[]): GroupCommand {
  return { command, describe, subcommands };
}

/** Flags that take a value, so the lazy loader can find the command word after them. */
const GLOBAL_VALUE_FLAGS = new Set(['--home']);

function firstCommandWord(argv: string[]): string | undefined {
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
function wizardGlobals(argv: string[]): GlobalFlags | undefined {
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

function globalOptions(y: Argv): Argv<any> {
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

/** Wrap a leaf's run() so errors and the context are handled in one place. */
function leafHandler(leaf: LeafCommand, state: RunState, io: ContextIO, name: string) {
  return async (argv: Record<string, any>) => {
    const ctx = createContext(argv as GlobalFlags, io);
    ctx.out.command = name;
    state.ctx = ctx;
    const code = await leaf.run(argv, ctx);
    state.code = typeof code === 'number' ? code : ExitCode.ok;
  };
}

function registerLeaf(y: Argv, leaf: LeafCommand, state: RunState, io: ContextIO, group?: string): Argv {
  const name = [group, leaf.command.split(' ')[0]].filter(Boolean).join('-');
  return y.command({
    command: leaf.command,
    describe: leaf.describe,
    aliases: leaf.aliases,
    builder: (sub: Argv) => (leaf.builder ? leaf.builder(sub) : sub),
    handler: leafHandler(leaf, state, io, name),
  });
}

interface RunState {
  code: number;
  ctx?: Context;
}

/** Render an error and return its exit code. The one place errors become exit codes. */
export function reportError(error: unknown, ctx: Context | undefined, io: ContextIO): number {
  const context = ctx ?? createContext({ json: Boolean(io.json) }, io);
  const code = exitCodeFor(error);
  // Under --json an error is a JSON document on stdout too (docs/json.md, distseal/error@1).
  const command = context.out.command === 'distseal' ? undefined : context.out.command;
  const schema = { schema: 'distseal/error@1', ok: false, command, exitCode: code };
  if (error instanceof DistsealError) {
    if (context.json) context.out.result('', { ...schema, error: error.toJSON() });
    printError(context.out, error, context.verbose);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    if (context.json)
      context.out.result('', { ...schema, error: { code: 'E_BUG', kind: 'operational', message } });
    context.out.err(`distseal: unexpected error: ${message}`);
    context.out.err(
      '  This is a bug in distseal. Please report it with the command you ran (re-run with --verbose for details).',
    );
    if (context.verbose && error instanceof Error && error.stack) context.out.err(error.stack);
  }
  return code;
}

/** Run the CLI with `argv` (without node and script). Resolves to the exit code. */
export async function main(argv: string[], io: ContextIO = {}): Promise<number> {
  const state: RunState = { code: ExitCode.ok };
  const word = firstCommandWord(argv);
  const stdin = io.stdin ?? process.stdin;
  const stderr = io.stderr ?? process.stderr;

  const wizardFlags = wizardGlobals(argv);
  if (wizardFlags && stdin.isTTY && stderr.isTTY) {
    const ctx = createContext(wizardFlags, io);
    if (ctx.interactive) {
      try {
        const { runWizard } = await import('../wizard/run-wizard.js');
        return await runWizard(ctx);
      } catch (error) {
        return reportError(error, ctx, io);
      }
    }
  }

  // Where a usage error happened: the top level, or inside the group named by the first word.
  const scope: UsageScope = { prefix: 'distseal', names: COMMANDS.map((c) => c.name) };
  let y = globalOptions(skipHelpCache(yargs(argv)))
    .scriptName('distseal')
    .usage('$0 <command> [options]\n\nSign, upload and verify Python and conda distributions with OpenPGP.')
    .strict()
    .demandCommand(1, 'Name a command.')
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, error) => {
      if (error) throw error;
      const help = usageHelp(message ?? '', scope);
      throw new UsageError(help.message, { hint: help.hint });
    })
    // Answers `--get-yargs-completions` for the scripts of `distseal completion SHELL`; yargs's own
    // script command is hidden under a name nobody types.
    .completion('__yargs-completion-script', false)
    .help()
    .alias('help', 'h')
    .version(distsealVersion())
    .wrap(Math.min(100, (io.stdout ?? process.stdout).columns ?? 100));

  for (const entry of COMMANDS) {
    if (entry.name !== word) {
      y = y.command(
        entry.name,
        entry.describe,
        () => undefined as never,
        () => undefined,
      );
      continue;
    }
    const module = await entry.load();
    if (isGroup(module)) {
      const names = module.subcommands.map((leaf) => leaf.command.split(' ')[0]!);
      const rest = argv.slice(argv.indexOf(entry.name) + 1).filter((a) => !a.startsWith('-'));
      if (!rest.some((a) => names.includes(a)))
        Object.assign(scope, { prefix: `distseal ${entry.name}`, names });
      y = y.command(module.command, module.describe, (sub: Argv) => {
        let g = sub.demandCommand(1, 'Name a subcommand.');
        for (const leaf of module.subcommands) g = registerLeaf(g, leaf, state, io, module.command);
        return g;
      });
    } else {
      y = registerLeaf(y, module, state, io);
    }
  }

  try {
    await y.parseAsync();
    return state.code;
  } catch (error) {
    // A usage error from yargs comes before any command ran: honour --json from the raw argv.
    return reportError(error, state.ctx, { ...io, json: argv.includes('--json') });
  }
}
