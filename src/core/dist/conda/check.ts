import type { CheckOptions, CheckReport } from '../../check/types.js';
import { OperationalError } from '../../errors.js';

/**
 * Check a conda package (`.conda` or `.tar.bz2`) before upload: index.json required fields,
 * filename agreement with index.json, and the leak scan over the members of both inner tarballs.
 * First version: not implemented yet (helper D is writing it).
 */
export async function checkCondaPackage(path: string, _options: CheckOptions): Promise<CheckReport> {
  throw new OperationalError('E_NOT_YET', `Checking conda packages is not implemented yet (${path}).`);
}
