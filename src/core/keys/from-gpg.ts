import { spawn } from 'node:child_process';
import { InputError, OperationalError } from '../errors.js';

export interface GpgExportOptions {
  /** The caller's environment; gpg gets only the names in GPG_ENV_ALLOWED from it (see gpgEnvironment). */
  env: Record<string, string | undefined>;
  /** Let gpg's pinentry talk to the terminal (interactive runs). */
  interactive: boolean;
  /** Passphrase for loopback pinentry when not interactive (gpg 2.1+ asks for it to export secrets). */
  passphrase?: string;
  gpg?: string;
}

/**
 * What gpg (and the gpg-agent and pinentry it may start) needs to find its home, its agent, the
 * terminal or the desktop, and the user's language. Nothing else goes through: index tokens
 * (TWINE_PASSWORD, ANACONDA_API_TOKEN, PREFIX_API_KEY, BINSTAR_API_TOKEN), DISTSEAL_* and the
 * rest of the caller's environment would otherwise live on in a long-running gpg-agent.
 */
export const GPG_ENV_ALLOWED: readonly string[] = [
  'PATH',
  'HOME',
  'GNUPGHOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'GPG_TTY',
  'TERM',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'XDG_RUNTIME_DIR',
  'DBUS_SESSION_BUS_ADDRESS',
  'PINENTRY_USER_DATA',
  // Windows: where Gpg4win keeps its home and finds the system.
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'SYSTEMROOT',
  'TEMP',
  'TMP',
];

/** The allowed subset of `env` (LC_* included), by exact name; Windows names match in any case. */
export function gpgEnvironment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const allowed = new Set(GPG_ENV_ALLOWED);
  const windows = process.platform === 'win32';
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const key = windows ? name.toUpperCase() : name;
    if (allowed.has(key) || /^LC_[A-Z]+$/.test(key)) result[name] = value;
  }
  return result;
}

function run(
  gpg: string,
  args: string[],
  options: GpgExportOptions,
  input?: string,
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(gpg, args, {
      env: gpgEnvironment(options.env),
      stdio: [input !== undefined ? 'pipe' : options.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (error) =>
      reject(
        new OperationalError(
          'E_GPG',
          `Cannot run ${gpg}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed' : error.message}.`,
          {
            cause: error,
            hint: 'Install GnuPG, or export the key from gpg yourself and run `distseal keys import FILE`.',
          },
        ),
      ),
    );
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/**
 * Export a key from the user's GnuPG (GNUPGHOME honoured): the secret key when gpg has it,
 * else the public key. Returns binary packets for `importKeys`.
 */
export async function exportFromGpg(
  id: string,
  options: GpgExportOptions,
): Promise<{ data: Buffer; secret: boolean }> {
  const gpg = options.gpg ?? 'gpg';
  const base = ['--batch', '--no-tty', '--yes'];
  const loopback =
    options.passphrase !== undefined ? ['--pinentry-mode', 'loopback', '--passphrase-fd', '0'] : [];
  const interactiveBase = options.interactive && options.passphrase === undefined ? [] : base;
  const secret = await run(
    gpg,
    [...interactiveBase, ...loopback, '--export-secret-keys', '--', id],
    options,
    options.passphrase,
  );
  if (secret.code === 0 && secret.stdout.length > 0) return { data: secret.stdout, secret: true };
  const wrongPass = /bad passphrase|no passphrase given|cancel/i.test(secret.stderr);
  if (wrongPass) {
    throw new InputError('E_GPG', `gpg could not export the secret key ${id}: ${lastLine(secret.stderr)}`, {
      subject: id,
      hint: 'gpg needs the key passphrase to export it: run in a terminal, or give --passphrase-file FILE.',
    });
  }
  // gpg without a terminal cannot ask for the passphrase: it exports nothing ("Inappropriate ioctl
  // for device") and says no more. If it holds the secret, importing only the public part would
  // look like success; fail and say how instead (issue 15 item 8).
  const listed = await run(gpg, [...base, '--with-colons', '--list-secret-keys', '--', id], options);
  if (listed.code === 0 && /^sec:/m.test(listed.stdout.toString('utf8'))) {
    throw new InputError(
      'E_GPG_PASSPHRASE',
      `gpg holds the secret key ${id} but did not export it: ${lastLine(secret.stderr) || 'it could not ask for the passphrase'}`,
      {
        subject: id,
        hint: 'Give its passphrase with --passphrase-file FILE (or DISTSEAL_PASSPHRASE), or run the command in a terminal so gpg can ask.',
      },
    );
  }
  const pub = await run(gpg, [...base, '--export', '--', id], options);
  if (pub.code === 0 && pub.stdout.length > 0) return { data: pub.stdout, secret: false };
  throw new InputError(
    'E_GPG',
    `gpg has no key matching "${id}"${pub.stderr ? `: ${lastLine(pub.stderr)}` : '.'}`,
    {
      subject: id,
      hint: 'Check `gpg --list-keys` (and GNUPGHOME), then pass a fingerprint.',
    },
  );
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
