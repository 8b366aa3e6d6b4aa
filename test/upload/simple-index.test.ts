import { execFile, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const PY = path.join(FIXTURES, 'python');

const havePip = spawnSync('/usr/bin/python3', ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0;

peerTest(['python3'], { ok: havePip, why: "Debian's pip is not installed (apt-get install python3-pip)" })(
  'what distseal uploads, pip downloads back byte for byte from the PEP 503 index',
  async (t) => {
    const server = await startIndexServer();
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await server.close();
      await cleanup();
    });
    const wheel = path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl');
    const up = await runCli(
      [
        '--home',
        path.join(dir, 'home'),
        'upload',
        'pypi',
        '--repository-url',
        server.uploadUrl,
        '-u',
        '__token__',
        wheel,
      ],
      { env: { HOME: dir, TWINE_PASSWORD: TEST_TOKEN } },
    );
    t.is(up.code, 0, up.stderr);
    const out = path.join(dir, 'dl');
    // pip checks the #sha256= fragment of the simple index link against the bytes it downloads.
    await run(
      '/usr/bin/python3',
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--index-url',
        `${server.url}simple/`,
        '-d',
        out,
        'distseal-sample==1.0.0',
      ],
      {
        env: { ...process.env, HOME: dir, PIP_CONFIG_FILE: '/dev/null' },
      },
    );
    t.deepEqual(await readdir(out), [path.basename(wheel)]);
    t.deepEqual(await readFile(path.join(out, path.basename(wheel))), await readFile(wheel));
  },
);
