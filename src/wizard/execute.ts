import { Readable } from 'node:stream';
import type { Context } from '../cli/context.js';
import type { Action, Secrets } from './action.js';
import { planToCommandLine } from './command-line.js';
import { argvFromPlan } from './plan-argv.js';
import type { WizardDeps } from './deps.js';

/**
 * The context a leaf runs with when the wizard calls it. The wizard has already asked every
 * question, so the command must not ask again: `interactive` is off (the command then behaves
 * exactly as its printed non-interactive equivalent). Secrets travel in memory, never in argv:
 * the unlocking passphrase as DISTSEAL_PASSPHRASE in this context's env (the documented second
 * source, after --passphrase-file/--passphrase-fd), a new passphrase as DISTSEAL_NEW_PASSPHRASE,
 * a pasted key as the command's stdin. The process environment is never modified.
 */
export function contextWithSecrets(ctx: Context, secrets: Secrets = {}): Context {
  const env = { ...ctx.env };
  if (secrets.passphrase !== undefined) env.DISTSEAL_PASSPHRASE = secrets.passphrase;
  if (secrets.newPassphrase !== undefined) env.DISTSEAL_NEW_PASSPHRASE = secrets.newPassphrase;
  const stdin =
    secrets.stdin !== undefined
      ? (Object.assign(Readable.from([Buffer.from(secrets.stdin)]), { isTTY: false }) as Context['stdin'])
      : ctx.stdin;
  return { ...ctx, env, stdin, interactive: false };
}

/**
 * Run an action's leaf command with the options the wizard gathered, then print the equivalent
 * command line (and what stands in for any secret). Follow-up actions run after it. Returns the
 * leaf's exit code (the first non-zero one).
 */
export async function executeAction(action: Action, deps: WizardDeps): Promise<number> {
  const { ctx } = deps;
  const leaf = await deps.loadLeaf(action.leaf);
  const argv = await argvFromPlan(leaf, action.plan, {
    home: ctx.home,
    json: false,
    verbose: ctx.verbose,
    quiet: ctx.quiet,
    interactive: false,
  });
  const code = (await leaf.run(argv, contextWithSecrets(ctx, action.secrets))) ?? 0;
  const home = ctx.homeSource === 'flag' ? ctx.home : undefined;
  ctx.out.err('');
  ctx.out.err('The same without the wizard:');
  ctx.out.err(`  ${planToCommandLine(action.plan, { home })}`);
  if (action.plan.secretNote) ctx.out.err(`  (${action.plan.secretNote})`);
  if (code !== 0) return code;
  const next = action.after ? await action.after(deps) : undefined;
  return next ? executeAction(next, deps) : 0;
}
