#!/usr/bin/env node
// Build data/advisories.json.gz, the compact advisory data distseal ships, from the PyPA
// advisory database snapshot (an advisory-db.tgz holding vulns/<package>/<ID>.yaml, with a
// SOURCE.md beside it naming the commit and date it was taken at).
//
//   npm run build && node scripts/build-advisory-db.mjs [path/to/advisory-db.tgz [OUT]]
//
// Default input: ../shared/data/pypa-advisory-db/advisory-db.tgz beside the clone. The output
// is deterministic for one input (sorted names and ids, fixed gzip level, no timestamps).
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = (p) => import(path.join(root, 'dist', 'src', 'core', p));
const { decompress } = await core('archive/decompress.js');
const { walkTar } = await core('archive/tar.js');
const { advisoriesFromOsv } = await core('audit/osv.js');
const { parseOsvText, MAX_RECORD_BYTES } = await core('audit/osv-files.js');
const { CREDIT, databaseFromAdvisories, encodeCompact } = await core('audit/database.js');

const input = path.resolve(
  process.argv[2] ?? path.join(root, '..', 'shared', 'data', 'pypa-advisory-db', 'advisory-db.tgz'),
);
const sourceMd = readFileSync(path.join(path.dirname(input), 'SOURCE.md'), 'utf8');
const taken = /commit ([0-9a-f]{40}) \((\d{4}-\d{2}-\d{2})\)/.exec(sourceMd);
if (!taken) throw new Error(`${input}: SOURCE.md beside it does not say "commit <sha> (<date>)"`);

const records = [];
let withdrawn = 0;
await walkTar(decompress(createReadStream(input), 'gzip', input), input, async (entry, body) => {
  if (entry.type !== 'file' || !/^(\.\/)?vulns\/.+\.ya?ml$/.test(entry.name)) return;
  const value = parseOsvText((await body.read(MAX_RECORD_BYTES)).toString('utf8'), entry.name);
  if (value?.withdrawn) withdrawn += 1;
  records.push(advisoriesFromOsv(value));
});
const db = databaseFromAdvisories(
  { source: 'github.com/pypa/advisory-database', date: taken[2], commit: taken[1], credit: CREDIT },
  records,
);
const out = path.resolve(process.argv[3] ?? path.join(root, 'data', 'advisories.json.gz'));
const bytes = encodeCompact(db);
writeFileSync(out, bytes);
const advisories = [...db.packages.values()].reduce((n, l) => n + l.length, 0);
console.log(
  `${out}: ${records.length} records (${withdrawn} withdrawn, skipped), ${db.packages.size} packages, ${advisories} package advisories, ${bytes.length} bytes`,
);
