import type { Argv } from 'yargs';
import type { Context } from './context.js';

/**
 * One leaf command: a yargs builder plus `run(argv, ctx)`. Commands are thin adapters:
 * argv -> options object -> core call -> rendering through ctx.out. They never call
 * process.exit; they return an exit code (default 0) or throw a DistsealError.
 */
export interface LeafCommand {
  command: string;
  describe: string;
  aliases?: string[];
  builder?: (yargs: Argv) => Argv<any>;
  run: (argv: Record<string, any>, ctx: Context) => Promise<number | void>;
}

/** A command with subcommands (`keys`, `trust`, `upload`, `channel`, `login`). */
export interface GroupCommand {
  command: string;
  describe: string;
  subcommands: LeafCommand[];
}

export type CommandModule = LeafCommand | GroupCommand;

export function isGroup(module: CommandModule): module is GroupCommand {
  return 'subcommands' in module;
}
