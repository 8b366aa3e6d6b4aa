import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { FIXTURES, KEYS_EXAMPLE, ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * Every command's `--json` document against its shape in docs/json.md (issue 15 item 12): the
 * schema name, `ok`, `results`, types, absolute paths, and no undocumented top-level key.
 */
type Shape = Record<string, unknown>;

async function documentedShapes(): Promise<Map<string, Shape>> {
  const text = await fs.readFile(path.join(ROOT, 'docs', 'json.md'), 'utf8');
  const shapes = new Map<string, Shape>();
  for (const m of text.matchAll(/```json-shape (\S+)\n([\s\S]*?)```/g)) shapes.set(m[1]!, JSON.parse(m[2]!));
  return shapes;
}

function typeOk(value: unknown, type: string): boolean {
  return type.split('|').some((t) => {
    if (t === 'path') return typeof value === 'string' && path.isAbsolute(value);
    if (t === 'array') return Array.isArray(value);
    if (t === 'null') return value === null;
    if (t === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
    return typeof value === t;
  });
}

function problems(doc: Record<string, unknown>, shape: Shape): string[] {
  const out: string[] = [];
  const declared = new Set<string>();
  for (const [key, type] of Object.entries(shape)) {
    if (key === 'results[]') continue;
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    declared.add(name);
    if (!(name in doc)) {
      if (!optional) out.push(`missing ${name}`);
    } else if (!typeOk(doc[name], type as string))
      out.push(`${name} is not ${type}: ${JSON.stringify(doc[name])}`);
  }
  for (const key of Object.keys(doc)) if (!declared.has(key)) out.push(`undocumented key ${key}`);
  const element = shape['results[]'] as Shape | undefined;
  if (element && Array.isArray(doc.results))
    for (const [i, r] of (doc.results as Array<Record<string, unknown>>).entries())
      for (const [key, type] of Object.entries(element))
        if (!typeOk(r[key], type as string))
          out.push(`results[${i}].${key} is not ${type}: ${JSON.stringify(r[key])}`);
  return out;
}

test('every command prints the documented JSON shape, errors included', async (t) => {
  const shapes = await documentedShapes();
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const env = {
    DISTSEAL_PASSPHRASE: 'example-passphrase-do-not-use',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus',
  };
  const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
  const pub = path.join(KEYS_EXAMPLE, 'example-public.asc');
  const dist = path.join(dir, 'dist');
  await fs.mkdir(dist);
  const wheel = path.join(dist, 'distseal_sample-1.0.0-py3-none-any.whl');
  await fs.copyFile(path.join(FIXTURES, 'python', path.basename(wheel)), wheel);
  const conda = path.join(FIXTURES, 'conda', 'tinylib-0.1-h0_1.conda');
  const newPass = path.join(dir, 'new-pass');
  await fs.writeFile(newPass, 'another passphrase\n');
  const runs: Array<[string, string[], Record<string, string>?]> = [
    ['keys-import', ['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')]],
    ['keys-list', ['keys', 'list']],
    ['keys-default', ['keys', 'default', FPR]],
    ['keys-export', ['keys', 'export', FPR]],
    ['keys-export', ['keys', 'export', FPR, '-o', path.join(dir, 'pub.asc')]],
    ['trust-add', ['trust', 'add', pub, '--for', 'distseal-sample']],
    ['trust-list', ['trust', 'list']],
    ['sign', ['sign', wheel]],
    ['sign', ['sign', '--manifest', path.join(dist, 'SHA256SUMS'), wheel]],
    ['verify', ['verify', wheel]],
    ['verify', ['verify', '--manifest', path.join(dist, 'SHA256SUMS')]],
    ['check', ['check', wheel]],
    ['upload-pypi', ['upload', 'pypi', '--dry-run', '--repository-url', 'http://127.0.0.1:9/legacy/', wheel]],
    ['channel-add', ['channel', 'add', path.join(dir, 'chan'), conda]],
    ['channel-verify', ['channel', 'verify', path.join(dir, 'chan'), '--keyring', pub]],
    ['verify', ['verify', '--channel', path.join(dir, 'chan'), '--keyring', pub, conda]],
    ['completion', ['completion', 'fish']],
    ['trust-remove', ['trust', 'remove', FPR]],
    ['keys-passwd', ['keys', 'passwd', FPR, '--new-passphrase-file', newPass]],
    ['keys-revoke', ['keys', 'revoke', FPR, '--yes'], { DISTSEAL_PASSPHRASE: 'another passphrase' }],
    ['keys-delete', ['keys', 'delete', FPR, '--yes']],
    [
      'keys-generate',
      ['keys', 'generate', '--name', 'Json Test', '--email', 'j@example.org', '--no-passphrase'],
    ],
    ['error', ['keys', 'default', 'nobody@example.org']],
    ['error', ['sign', '--no-such-flag', wheel]],
    ['error', ['bogus-command']],
  ];
  const seen = new Set<string>();
  for (const [name, args, extra] of runs) {
    const r = await runCli(['--home', home, '--json', ...args], { env: { ...env, ...extra }, cwd: dir });
    const schema = `distseal/${name}@1`;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      t.fail(`${args.join(' ')}: stdout is not one JSON document (exit ${r.code}): ${r.stdout}${r.stderr}`);
      continue;
    }
    t.is(doc.schema, schema, args.join(' '));
    t.is(doc.ok, r.code === 0, `${args.join(' ')}: ok matches the exit code ${r.code}`);
    const shape = shapes.get(schema);
    if (!shape) {
      t.fail(`${schema} is not documented in docs/json.md`);
      continue;
    }
    t.deepEqual(problems(doc, shape), [], `${args.join(' ')}\n${r.stdout}`);
    seen.add(schema);
  }
  t.deepEqual(
    [...shapes.keys()].filter((s) => !seen.has(s)),
    [],
    'every documented shape is exercised',
  );
});
