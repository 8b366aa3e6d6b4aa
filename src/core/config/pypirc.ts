/**
 * `.pypirc` read the way twine reads it (twine/utils.py::get_config; specs/pypi-upload.md §5):
 * an INI file parsed like Python's RawConfigParser (no `%` interpolation, `=` or `:`, `#`/`;`
 * comments, indented continuation lines, duplicate sections or keys are errors), `[distutils]
 * index-servers` defaulting to `pypi testpypi`, `[server-login]` as defaults for every section,
 * built-in URLs for pypi (always) and testpypi (when listed), and sections not listed in
 * index-servers ignored.
 */
import { InputError } from '../errors.js';

export const PYPI_UPLOAD_URL = 'https://upload.pypi.org/legacy/';
export const TESTPYPI_UPLOAD_URL = 'https://test.pypi.org/legacy/';

export type IniFile = Map<string, Map<string, string>>;

export interface RepositoryConfig {
  repository?: string;
  username?: string;
  password?: string;
  ca_cert?: string;
  client_cert?: string;
}

const KEYS = ['username', 'repository', 'password', 'ca_cert', 'client_cert'] as const;

/**
 * Parse INI text like RawConfigParser. Errors name the file and line but never quote a value
 * (a malformed line may hold a password; twine 6.2 hides details for the same reason).
 */
export function parseIni(text: string, file: string): IniFile {
  const sections: IniFile = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (n: number, what: string) =>
    new InputError('E_CONFIG', `${file} is malformed at line ${n + 1}: ${what}.`, {
      subject: file,
      hint: 'Fix the file (format: https://packaging.python.org/specifications/pypirc/) or point --config-file elsewhere.',
    });
  for (let n = 0; n < lines.length; n += 1) {
    const raw = lines[n]!;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (line === '') {
      lastKey = undefined;
      continue;
    }
    if (/^[#;]/.test(line)) continue;
    if (current && lastKey !== undefined && indent > lastIndent) {
      current.set(lastKey, `${current.get(lastKey)}\n${line}`.replace(/^\n/, ''));
      continue;
    }
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      const name = section[1]!;
      if (sections.has(name)) throw fail(n, `section [${name}] appears twice`);
      current = new Map();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    if (!current) throw fail(n, 'a setting comes before any [section] header');
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) throw fail(n, 'expected "key = value" or a [section] header');
    const key = kv[1]!.toLowerCase();
    if (current.has(key)) throw fail(n, `the key '${key}' appears twice in its section`);
    current.set(key, kv[2]!);
    lastKey = key;
    lastIndent = indent;
  }
  return sections;
}

/**
 * Every repository twine would know from this file, keyed by section name (twine's get_config).
 * `ini` undefined means "no file" (the default ~/.pypirc missing is fine).
 */
export function pypircRepositories(ini: IniFile | undefined): Map<string, RepositoryConfig> {
  const login = ini?.get('server-login');
  const defaults: RepositoryConfig = { username: login?.get('username'), password: login?.get('password') };
  const servers = (ini?.get('distutils')?.get('index-servers') ?? 'pypi testpypi')
    .split(/\s+/)
    .filter(Boolean);
  const out = new Map<string, RepositoryConfig>();
  const entry = (name: string) => {
    let e = out.get(name);
    if (!e) {
      e = { ...defaults };
      out.set(name, e);
    }
    return e;
  };
  entry('pypi').repository = PYPI_UPLOAD_URL;
  if (servers.includes('testpypi')) entry('testpypi').repository = TESTPYPI_UPLOAD_URL;
  for (const name of servers) {
    const section = ini?.get(name);
    const e = entry(name);
    for (const key of KEYS) {
      const value = section?.get(key);
      if (value !== undefined) e[key] = value;
    }
  }
  for (const e of out.values()) for (const key of KEYS) if (e[key] === undefined) delete e[key];
  return out;
}

/** The index-servers list of a file (for error messages). */
export function indexServers(ini: IniFile | undefined): string[] {
  return (ini?.get('distutils')?.get('index-servers') ?? 'pypi testpypi').split(/\s+/).filter(Boolean);
}
