import type { RepodataRecord } from './repodata.js';

/** One thing wrong with a channel entry. */
export interface ChannelProblem {
  subject: string;
  code: string;
  message: string;
  hint?: string;
}

/** Compare a record's size/sha256/md5 with the file's bytes. */
export function recordMismatches(
  rel: string,
  record: RepodataRecord,
  actual: { size: number; sha256: string; md5: string },
): ChannelProblem[] {
  const problems: ChannelProblem[] = [];
  if (record.size !== actual.size)
    problems.push({
      subject: rel,
      code: 'E_SIZE_MISMATCH',
      message: `${rel} is ${actual.size} bytes but repodata.json says ${record.size}.`,
    });
  if (typeof record.sha256 !== 'string')
    problems.push({
      subject: rel,
      code: 'E_NO_SHA256',
      message: `The repodata record of ${rel} has no sha256.`,
    });
  else if (record.sha256.toLowerCase() !== actual.sha256)
    problems.push({
      subject: rel,
      code: 'E_SHA256_MISMATCH',
      message: `${rel} has sha256 ${actual.sha256} but repodata.json says ${record.sha256}.`,
      hint: 'The file was changed or replaced after indexing. Do not install it.',
    });
  if (typeof record.md5 === 'string' && record.md5.toLowerCase() !== actual.md5)
    problems.push({
      subject: rel,
      code: 'E_MD5_MISMATCH',
      message: `${rel} has md5 ${actual.md5} but repodata.json says ${record.md5}.`,
    });
  return problems;
}
