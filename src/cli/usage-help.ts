/**
 * Help for usage errors (issue 15 item 15): list the commands a word may be followed by, and
 * suggest a command only when it is a close match (a typo), never any command at all.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate a typo most likely meant: at most 1 edit for short words, 2 for longer ones. */
export function closeMatch(word: string, candidates: string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

export interface UsageScope {
  /** `distseal` or `distseal keys`. */
  prefix: string;
  /** The commands that may come next. */
  names: string[];
}

/** A usage error's message and hint, with the list of commands and a close match when there is one. */
export function usageHelp(message: string, scope: UsageScope): { message: string; hint: string } {
  const list = scope.names.join(', ');
  const help = `Run \`${scope.prefix} --help\` for what each does and its options.`;
  if (/^Name a /.test(message)) {
    const what =
      scope.prefix === 'distseal' ? 'a command' : `a subcommand of ${scope.prefix.slice('distseal '.length)}`;
    return { message: `Name ${what}: ${list}.`, hint: help };
  }
  const unknown = /^Unknown arguments?: ([^,\s]+)/.exec(message)?.[1];
  if (unknown && !unknown.startsWith('-')) {
    const guess = closeMatch(unknown, scope.names);
    return {
      message,
      hint: guess
        ? `Did you mean \`${scope.prefix} ${guess}\`? ${help}`
        : `The commands here are: ${list}. ${help}`,
    };
  }
  return { message, hint: help };
}
