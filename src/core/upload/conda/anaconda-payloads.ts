import type { CondaArtifact } from './artifacts.js';

/**
 * The JSON bodies anaconda-client sends (binstar_client/commands/upload.py and
 * inspect_package/conda.py, specs/conda.md section 2). Kept in one place so the fake server's
 * checks and these stay easy to compare.
 */

const ABOUT_KEYS = ['home', 'dev_url', 'doc_url', 'source_git_url', 'source_git_tag', 'license_url'] as const;

function summaryOf(a: CondaArtifact): string {
  if (a.kind === 'signature') return `OpenPGP signatures (.asc) for the conda package ${a.index.name}`;
  const summary = a.about.summary;
  return typeof summary === 'string' && summary ? summary : `The conda package ${a.index.name}`;
}

function licenseOf(a: CondaArtifact): { name: unknown; url: unknown; family: unknown } {
  return {
    name: a.about.license ?? a.index.license ?? null,
    url: a.about.license_url ?? null,
    family: a.about.license_family ?? a.index.license_family ?? null,
  };
}

/** Step 4: POST /package/<owner>/<name> when the package does not exist yet. */
export function createdPayload(a: CondaArtifact, isPublic: boolean): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  if (a.kind === 'conda')
    for (const key of ABOUT_KEYS) if (a.about[key] !== undefined) attrs[key] = a.about[key];
  return {
    public: isPublic,
    publish: false,
    public_attrs: {
      ...attrs,
      summary: summaryOf(a),
      license: licenseOf(a),
      package_types: [a.kind === 'conda' ? 'conda' : 'file'],
    },
  };
}

/** Step 5: POST /release/<owner>/<name>/<version> when the release does not exist yet. */
export function releasePayload(a: CondaArtifact): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  if (a.kind === 'conda')
    for (const key of ABOUT_KEYS) if (a.about[key] !== undefined) attrs[key] = a.about[key];
  return {
    requirements: [],
    announce: null,
    description: null,
    ...attrs,
    ...(a.kind === 'conda' ? { license: licenseOf(a) } : {}),
  };
}

/** One MatchSpec string split the way anaconda-client's parser does: `name [op version]`. */
export function dependencyOf(spec: string): { name: string; specs: Array<[string, string]> } {
  const [name = spec, rest = ''] = spec.trim().split(/\s+/, 2);
  if (!rest) return { name, specs: [] };
  const specs = rest.split(',').map((part): [string, string] => {
    const m = /^(==|>=|<=|!=|~=|>|<|=)?(.*)$/.exec(part)!;
    return [m[1] ?? '==', m[2] ?? ''];
  });
  return { name, specs };
}

/** Step 6: POST /stage/<owner>/<name>/<version>/<basename>. */
export function stagePayload(a: CondaArtifact, labels: string[]): Record<string, unknown> {
  if (a.kind === 'signature') {
    return {
      distribution_type: 'file',
      description: `OpenPGP signature of ${a.filename.slice(0, -4)}`,
      attrs: {},
      dependencies: {},
      channels: labels,
      sha256: a.digests.sha256,
    };
  }
  const { name: _name, version: _version, ...rest } = a.index;
  const platform = typeof a.index.platform === 'string' ? a.index.platform : null;
  const arch = typeof a.index.arch === 'string' ? a.index.arch : null;
  return {
    distribution_type: 'conda',
    description: typeof a.about.description === 'string' ? a.about.description : null,
    attrs: {
      operatingsystem: platform,
      machine: arch,
      'target-triplet': `${arch ?? 'any'}-${platform ?? 'any'}-any`,
      has_prefix: false,
      ...rest,
      subdir: a.subdir,
    },
    dependencies: { depends: (a.index.depends ?? []).map(dependencyOf) },
    channels: labels,
    sha256: a.digests.sha256,
  };
}
