import { PassThrough } from 'node:stream';
import test from 'ava';
import { InterruptedError } from '../../src/core/errors.js';
import { inquirerPrompter } from '../../src/wizard/inquirer-prompter.js';
import { PasteCollector, readPastedArmor } from '../../src/wizard/paste.js';
import { Q } from '../../src/wizard/questions.js';
import { memoryContext } from './scripted.js';

/** A context whose stdin we type into (keypresses as a terminal sends them). */
function terminal() {
  const mem = memoryContext();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const ctx = { ...mem.ctx, stdin };
  const type = (text: string) => setImmediate(() => stdin.write(text));
  return { ctx, type, stderr: mem.stderr };
}

test('the real inquirer prompts: typed answers, validation shown under the prompt, Ctrl-C becomes InterruptedError', async (t) => {
  const term = terminal();
  const p = inquirerPrompter(term.ctx);
  const email = p.input(Q.email());
  term.type('nope\r');
  await new Promise((r) => setTimeout(r, 50));
  t.regex(term.stderr(), /not an e-mail address/);
  // Erase the bad answer and type a good one.
  term.type('\x7f'.repeat(4));
  term.type('ada@example.org\r');
  t.is(await email, 'ada@example.org');

  const secret = p.password(Q.newPassphrase());
  term.type('correct horse battery\r');
  t.is(await secret, 'correct horse battery');
  t.false(term.stderr().includes('correct horse battery'), 'the passphrase is masked on screen');

  const algo = p.select(Q.algo());
  term.type('\x1b[B\r'); // arrow down, Enter
  t.is(await algo, 'rsa4096');

  const interrupted = p.confirm(Q.confirmDelete('that key'));
  term.type('\x03'); // Ctrl-C
  const error = await t.throwsAsync(interrupted, { instanceOf: InterruptedError });
  t.is(error?.code, 'E_INTERRUPTED');
});

const BLOCK = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----';

test('paste: the empty line inside armor does not end it; an empty line after a complete block does', (t) => {
  const c = new PasteCollector();
  for (const line of BLOCK.split('\n')) t.false(c.push(line));
  t.true(c.push(''));
  t.is(c.text, `${BLOCK}\n`);
  const early = new PasteCollector();
  t.false(early.push(''), 'a leading empty line does not end an empty paste');
});

test('paste: several blocks pasted at once are kept; Ctrl-C cancels; a bad paste is asked again', async (t) => {
  const term = terminal();
  const two = readPastedArmor(Q.importPaste(), term.ctx.stdin, term.ctx.stderr);
  term.type(`${BLOCK}\n\n${BLOCK.replace(/PUBLIC/g, 'PRIVATE')}\n\n`);
  const text = await two;
  t.is((text.match(/-----BEGIN/g) ?? []).length, 2);

  const bad = readPastedArmor(Q.importPaste(), term.ctx.stdin, term.ctx.stderr);
  term.type('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjM\n');
  setTimeout(() => term.type('\x04'), 30); // Ctrl-D ends the incomplete paste
  setTimeout(() => term.type(`${BLOCK}\n\n`), 80);
  t.regex(await bad, /END PGP PUBLIC KEY BLOCK/);
  t.regex(term.stderr(), /armor is incomplete/);

  const cancelled = readPastedArmor(Q.importPaste(), term.ctx.stdin, term.ctx.stderr);
  term.type('-----BEGIN PGP PUB');
  setTimeout(() => term.type('\x03'), 30);
  await t.throwsAsync(cancelled, { instanceOf: InterruptedError });
});

test('paste: a paste longer than a key file may be is refused as it arrives, through readPastedArmor too', async (t) => {
  const small = new PasteCollector(100);
  small.push('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  const e = t.throws(() => small.push('x'.repeat(80)));
  t.is((e as { code?: string }).code, 'E_TOO_LARGE');
  t.regex(e!.message, /larger than 100 bytes/);

  const term = terminal();
  const endless = readPastedArmor(Q.importPaste(), term.ctx.stdin, term.ctx.stderr);
  const line = `${'A'.repeat(64)}\n`;
  term.type(
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${line.repeat(Math.ceil((1 << 20) / line.length) + 10)}`,
  );
  const refused = await t.throwsAsync(endless);
  t.is((refused as { code?: string }).code, 'E_TOO_LARGE');
});
