import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { DistsealError } from '../errors.js';
import { drain } from '../io/file-stream.js';
import {
  canPrehash,
  clearDigest,
  finishDigest,
  setDigest,
  startDigest,
  TextModeSink,
  type HashFeed,
  type HashSink,
} from '../io/prehashed.js';
import type { KeyChecks } from './key-checks.js';
import type { SignatureReport } from './signature-report.js';
import { classifyOpenpgpError, GOOD, reason } from './reasons.js';

/** A signature that passed the prechecks, with the key that will check it. */
export interface Pending {
  report: SignatureReport;
  packet: openpgp.SignaturePacket;
  key: openpgp.PublicKey;
}

type Outcome = PromiseSettledResult<boolean>;

/**
 * One pass over the data for every remaining signature, then await each `verified` (openpgp.js
 * resolves the call for bad signatures too: spec section 1).
 *
 * The fast path (io/prehashed.ts): node:crypto hashes the data once for each signature (through a
 * TextModeSink for text-mode ones), and openpgp.js checks each signature over its digest plus the
 * key's validity at signing time. The message openpgp.js is handed beside the digests is 32
 * random bytes: should it ever ignore a digest and hash the message instead, the signature fails.
 * Packets we cannot hash ourselves (or all of them, with `prehash: false`) go through openpgp.js's
 * own streaming; when both kinds are present the stream openpgp.js reads also feeds our hashes.
 */
export async function checkPending(
  pending: Pending[],
  data: () => ReadableStream<Uint8Array>,
  options: { now: Date; feed: HashFeed; prehash?: boolean; keyChecks?: KeyChecks },
): Promise<void> {
  const fast = pending.filter((p) => options.prehash !== false && canPrehash(p.packet));
  const slow = pending.filter((p) => !fast.includes(p));
  const hashes = fast.map((p) => startDigest(p.packet));
  const sinks: HashSink[] = fast.map((p, i) =>
    p.packet.signatureType === openpgp.enums.signature.text ? new TextModeSink(hashes[i]!) : hashes[i]!,
  );
  const outcomes = new Map<Pending, Outcome>();
  try {
    if (slow.length > 0) {
      const stream = sinks.length > 0 ? data().pipeThrough(tap(sinks)) : data();
      const message = await openpgp.createMessage({ binary: stream, format: 'binary' });
      const settled = await runVerify(slow, message, options);
      slow.forEach((p, i) => outcomes.set(p, settled[i]!));
    } else if (sinks.length > 0) {
      await options.feed(sinks);
    }
    if (fast.length > 0) {
      fast.forEach((p, i) => setDigest(p.packet, finishDigest(p.packet, hashes[i]!)));
      const decoy = await openpgp.createMessage({
        binary: new Uint8Array(randomBytes(32)),
        format: 'binary',
      });
      try {
        const settled = await runVerify(fast, decoy, options);
        fast.forEach((p, i) => outcomes.set(p, settled[i]!));
      } finally {
        for (const p of fast) clearDigest(p.packet);
      }
    }
  } catch (error) {
    // A read error of the file is ours to report (it names the file); anything openpgp.js throws
    // about the signatures themselves fails them all, closed.
    if (error instanceof DistsealError) throw error;
    for (const p of pending) outcomes.set(p, { status: 'rejected', reason: error });
  }
  for (const p of pending) judge(p, outcomes.get(p));
}

/** A pass-through that also feeds every sink. */
function tap(sinks: HashSink[]): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      for (const sink of sinks) sink.update(chunk);
      controller.enqueue(chunk);
    },
  });
}

async function runVerify(
  group: Pending[],
  message: openpgp.Message<ReadableStream<Uint8Array> | Uint8Array>,
  options: { now: Date; keyChecks?: KeyChecks },
): Promise<Outcome[]> {
  const keys = [...new Set(group.map((p) => p.key))];
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  for (const p of group) list.push(p.packet);
  const result = await openpgp.verify({
    message,
    signature: new openpgp.Signature(list),
    verificationKeys: options.keyChecks ? keys.map((k) => options.keyChecks!.verifier(k)) : keys,
    format: 'binary',
    date: options.now,
  });
  // A streamed verification never settles until its data has been read to the end.
  if (result.data instanceof ReadableStream) await drain(result.data as ReadableStream<unknown>);
  // openpgp.js keeps only binary/text signatures, in order; the prechecks dropped all others.
  return Promise.allSettled(result.signatures.map((s) => s.verified));
}

function judge(p: Pending, outcome: Outcome | undefined): void {
  if (outcome?.status === 'fulfilled' && outcome.value === true) {
    p.report.verdict = 'good';
    p.report.reason = reason(GOOD, goodMessage(p), undefined);
    if (p.packet.signatureType === openpgp.enums.signature.text)
      p.report.warnings.push(
        'a text-mode signature: it was checked over the text with line endings made CRLF, so it does not protect the exact bytes (use --binary-only to refuse it)',
      );
    return;
  }
  const why = outcome
    ? classifyOpenpgpError(outcome.status === 'rejected' ? outcome.reason : 'no result')
    : reason('E_KEY_INVALID', 'openpgp.js returned no result');
  if (why.code === 'E_KEY_EXPIRED' && p.report.keyExpires) {
    why.message = `the key had expired (the copy you trust expires ${p.report.keyExpires}) when it signed on ${p.report.created}`;
    why.hint = `Refresh the key: the copy you trust expired on ${p.report.keyExpires.slice(0, 10)}. If the maintainer extended it, import the new copy; otherwise ask for a new signature.`;
  }
  p.report.verdict = why.code === 'E_UNKNOWN_KEY' ? 'could-not-check' : 'bad';
  p.report.reason = why;
}

function goodMessage(p: Pending): string {
  const kind =
    p.packet.signatureType === openpgp.enums.signature.text ? 'good text-mode signature' : 'good signature';
  return p.report.ownKey ? `${kind} by your own key` : kind;
}
