import type { Argv } from 'yargs';
import { withPassphraseOptions } from '../unlock.js';

/** The options of `distseal release` (what the wizard's Release flow fills in, too). */
export function releaseOptions(y: Argv): Argv {
  return withPassphraseOptions(
    y
      .positional('files', {
        type: 'string',
        array: true,
        describe: 'Wheels, sdists, conda packages (default: everything in dist/)',
      })
      .option('to', {
        type: 'string',
        array: true,
        describe:
          'Target (repeatable): pypi, testpypi, NAME, URL, anaconda[:OWNER], prefix:CHANNEL, channel:DIR, github:OWNER/REPO, dir:DIR',
      })
      .option('yes', {
        alias: 'y',
        type: 'boolean',
        default: false,
        describe: 'Publish without asking (needed without a terminal)',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Check, audit, sign and compare with the targets; send nothing',
      })
      .option('key', {
        alias: 'k',
        type: 'string',
        describe: 'Your signing key (default: the default key)',
      })
      .option('tag', { type: 'string', describe: 'The GitHub release tag (default: v<version>)' })
      .option('draft', { type: 'boolean', default: false, describe: 'Leave the GitHub release a draft' })
      .option('receipt', { type: 'string', describe: 'Also write the receipt as JSON to FILE' })
      .option('allow-mixed', {
        type: 'boolean',
        default: false,
        describe: 'Allow files of several versions in one release',
      })
      .option('audit', { type: 'boolean', default: true, describe: '--no-audit skips the audit step' })
      .option('fail-on', {
        type: 'string',
        default: 'high',
        choices: ['low', 'medium', 'high', 'critical', 'none'],
        describe: 'Audit findings at or above this stop the release',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'Check warnings stop the release too',
      })
      .option('index-url', {
        type: 'string',
        describe: 'The simple index to read a PyPI-compatible target back from',
      })
      .option('label', {
        alias: 'l',
        type: 'string',
        array: true,
        describe: 'anaconda.org label (repeatable)',
      })
      .option('token-file', {
        type: 'string',
        describe: 'Read the anaconda.org / prefix.dev token from FILE',
      })
      .option('anaconda-url', { type: 'string', describe: 'Another anaconda.org-compatible API URL' })
      .option('prefix-url', { type: 'string', describe: 'Another prefix.dev-compatible server URL' })
      .option('prefix-repo-url', {
        type: 'string',
        describe: 'Where the prefix channel serves repodata.json (default https://repo.prefix.dev)',
      })
      .option('github-api-url', {
        type: 'string',
        describe: 'GitHub Enterprise API URL (default https://api.github.com)',
      })
      .option('username', { alias: 'u', type: 'string', describe: 'Index user name (env TWINE_USERNAME)' })
      .option('config-file', { type: 'string', describe: 'The .pypirc to read (default: ~/.pypirc)' })
      .option('cert', { type: 'string', describe: 'CA bundle (PEM) to trust for the index' })
      .option('manifest', {
        type: 'boolean',
        describe: 'Write a signed SHA256SUMS (default: when a github: or dir: target is named)',
      })
      .example(
        '$0 release --to testpypi --to github:me/proj --tag v1.2.0 --yes',
        'CI: the whole release without questions',
      )
      .example('$0 release dist/*.conda --to channel:./channel --dry-run', 'see what would happen'),
  ) as Argv;
}
