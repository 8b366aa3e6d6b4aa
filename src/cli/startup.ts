import type { Argv } from 'yargs';

interface UsageInternals {
  cacheHelpMessage?: () => void;
}

/**
 * yargs lays out the whole help text (cliui, string-width, wrap-ansi: about 50 ms) whenever a
 * command's handler starts, to have it ready should the handler fail and help be shown. distseal
 * never shows help on failure (showHelpOnFail(false); errors go through reportError), so that
 * layout is skipped. `--help` itself lays out its text as before.
 */
export function skipHelpCache(y: Argv<any>): Argv<any> {
  const internals = (y as unknown as { getInternalMethods?: () => { getUsageInstance?: () => unknown } })
    .getInternalMethods?.()
    .getUsageInstance?.() as UsageInternals | undefined;
  if (internals && typeof internals.cacheHelpMessage === 'function')
    internals.cacheHelpMessage = () => undefined;
  return y;
}
