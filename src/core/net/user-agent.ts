/**
 * The User-Agent when the caller gives none. The CLI passes `distseal/<version>` through the
 * request headers (the core does not know which release it is part of).
 */
export const USER_AGENT = `distseal node/${process.versions.node}`;

/** The User-Agent for a caller that knows its product version (`distseal/1.2.3 node/22.1.0`). */
export function userAgentFor(version: string | undefined): string {
  return version ? `distseal/${version} node/${process.versions.node}` : USER_AGENT;
}
