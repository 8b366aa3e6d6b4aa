import test from 'ava';
import { command as release } from '../../src/cli/commands/release.js';
import { planToCommandLine } from '../../src/wizard/command-line.js';
import { argvFromPlan } from '../../src/wizard/plan-argv.js';
import { gatherReleasePlan } from '../../src/wizard/release/gather.js';
import { ScriptedPrompter } from '../wizard/scripted.js';

test('the wizard gathers targets, a tag and the audit choice into the flags `release` takes', async (t) => {
  const p = new ScriptedPrompter([
    ['release.target', 'testpypi'],
    ['release.more', true],
    ['release.target', 'github'],
    ['release.github', 'not a repo'],
    ['release.github', 'me/proj'],
    ['release.tag', 'v1.2.0'],
    ['release.more', true],
    ['release.target', 'dir'],
    ['release.dir', 'assets'],
    ['release.more', false],
    ['release.audit', false],
    ['release.dry-run', false],
  ]);
  const plan = await gatherReleasePlan(p, { version: '1.2.0' });
  t.is(
    planToCommandLine(plan),
    'distseal release --to testpypi --to github:me/proj --to dir:assets --tag v1.2.0 --no-audit',
  );
  // The plan parses through the release command's own builder, as the wizard runs it.
  const argv = await argvFromPlan(release, plan);
  t.deepEqual(argv.to, ['testpypi', 'github:me/proj', 'dir:assets']);
  t.is(argv.audit, false);
  t.is(argv.tag, 'v1.2.0');
  t.is(argv.failOn, 'high');
  t.regex(p.asked.find((a) => a.id === 'release.github')!.rejected[0]!.message, /github:OWNER\/REPO/);
});
