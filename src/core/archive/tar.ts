import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { DistsealError } from '../errors.js';
import { bombError, corruptError, resolveLimits, type ArchiveLimits } from './limits.js';

/** One tar member header. */
export interface TarEntry {
  name: string;
  /** 'file', 'directory', 'symlink', 'link', ... as tar-stream names them. */
  type: string;
  size: number;
  mode?: number;
  linkname?: string;
}

export interface TarBody {
  /** The whole member (at most `maxBytes`, default the member limit; larger is an error). */
  read(maxBytes?: number): Promise<Buffer>;
  /** The first `n` bytes (or fewer); the rest is skipped. */
  head(n: number): Promise<Buffer>;
  /** Skip the body (also what happens when the visitor reads nothing). */
  skip(): void;
}

type Visitor = (entry: TarEntry, body: TarBody) => Promise<boolean | void> | boolean | void;

/**
 * Walk a (plain, already decompressed) tar stream member by member. `visit` may read the body,
 * or ignore it (it is skipped); returning `false` stops the walk early and destroys `input`.
 * `what` names the archive in errors.
 */
export async function walkTar(
  input: Readable,
  what: string,
  visit: Visitor,
  partial?: Partial<ArchiveLimits>,
): Promise<void>;
export async function walkTar(
  input: Readable,
  visit: Visitor,
  partial?: Partial<ArchiveLimits>,
): Promise<void>;
export async function walkTar(
  input: Readable,
  whatOrVisit: string | Visitor,
  visitOrLimits?: Visitor | Partial<ArchiveLimits>,
  maybeLimits?: Partial<ArchiveLimits>,
): Promise<void> {
  const what = typeof whatOrVisit === 'string' ? whatOrVisit : 'tar archive';
  const visit = (typeof whatOrVisit === 'function' ? whatOrVisit : visitOrLimits) as Visitor;
  const partial = (typeof whatOrVisit === 'function' ? visitOrLimits : maybeLimits) as
    Partial<ArchiveLimits> | undefined;
  const limits = resolveLimits(partial);
  const extract = tarStream.extract();
  let inputError: Error | undefined;
  input.on('error', (error) => {
    inputError = error;
    extract.destroy(error);
  });
  input.pipe(extract);
  let count = 0;
  try {
    for await (const member of extract) {
      count += 1;
      if (count > limits.maxEntries) throw bombError(what, `it holds more than ${limits.maxEntries} members`);
      const h = member.header;
      const entry: TarEntry = {
        name: h.name,
        type: h.type ?? 'file',
        size: h.size ?? 0,
        mode: h.mode,
        linkname: h.linkname ?? undefined,
      };
      let consumed = false;
      const collect = async (limit: number, truncate: boolean): Promise<Buffer> => {
        consumed = true;
        if (!truncate && entry.size > limit)
          throw bombError(
            `${what} (member ${entry.name})`,
            `it is ${entry.size} bytes (the limit is ${limit})`,
          );
        const chunks: Buffer[] = [];
        let got = 0;
        for await (const chunk of member as AsyncIterable<Buffer>) {
          if (got < limit) chunks.push(chunk.subarray(0, limit - got));
          got += chunk.length;
        }
        return Buffer.concat(chunks).subarray(0, limit);
      };
      const body: TarBody = {
        read: (maxBytes = limits.maxMemberBytes) => collect(maxBytes, false),
        head: (n) => collect(n, true),
        skip: () => undefined,
      };
      const keepGoing = await visit(entry, body);
      if (!consumed) member.resume();
      if (keepGoing === false) {
        input.unpipe(extract);
        input.destroy();
        extract.destroy();
        return;
      }
    }
  } catch (error) {
    input.destroy();
    const cause = inputError ?? error;
    if (cause instanceof DistsealError) throw cause;
    throw corruptError(what, `its tar data is invalid or truncated (${(cause as Error).message})`, cause);
  }
  if (inputError)
    throw inputError instanceof DistsealError
      ? inputError
      : corruptError(what, inputError.message, inputError);
}
