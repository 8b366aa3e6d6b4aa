import yargs from 'yargs/yargs';
import type { GroupCommand, LeafCommand } from '../../src/cli/command.js';
import { loadLeaf } from '../../src/wizard/load-leaf.js';

/** The group command (`keys`, `channel`) named by a printed command's first word, if it is one. */
async function groupOf(word: string): Promise<GroupCommand | undefined> {
  if (word === 'keys')
    return ((await import('../../src/cli/commands/keys/group.js')) as { command: GroupCommand }).command;
  if (word === 'channel')
    return ((await import('../../src/cli/commands/channel/group.js')) as { command: GroupCommand }).command;
  return undefined;
}

/**
 * Parse a printed command line (`keys ...`, `channel ...`, `release ...`, `verify ...`,
 * `audit ...`) with the real group and leaf builders (strict), returning the argv the leaf's
 * handler would get; nothing runs.
 */
export async function parseOnly(words: string[], _cwd: string): Promise<Record<string, unknown>> {
  const group = await groupOf(words[0]!);
  const leaf: LeafCommand = group
    ? group.subcommands.find((l) => l.command.split(' ')[0] === words[1])!
    : await loadLeaf(words[0]! as 'release' | 'verify' | 'audit');
  let captured: Record<string, unknown> = {};
  const leafCommand = {
    command: leaf.command,
    describe: false as const,
    builder: (b: any) => (leaf.builder ? leaf.builder(b) : b),
    handler: (argv: Record<string, unknown>) => {
      captured = argv;
    },
  };
  const parser = yargs()
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .option('home', { type: 'string' });
  if (group) parser.command(group.command, false, (y) => y.command(leafCommand));
  else parser.command(leafCommand);
  await parser.parseAsync(words);
  return captured;
}
