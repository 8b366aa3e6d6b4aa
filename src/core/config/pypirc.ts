/**
 * `.pypirc` read the way twine reads it (twine/utils.py::get_config; specs/pypi-upload.md §5):
 * an INI file parsed exactly like Python's RawConfigParser (see parseIni), `[distutils]
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

/** RawConfigParser's default section: its keys are defaults for every other section. */
export const DEFAULT_SECTION = 'DEFAULT';

/**
 * Parse INI text exactly as Python's `configparser.RawConfigParser()` with its defaults reads it
 * (Lib/configparser.py `_read`; differential test: test/config/pypirc-python.test.ts):
 * - lines end at \n, \r\n or \r (Python's universal newlines); a UTF-8 BOM is not skipped;
 * - a line whose stripped text starts with `#` or `;` is a comment, wherever it is (also inside
 *   a multi-line value, which it does not end); there are no inline comments;
 * - a line indented deeper than the line that started the current option continues its value,
 *   even when it looks like a header; a blank line inside a value is kept, trailing ones are not;
 * - `[name]` starts a section (the name is everything up to the LAST `]`, the rest of the line is
 *   ignored); `[DEFAULT]` holds defaults for every section and may appear more than once;
 * - `key = value` or `key : value` splits at the first `=` or `:`, keys are lowercased, keys and
 *   values stripped; a line without a delimiter, an empty key, a setting before any section, a
 *   section or a key repeated (within a section) are errors; no `%` interpolation.
 * Errors name the file and line but never quote a value (a malformed line may hold a password;
 * twine 6.2 hides details for the same reason).
 */
export function parseIni(text: string, file: string): IniFile {
  const sections: IniFile = new Map();
  const values = new Map<Map<string, string>, Map<string, string[]>>();
  const added = new Set<string>();
  let current: Map<string, string[]> | undefined;
  let sectionName = '';
  let option: string | undefined;
  let indentLevel = 0;
  let firstError: InputError | undefined;
  const fail = (n: number, what: string) =>
    new InputError('E_CONFIG', `${file} is malformed at line ${n + 1}: ${what}.`, {
      subject: file,
      hint: 'Fix the file (format: https://packaging.python.org/specifications/pypirc/) or point --config-file elsewhere.',
    });
  const open = (name: string): Map<string, string[]> => {
    let section = sections.get(name);
    if (!section) {
      section = new Map();
      sections.set(name, section);
      values.set(section, new Map());
    }
    return values.get(section)!;
  };
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  for (let n = 0; n < lines.length; n += 1) {
    const raw = lines[n]!;
    const value = pyStrip(raw);
    const comment = value.startsWith('#') || value.startsWith(';');
    if (value === '' || comment) {
      // A blank line may belong to a multi-line value; a comment line never does.
      if (!comment && current && option !== undefined) current.get(option)!.push('');
      continue;
    }
    const indent = raw.length - raw.replace(PY_SPACE_START, '').length;
    if (current && option !== undefined && indent > indentLevel) {
      current.get(option)!.push(value);
      continue;
    }
    indentLevel = indent;
    const header = /^\[(.+)\]/su.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (sectionName !== DEFAULT_SECTION && added.has(`[${sectionName}`))
        throw fail(n, `section [${sectionName}] appears twice`);
      added.add(`[${sectionName}`);
      current = open(sectionName);
      option = undefined;
      continue;
    }
    if (!current) {
      throw fail(
        n,
        n === 0 && value.startsWith('\uFEFF')
          ? 'the file starts with a byte order mark (BOM), which Python does not skip; save it as UTF-8 without BOM'
          : 'a setting comes before any [section] header',
      );
    }
    const kv = /^(.*?)\s*([=:])\s*(.*)$/su.exec(value);
    if (!kv || kv[1] === '') {
      // Python collects these and raises once the whole file is read; the first one is reported.
      firstError ??= fail(
        n,
        kv ? 'a setting has no name before its "=" or ":"' : 'expected "key = value" or a [section] header',
      );
      if (!kv) continue;
    }
    option = pyStrip(kv[1]!, 'end').toLowerCase();
    if (added.has(`${sectionName}\u0000${option}`))
      throw fail(n, `the key '${option}' appears twice in its section`);
    added.add(`${sectionName}\u0000${option}`);
    current.set(option, [pyStrip(kv[3]!)]);
  }
  if (firstError) throw firstError;
  for (const section of sections.values()) {
    for (const [key, list] of values.get(section)!) section.set(key, pyStrip(list.join('\n'), 'end'));
  }
  return sections;
}

/** Python's whitespace (str.isspace): JS's \s without U+FEFF, plus U+001C-U+001F and U+0085. */
const PY_SPACE =
  '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_SPACE_START = new RegExp(`^${PY_SPACE}+`);
const PY_SPACE_END = new RegExp(`${PY_SPACE}+$`);

/** Python's str.strip() (or rstrip() with 'end') with no argument. */
function pyStrip(text: string, side: 'both' | 'end' = 'both'): string {
  const trimmed = text.replace(PY_SPACE_END, '');
  return side === 'end' ? trimmed : trimmed.replace(PY_SPACE_START, '');
}

/**
 * The value of `key` in `section` as RawConfigParser.get() would give it: the section's own
 * value, else the [DEFAULT] one; undefined when the section does not exist.
 */
export function iniGet(ini: IniFile | undefined, section: string, key: string): string | undefined {
  if (!ini) return undefined;
  const defaults = ini.get(DEFAULT_SECTION);
  if (section === DEFAULT_SECTION) return defaults?.get(key);
  const own = ini.get(section);
  return own ? (own.get(key) ?? defaults?.get(key)) : undefined;
}

/**
 * Every repository twine would know from this file, keyed by section name (twine's get_config).
 * `ini` undefined means "no file" (the default ~/.pypirc missing is fine).
 */
export function pypircRepositories(ini: IniFile | undefined): Map<string, RepositoryConfig> {
  const defaults: RepositoryConfig = {
    username: iniGet(ini, 'server-login', 'username'),
    password: iniGet(ini, 'server-login', 'password'),
  };
  const servers = indexServers(ini);
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
    const e = entry(name);
    for (const key of KEYS) {
      const value = iniGet(ini, name, key);
      if (value !== undefined) e[key] = value;
    }
  }
  for (const e of out.values()) for (const key of KEYS) if (e[key] === undefined) delete e[key];
  return out;
}

/** The index-servers list of a file: `[distutils] index-servers` split at whitespace, as twine does. */
export function indexServers(ini: IniFile | undefined): string[] {
  return (iniGet(ini, 'distutils', 'index-servers') ?? 'pypi testpypi')
    .split(new RegExp(`${PY_SPACE}+`))
    .filter(Boolean);
}
