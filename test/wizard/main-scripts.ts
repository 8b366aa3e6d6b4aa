import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES } from '../helpers/cli.js';
import type { Answer } from './scripted.js';

export const WHEEL = 'distseal_sample-1.0.0-py3-none-any.whl';
export const SDIST = 'distseal-sample-1.0.0.tar.gz';
export const CONDA = 'distseal-demo-1.0.0-py_0.conda';
const PASS = 'correct horse battery';

/** Real dists in `dir` (and in dir/dist/, the Release flow's default) for the main-menu flows. */
export async function provideDists(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  for (const [sub, name] of [
    ['python', WHEEL],
    ['python', SDIST],
    ['conda', CONDA],
  ] as const) {
    await copyFile(path.join(FIXTURES, sub, name), path.join(dir, name));
    await copyFile(path.join(FIXTURES, sub, name), path.join(dir, 'dist', name));
  }
}

/** The happy path of each main-menu flow but Keys and Audit, from the main menu to Quit. */
export const MAIN_HAPPY: Record<string, Array<[string, Answer]>> = {
  release: [
    ['main', 'release'],
    ['release.files', `${WHEEL} ${SDIST}`],
    ['release.target', 'testpypi'],
    ['release.more', true],
    ['release.target', 'dir'],
    ['release.dir', 'assets'],
    ['release.more', false],
    ['release.audit', false],
    ['release.dry-run', false],
    ['release.confirm', true],
    ['current-passphrase', PASS],
    ['remember', false],
    ['main', 'quit'],
  ],
  releaseDryRunDistDir: [
    ['main', 'release'],
    ['release.files', ''],
    ['release.target', 'prefix'],
    ['release.prefix', 'my-channel'],
    ['release.more', false],
    ['release.audit', true],
    ['release.dry-run', true],
    ['release.confirm', true],
    ['current-passphrase', PASS],
    ['remember', false],
    ['main', 'quit'],
  ],
  releaseRemember: [
    ['main', 'release'],
    ['release.files', WHEEL],
    ['release.target', 'github'],
    ['release.github', 'me/proj'],
    ['release.tag', ''],
    ['release.more', false],
    ['release.audit', true],
    ['release.dry-run', false],
    ['release.confirm', true],
    ['current-passphrase', PASS],
    ['remember', true],
    ['main', 'quit'],
  ],
  releaseEveryKind: [
    ['main', 'release'],
    ['release.files', `${WHEEL} ${CONDA}`],
    ['release.target', 'pypi'],
    ['release.more', true],
    ['release.target', 'anaconda'],
    ['release.owner', 'my-org'],
    ['release.more', true],
    ['release.target', 'anaconda'],
    ['release.owner', ''],
    ['release.more', true],
    ['release.target', 'url'],
    ['release.url', 'https://index.example/legacy/'],
    ['release.more', true],
    ['release.target', 'channel'],
    ['release.channel', 'conda channel'],
    ['release.more', false],
    ['release.audit', true],
    ['release.dry-run', false],
    ['release.confirm', true],
    ['current-passphrase', PASS],
    ['remember', false],
    ['main', 'quit'],
  ],
  verifyFiles: [
    ['main', 'verify'],
    ['verify.what', 'files'],
    ['verify.files', `${WHEEL} ${CONDA}`],
    ['main', 'quit'],
  ],
  verifyDir: [
    ['main', 'verify'],
    ['verify.what', 'dir'],
    ['verify.dir', 'dist'],
    ['verify.require-all', true],
    ['main', 'quit'],
  ],
  verifyUrls: [
    ['main', 'verify'],
    ['verify.what', 'urls'],
    ['verify.urls', 'https://example.org/a-1.0.tar.gz https://example.org/b-1.0.tar.gz'],
    ['main', 'quit'],
  ],
  verifyManifest: [
    ['main', 'verify'],
    ['verify.what', 'manifest'],
    ['verify.manifest', WHEEL],
    ['main', 'quit'],
  ],
  channelAdd: [
    ['main', 'channel'],
    ['channel.what', 'add'],
    ['channel.dir', 'my channel'],
    ['channel.files', CONDA],
    ['channel.confirm', true],
    ['current-passphrase', PASS],
    ['remember', false],
    ['main', 'quit'],
  ],
  channelVerify: [
    ['main', 'channel'],
    ['channel.what', 'verify'],
    ['channel.source', 'https://example.org/channel'],
    ['main', 'quit'],
  ],
};
