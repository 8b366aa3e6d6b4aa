/**
 * The code half of the audit for one dist: extract its Python sources into a private temp
 * directory, honour the sdist's `[tool.bandit]`, run Bandit, and map each result back to
 * `<member path inside the dist>:<line>`. The temp directory is removed whatever happens.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { stringify as toYaml } from 'yaml';
import type { ArchiveLimits } from '../archive/limits.js';
import type { Logger } from '../logger.js';
import { runBandit, type BanditOptions, type BanditResult } from './bandit.js';
import { extractPythonSources } from './extract.js';
import type { CodeFinding } from './types.js';

export interface CodeScanOptions extends BanditOptions {
  /** Where the private temp directory is made (default os.tmpdir()). */
  tmpDir?: string;
  limits?: Partial<ArchiveLimits>;
  logger?: Logger;
  /** Test hook: called with the temp directory once it exists. */
  onTempDir?: (dir: string) => void;
}

export interface CodeScanResult {
  findings: CodeFinding[];
  errors: Array<{ member: string; reason: string }>;
  skipped: Array<{ member: string; reason: string }>;
  /** How many Python files Bandit scanned. */
  files: number;
  /** The `[tool.bandit]` member honoured, if any. */
  config?: string;
}

function level(value: string): 'low' | 'medium' | 'high' {
  const v = value.toLowerCase();
  return v === 'high' ? 'high' : v === 'medium' ? 'medium' : 'low';
}

/** Map one Bandit result (its filename under `tree`) back into the dist. */
export function mapResult(dist: string, tree: string, r: BanditResult): CodeFinding {
  const prefix = `${tree}${path.sep}`;
  const member = (r.filename.startsWith(prefix) ? r.filename.slice(prefix.length) : r.filename)
    .split(path.sep)
    .join('/');
  return {
    dist,
    location: `${member}:${r.line_number}`,
    member,
    line: r.line_number,
    test_id: r.test_id,
    test_name: r.test_name,
    severity: level(r.issue_severity),
    confidence: level(r.issue_confidence),
    text: r.issue_text,
    code: r.code,
    ...(r.more_info ? { more_info: r.more_info } : {}),
    ...(typeof r.issue_cwe?.id === 'number' ? { cwe: r.issue_cwe.id } : {}),
  };
}

/** `[tool.bandit]` of a pyproject.toml as a Bandit YAML config, or undefined when there is none. */
export function banditConfigFromPyproject(text: string): string | undefined {
  const doc = parseToml(text) as { tool?: { bandit?: unknown } };
  const table = doc.tool?.bandit;
  return table && typeof table === 'object' ? toYaml(table) : undefined;
}

/** Scan one dist. `dist` is the name shown in findings (the path as the user gave it). */
export async function scanDistCode(
  file: string,
  dist: string,
  options: CodeScanOptions,
): Promise<CodeScanResult> {
  const work = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'distseal-audit-'));
  options.onTempDir?.(work);
  try {
    const tree = path.join(work, 'tree');
    await mkdir(tree, { mode: 0o700 });
    const sources = await extractPythonSources(file, tree, options.limits);
    let config: string | undefined;
    let configMember: string | undefined;
    if (sources.pyproject) {
      try {
        const yaml = banditConfigFromPyproject(sources.pyproject.text);
        if (yaml) {
          config = path.join(work, 'bandit.yaml');
          await writeFile(config, yaml, { mode: 0o600 });
          configMember = sources.pyproject.member;
        }
      } catch (error) {
        options.logger?.warn(
          `${dist}: ${sources.pyproject.member} is not valid TOML (${(error as Error).message}); ` +
            'Bandit runs without its [tool.bandit].',
        );
      }
    }
    if (sources.files.length === 0)
      return { findings: [], errors: [], skipped: sources.skipped, files: 0, config: configMember };
    options.logger?.debug(
      `${dist}: Bandit scans ${sources.files.length} Python files` +
        (configMember ? ` with [tool.bandit] from ${configMember}` : ''),
    );
    const report = await runBandit(tree, { ...options, config });
    const prefix = `${tree}${path.sep}`;
    return {
      findings: report.results.map((r) => mapResult(dist, tree, r)),
      errors: report.errors.map((e) => ({
        member: e.filename.startsWith(prefix) ? e.filename.slice(prefix.length) : e.filename,
        reason: e.reason,
      })),
      skipped: sources.skipped,
      files: sources.files.length,
      config: configMember,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
