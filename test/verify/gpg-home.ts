import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtempSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway GnuPG home for interop tests: never the user's ~/.gnupg. Every call runs gpg with
 * --batch, loopback pinentry and an empty passphrase; the agent is killed in cleanup().
 */
export class GpgHome {
  readonly dir: string;

  constructor() {
    // A short path: gpg-agent's socket path must stay under ~100 bytes.
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'dsg-'));
    chmodSync(this.dir, 0o700);
  }

  /** Run a program with this GNUPGHOME; throws with stderr when it fails and `check` is set. */
  run(
    program: string,
    args: string[],
    options: { input?: string | Buffer; check?: boolean } = {},
  ): { status: number | null; stdout: Buffer; stderr: string } {
    const r = spawnSync(program, args, {
      env: { ...process.env, GNUPGHOME: this.dir, LC_ALL: 'C' },
      input: options.input,
      maxBuffer: 64 << 20,
    });
    const out = {
      status: r.status,
      stdout: r.stdout ?? Buffer.alloc(0),
      stderr: r.stderr?.toString() ?? String(r.error),
    };
    if (options.check !== false && r.status !== 0)
      throw new Error(`${program} ${args.join(' ')} failed (${r.status}): ${out.stderr}`);
    return out;
  }

  gpg(args: string[], options: { input?: string | Buffer; check?: boolean; fakedTime?: string } = {}) {
    const base = ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', ''];
    if (options.fakedTime) base.push('--faked-system-time', options.fakedTime);
    return this.run('gpg', [...base, ...args], options);
  }

  /** Generate a key with `gpg --quick-gen-key`; returns its fingerprint. `usage` e.g. 'sign' or 'cert'. */
  genKey(
    uid: string,
    algo: string,
    options: { usage?: string; expire?: string; fakedTime?: string; extra?: string[] } = {},
  ): string {
    this.gpg(
      [
        ...(options.extra ?? []),
        '--quick-gen-key',
        uid,
        algo,
        options.usage ?? 'sign',
        options.expire ?? '0',
      ],
      { fakedTime: options.fakedTime },
    );
    return this.fingerprint(uid);
  }

  fingerprint(uid: string): string {
    const out = this.gpg(['--with-colons', '--list-keys', uid]).stdout.toString();
    return /^fpr:+([0-9A-F]{40}):/m.exec(out)![1]!;
  }

  /** Fingerprints of the key's subkeys (in listing order). */
  subkeyFingerprints(fpr: string): string[] {
    const out = this.gpg(['--with-colons', '--list-keys', fpr]).stdout.toString();
    return [...out.matchAll(/^fpr:+([0-9A-F]{40}):/gm)].map((m) => m[1]!).slice(1);
  }

  addSigningSubkey(fpr: string, algo = 'ed25519'): string {
    this.gpg(['--quick-add-key', fpr, algo, 'sign', '0']);
    return this.subkeyFingerprints(fpr).at(-1)!;
  }

  /** Armored public key(s). */
  exportPublic(...fprs: string[]): string {
    return this.gpg(['--armor', '--export', ...fprs]).stdout.toString();
  }

  exportBinary(...fprs: string[]): Buffer {
    return this.gpg(['--export', ...fprs]).stdout;
  }

  /** Detach-sign `file` into `out` (armored unless binary). `signer` may end in '!' to force a subkey. */
  sign(
    file: string,
    out: string,
    signers: string[],
    options: { digest?: string; binary?: boolean; fakedTime?: string } = {},
  ): void {
    const args = [...signers.flatMap((s) => ['--local-user', s]), '--detach-sign', '--output', out];
    if (!options.binary) args.push('--armor');
    if (options.digest) args.push('--digest-algo', options.digest);
    this.gpg([...args, file], { fakedTime: options.fakedTime });
  }

  /** Hard-revoke a key with the revocation certificate gpg made at generation (reason 0). */
  async revokeNow(fpr: string): Promise<void> {
    const certFile = path.join(this.dir, 'openpgp-revocs.d', `${fpr}.rev`);
    const text = (await fs.readFile(certFile, 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN');
    this.gpg(['--import'], { input: text });
  }

  async cleanup(): Promise<void> {
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: this.dir } });
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
