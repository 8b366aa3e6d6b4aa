import yargs from 'yargs/yargs';
import type { GroupCommand, LeafCommand } from '../../src/cli/command.js';

/**
 * Parse a printed `keys ...` command line with the real keys group and leaf builders (strict),
 * returning the argv the leaf's handler would get; nothing runs.
 */
export async function parseOnly(words: string[], _cwd: string): Promise<Record<string, unknown>> {
  const group = ((await import('../../src/cli/commands/keys/group.js')) as { command: GroupCommand }).command;
  const leaf: LeafCommand = group.subcommands.find((l) => l.command.split(' ')[0] === words[1])!;
  let captured: Record<string, unknown> = {};
  await yargs()
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .option('home', { type: 'string' })
    .command(group.command, false, (y) =>
      y.command({
        command: leaf.command,
        describe: false,
        builder: (b) => (leaf.builder ? leaf.builder(b) : b),
        handler: (argv) => {
          captured = argv as Record<string, unknown>;
        },
      }),
    )
    .parseAsync(words);
  return captured;
}
