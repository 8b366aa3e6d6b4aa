/**
 * Upload settings resolved the way twine resolves them (twine/settings.py, twine/utils.py,
 * twine/auth.py; specs/pypi-upload.md §5): `--repository-url` (or TWINE_REPOSITORY_URL) skips
 * .pypirc entirely and may embed user:pass@; otherwise `-r NAME` (or TWINE_REPOSITORY, default
 * `pypi`) names a .pypirc section. PyPI hosts are forced to https; the retired pypi.python.org
 * hosts are refused. Credentials come from flag/env, then .pypirc, then the OS keychain
 * (service = the resolved URL, account = the user name), then a prompt when interactive.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, InputError, UsageError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { maskUrl } from '../net/http.js';
import { indexServers, parseIni, pypircRepositories, type IniFile } from './pypirc.js';

/** A value and where it came from (for --verbose and --dry-run; never log the value of a secret). */
export interface Sourced {
  value: string;
  source: string;
}

export interface RepositoryInput {
  /** `-r NAME` or TWINE_REPOSITORY (with its source). */
  repository?: Sourced;
  /** `--repository-url URL` or TWINE_REPOSITORY_URL. */
  repositoryUrl?: Sourced;
  /** `--config-file FILE` (relative to cwd); default `<userHome>/.pypirc`. */
  configFile?: string;
  userHome: string;
  cwd: string;
  /** `--cert` / TWINE_CERT; wins over the section's ca_cert. */
  cert?: string;
  /** `--client-cert`; wins over the section's client_cert. */
  clientCert?: string;
}

export interface ResolvedRepository {
  /** The .pypirc section used, if any. */
  name?: string;
  /** The upload URL with any user:pass@ removed. */
  url: string;
  /** Credentials found in .pypirc or embedded in the URL, with their source. */
  username?: Sourced;
  password?: Sourced;
  caCert?: string;
  clientCert?: string;
  /** The .pypirc file read, when one was. */
  configFile?: string;
  /** True for upload.pypi.org / test.pypi.org (token auth, no signatures, JSON pre-check). */
  isPyPI: boolean;
}

const FORCE_HTTPS = new Set(['pypi.python.org', 'testpypi.python.org', 'upload.pypi.org', 'test.pypi.org']);
const RETIRED = new Set(['pypi.python.org', 'testpypi.python.org']);
const PYPI_HOSTS = new Set(['upload.pypi.org', 'test.pypi.org', 'upload.pypi.io']);

/** True when `url` is PyPI or TestPyPI (where `__token__` is the default user and signatures are discarded). */
export function isPyPIUrl(url: string): boolean {
  try {
    return PYPI_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** twine's normalize_repository_url plus its checks: http(s) with a host, https for PyPI, not the retired hosts. */
export function normalizeRepositoryUrl(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`The repository URL from ${origin} is not a valid URL: ${maskUrl(url)}.`, {
      hint: 'Use a full URL such as https://upload.pypi.org/legacy/.',
    });
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
    throw new UsageError(`The repository URL from ${origin} must be http(s) with a host: ${maskUrl(url)}.`);
  }
  if (RETIRED.has(parsed.hostname)) {
    throw new UsageError(`${parsed.hostname} no longer accepts uploads (from ${origin}).`, {
      hint: 'Use https://upload.pypi.org/legacy/ (PyPI) or https://test.pypi.org/legacy/ (TestPyPI), or drop the repository setting.',
    });
  }
  if (FORCE_HTTPS.has(parsed.hostname)) parsed.protocol = 'https:';
  return parsed.toString();
}

/** Resolve the repository URL, section and non-secret settings. Reads .pypirc unless a URL was given. */
export async function resolveRepository(input: RepositoryInput): Promise<ResolvedRepository> {
  if (input.repositoryUrl) return fromUrl(input);
  const explicit = input.configFile !== undefined;
  const file = path.resolve(input.cwd, input.configFile ?? path.join(input.userHome, '.pypirc'));
  let ini: IniFile | undefined;
  try {
    ini = parseIni(await readFile(file, 'utf8'), file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      if (explicit) {
        throw new InputError('E_CONFIG', `The config file ${file} does not exist.`, {
          subject: file,
          hint: 'Check the --config-file path.',
        });
      }
    } else if (error instanceof InputError) {
      throw error;
    } else {
      throw wrapFsError(error, file, 'read');
    }
  }
  const name = input.repository?.value ?? 'pypi';
  const config = pypircRepositories(ini).get(name);
  const where = ini ? file : `${file} (not found)`;
  if (!config) {
    throw new InputError('E_CONFIG', `Missing '${name}' section from ${where}.`, {
      subject: file,
      hint:
        ini && ini.has(name) && !indexServers(ini).includes(name)
          ? `The section exists but is not listed in [distutils] index-servers; add '${name}' there.`
          : `Add a [${name}] section with repository = URL (and list it in [distutils] index-servers), or pass --repository-url URL. See https://packaging.python.org/specifications/pypirc/`,
    });
  }
  if (!config.repository) {
    throw new InputError('E_CONFIG', `The [${name}] section of ${file} has no 'repository' URL.`, {
      subject: file,
      hint: `Add repository = https://host/path/ to [${name}].`,
    });
  }
  const url = normalizeRepositoryUrl(config.repository, `[${name}] in ${where}`);
  const source = `${path.basename(file)} [${name}]`;
  return {
    name,
    url,
    username: config.username ? { value: config.username, source } : undefined,
    password: config.password ? { value: config.password, source } : undefined,
    caCert: input.cert ?? (config.ca_cert ? path.resolve(path.dirname(file), config.ca_cert) : undefined),
    clientCert:
      input.clientCert ??
      (config.client_cert ? path.resolve(path.dirname(file), config.client_cert) : undefined),
    configFile: ini ? file : undefined,
    isPyPI: isPyPIUrl(url),
  };
}

function fromUrl(input: RepositoryInput): ResolvedRepository {
  const given = input.repositoryUrl!;
  const url = new URL(normalizeRepositoryUrl(given.value, given.source));
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  const clean = url.toString();
  return {
    url: clean,
    username: username ? { value: username, source: `the user name in ${given.source}` } : undefined,
    password: password ? { value: password, source: `the password in ${given.source}` } : undefined,
    caCert: input.cert,
    clientCert: input.clientCert,
    isPyPI: isPyPIUrl(clean),
  };
}
