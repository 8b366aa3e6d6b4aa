import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InputError, InterruptedError } from '../core/errors.js';
import { MAX_KEY_FILE_BYTES } from '../core/limits.js';
import type { PasteQuestion } from './prompter.js';

const BEGIN = /^-----BEGIN PGP [A-Z ]+-----$/;
const END = /^-----END PGP [A-Z ]+-----$/;

/**
 * Tracks pasted lines and says when the paste is complete. Why not "until an empty line":
 * armor itself has an empty line after its headers, so an empty line ends the paste only
 * OUTSIDE an armor block and after at least one complete block. Pasting several blocks at
 * once still works: the lines of one paste arrive in the same chunk, and `readPastedArmor`
 * only ends once no further line followed the empty one in that chunk.
 */
export class PasteCollector {
  readonly lines: string[] = [];
  private inside = false;
  private complete = 0;
  private bytes = 0;

  /** `maxBytes`: a paste longer than a key file may be is refused as it arrives. */
  constructor(private readonly maxBytes = MAX_KEY_FILE_BYTES) {}

  /** Add a line; returns true when this line may end the paste (an empty line after a block). */
  push(raw: string): boolean {
    this.bytes += Buffer.byteLength(raw) + 1;
    if (this.bytes > this.maxBytes)
      throw new InputError(
        'E_TOO_LARGE',
        `The pasted text is larger than ${this.maxBytes} bytes (the limit for a key file).`,
        { hint: 'Paste one armored key, or import a key file: distseal keys import FILE.' },
      );
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (BEGIN.test(trimmed)) this.inside = true;
    else if (END.test(trimmed) && this.inside) {
      this.inside = false;
      this.complete += 1;
    }
    if (trimmed === '' && !this.inside && this.complete > 0) return true;
    if (trimmed !== '' || this.inside) this.lines.push(line);
    return false;
  }

  get text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}

/**
 * Read pasted ASCII armor from a terminal: ends at an empty line after the last END line, or
 * at Ctrl-D. Ctrl-C rejects with InterruptedError. If the question has a validator and the
 * text fails it, the message is shown and the user pastes again.
 */
export async function readPastedArmor(
  question: PasteQuestion,
  input: Readable,
  output: Writable,
): Promise<string> {
  for (;;) {
    output.write(
      `? ${question.message}\n  (paste the armored block(s), then press Enter on an empty line; Ctrl-D also ends, Ctrl-C cancels)\n`,
    );
    const text = await readOnce(input, output);
    const verdict = question.validate ? await question.validate(text) : true;
    if (verdict === true) return text;
    output.write(`> ${verdict}\n`);
  }
}

function readOnce(input: Readable, output: Writable): Promise<string> {
  const collector = new PasteCollector();
  // terminal mode when it is a TTY: readline then reports Ctrl-C as 'SIGINT' and Ctrl-D as 'close'.
  const rl = readline.createInterface({
    input,
    output,
    terminal: Boolean((input as { isTTY?: boolean }).isTTY),
    prompt: '',
  });
  return new Promise((resolve, reject) => {
    let pending: NodeJS.Immediate | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (pending) clearImmediate(pending);
      rl.removeAllListeners();
      rl.close();
      if (error) reject(error);
      else resolve(collector.text);
    };
    rl.on('line', (line) => {
      if (pending) {
        clearImmediate(pending);
        pending = undefined;
      }
      let ends: boolean;
      try {
        ends = collector.push(line);
      } catch (error) {
        finish(error as Error);
        return;
      }
      if (ends) pending = setImmediate(() => finish());
    });
    rl.on('SIGINT', () => finish(new InterruptedError('Interrupted: nothing was changed.')));
    rl.on('close', () => finish());
  });
}
