import yargs from 'yargs/yargs';
import type { LeafCommand } from '../cli/command.js';
import { UsageError } from '../core/errors.js';
import { planWords, type Plan } from './command-line.js';

/**
 * The argv a leaf's run() gets for a wizard plan, made by the leaf's own yargs builder from the
 * very words the printed command line shows, so the wizard gets the same defaults, choices,
 * coercion and validation as the flags (and cannot drift from them). Strict: a flag the builder
 * does not know is an error, a bug in the wizard rather than something to pass along silently.
 */
export async function argvFromPlan(
  leaf: LeafCommand,
  plan: Plan,
  globals: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const name = leaf.command.split(' ')[0]!;
  const parser = yargs()
    .help(false)
    .version(false)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw new UsageError(
        `The wizard made options that \`distseal ${plan.command.join(' ')}\` refuses: ${error?.message ?? message}`,
        { hint: 'This is a bug in the wizard; the same command with flags still works.' },
      );
    })
    .command({
      command: leaf.command,
      describe: false,
      builder: (y) => (leaf.builder ? leaf.builder(y) : y),
      handler: () => undefined,
    });
  const argv = (await parser.parseAsync([name, ...planWords(plan)])) as Record<string, unknown>;
  return { ...argv, ...globals, _: [...plan.command], $0: 'distseal' };
}
