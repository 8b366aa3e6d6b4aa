import yargs, { type Argv } from 'yargs';
import { DistsealError, ExitCode, exitCodeFor, UsageError } from '../core/errors.js';
import { isGroup, type LeafCommand } from './command.js';
import { COMMANDS } from './command-table.js';
import { createContext, type Context, type ContextIO, type GlobalFlags } from './context.js';
import { firstCommandWord, globalOptions, wizardGlobals } from './global-flags.js';
import { printError } from './render-error.js';
import { usageHelp, type UsageScope } from './usage-help.js';
import { distsealVersion } from './version.js';
import { skipHelpCache } from './startup.js';

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
