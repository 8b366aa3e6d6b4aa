import type { Context } from '../cli/context.js';

/** The interactive menu shown by `distseal` with no arguments in a terminal. */
export async function runWizard(ctx: Context): Promise<number> {
  ctx.out.err('The wizard is not available yet. Run `distseal --help` for the commands.');
  return 0;
}
