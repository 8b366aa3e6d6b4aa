import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SECTION, parseIni, pypircRepositories, type IniFile } from '../../src/core/config/pypirc.js';
import { peerTest } from '../helpers/peers.js';

/**
 * Differential test: every file below is read by Debian's python3 as twine reads a .pypirc
 * (RawConfigParser, open(path, encoding="utf-8"), then twine's get_config rules) and by distseal;
 * both must give the same sections, [DEFAULT] values and repositories, or both must refuse it.
 */
const python = peerTest(['/usr/bin/python3']);

// Our own transcription of twine.utils.get_config's rules; prints one JSON result per file.
const READER = String.raw`
import configparser, json, sys
out = []
for path in sys.argv[1:]:
    parser = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except Exception as error:
        out.append({"ok": False, "error": type(error).__name__})
        continue
    sections = {s: {k: parser.get(s, k) for k in parser.options(s)} for s in parser.sections()}
    login = {k: parser.get("server-login", k, fallback=None) for k in ("username", "password")}
    servers = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    repos = {"pypi": dict(login, repository="https://upload.pypi.org/legacy/")}
    if "testpypi" in servers:
        repos["testpypi"] = dict(login, repository="https://test.pypi.org/legacy/")
    for name in servers:
        repo = repos.setdefault(name, dict(login))
        for key in ("username", "repository", "password", "ca_cert", "client_cert"):
            if parser.has_option(name, key):
                repo[key] = parser.get(name, key)
    repos = {n: {k: v for k, v in r.items() if v is not None} for n, r in repos.items()}
    out.append({"ok": True, "sections": sections, "defaults": dict(parser.defaults()), "repos": repos})
print(json.dumps(out))
`;

const CORPUS: Array<[string, string]> = [
  [
    'twine docs example',
    '[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n[pypi]\nusername = __token__\npassword = pypi-AgEI\n\n[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\n',
  ],
  [
    'a blank line inside index-servers',
    '[distutils]\nindex-servers =\n    pypi\n\n    private\n\n[private]\nrepository = https://example.org/simple/\nusername = me\n',
  ],
  [
    'blank lines at the end of a multi-line value',
    '[distutils]\nindex-servers =\n  a\n  b\n\n\n\n[a]\nusername = x\n',
  ],
  [
    'tabs as continuation indent',
    '[distutils]\nindex-servers =\n\tpypi\n\tcorp\n[corp]\nrepository=https://corp.example/\n',
  ],
  [
    'comments with # and ;, indented too',
    '# top\n; also top\n[pypi]\n  # indented comment\nusername = u\n; password = not-this\n',
  ],
  [
    'a comment line inside a multi-line value neither ends it nor joins it',
    '[distutils]\nindex-servers =\n    a\n    # b is off\n    c\n[a]\nusername = 1\n[c]\nusername = 3\n',
  ],
  ['no inline comments: ; and # stay in values', '[pypi]\npassword = abc ; def # ghi\nusername=me;you\n'],
  [
    'colon delimiter and no spaces',
    '[pypi]\nusername: me\npassword:secret\nrepository=https://x.example/legacy/\n',
  ],
  ['the first delimiter splits', '[pypi]\nrepository: https://h.example/a=b\npassword = a=b:c\n'],
  ['empty values', '[pypi]\nusername =\npassword:\n'],
  ['%(..)s is not interpolated', '[server-login]\nusername = bob\n[pypi]\npassword = %(username)s-%%\n'],
  ['keys are lowercased, values keep their case', '[pypi]\nUserName = MixedCase\nPASSWORD = Secret\n'],
  [
    'section names keep their case',
    '[distutils]\nindex-servers = PyPI pypi\n[PyPI]\nusername = upper\n[pypi]\nusername = lower\n',
  ],
  ['a repeated section is an error', '[pypi]\nusername = a\n[pypi]\npassword = b\n'],
  ['a repeated key is an error', '[pypi]\nusername = a\nusername = b\n'],
  ['a key repeated in another case is an error', '[pypi]\nUsername = a\nusername = b\n'],
  [
    '[DEFAULT] gives every section its values',
    '[DEFAULT]\nusername = everyone\n[pypi]\npassword = p\n[distutils]\nindex-servers = pypi other\n[other]\n',
  ],
  ['[DEFAULT] twice is merged', '[DEFAULT]\nusername = u\n[pypi]\n[DEFAULT]\npassword = p\n'],
  ['[DEFAULT] twice with the same key is an error', '[DEFAULT]\nusername = u\n[DEFAULT]\nusername = v\n'],
  [
    '[DEFAULT] without the section asked for gives nothing',
    '[DEFAULT]\nusername = u\nindex-servers = nope\n',
  ],
  ['a setting before any section', 'username = x\n[pypi]\n'],
  ['a line without a delimiter', '[pypi]\nusername = x\njust words\n'],
  ['an empty key', '[pypi]\n= value\n'],
  ['text after a section header is ignored', '[pypi] ; a comment\nusername = x\n[odd]] tail\nusername = y\n'],
  ['an empty header is not a header', '[pypi]\n[]\n'],
  [
    'spaces inside the brackets are kept',
    '[distutils]\nindex-servers = spaced\n[ spaced ]\nusername = x\n[spaced]\nusername = y\n',
  ],
  [
    'an indented header after an option continues the value',
    '[pypi]\nusername = x\n  [testpypi]\npassword = p\n',
  ],
  ['an indented header right after a header is a header', '[pypi]\n  [testpypi]\n  username = t\n'],
  [
    'an indented option: its continuation must be indented deeper',
    '[pypi]\n  username = a\n  password = b\n    more\n',
  ],
  ['keys with inner spaces', '[pypi]\nuser name = x\nca_cert = /etc/ssl/ca.pem\nclient_cert=/k.pem\n'],
  [
    'CRLF line ends',
    '[distutils]\r\nindex-servers =\r\n    pypi\r\n\r\n    corp\r\n[corp]\r\nusername = c\r\n',
  ],
  ['lone CR line ends', '[pypi]\rusername = cr\rpassword = x\r'],
  ['a UTF-8 byte order mark', '\uFEFF[pypi]\nusername = bom\n'],
  ['tabs and spaces around delimiters and values', '[pypi]\n\tusername \t=\t spaced value \t\n'],
  ['an empty file', ''],
  ['only comments and blank lines', '# nothing\n\n; here\n'],
  [
    'index-servers on one line, mixed whitespace',
    '[distutils]\nindex-servers =  a \t b   c\n[b]\nusername = bee\n',
  ],
  [
    'a section not in index-servers is ignored',
    '[distutils]\nindex-servers = pypi\n[private]\nusername = p\n',
  ],
  [
    'server-login defaults for every listed server',
    '[server-login]\nusername = sl\npassword = slp\n[distutils]\nindex-servers = pypi x\n[x]\nusername = own\n',
  ],
  ['no-break space indents a continuation', '[distutils]\nindex-servers =\n\u00a0a\n\u00a0b\n'],
  ['continuation after a bad line joins the last good option', '[pypi]\nusername = a\nbad line\n  more\n'],
  ['a non-ASCII value', '[pypi]\nusername = żółw\npassword = ключ\n'],
  ['a final line without a newline', '[pypi]\nusername = last'],
];

type Result =
  | { ok: false; error: string }
  | {
      ok: true;
      sections: Record<string, Record<string, string>>;
      defaults: Record<string, string>;
      repos: Record<string, Record<string, string>>;
    };

function ours(text: string): Result {
  let ini: IniFile;
  try {
    ini = parseIni(text, 'corpus');
  } catch (error) {
    return { ok: false, error: (error as Error).name };
  }
  const defaults = Object.fromEntries(ini.get(DEFAULT_SECTION) ?? []);
  const sections = Object.fromEntries(
    [...ini]
      .filter(([name]) => name !== DEFAULT_SECTION)
      .map(([name, keys]) => [name, { ...defaults, ...Object.fromEntries(keys) }]),
  );
  const repos = Object.fromEntries(
    [...pypircRepositories(ini)].map(([name, config]) => [name, { ...config } as Record<string, string>]),
  );
  return { ok: true, sections, defaults, repos };
}

python('.pypirc files are read exactly as Python configparser + twine read them', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-pypirc-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const files: string[] = [];
  for (const [i, [, text]] of CORPUS.entries()) {
    const file = path.join(dir, `${i}.pypirc`);
    await fs.writeFile(file, text);
    files.push(file);
  }
  const theirs = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', READER, ...files], { encoding: 'utf8' }),
  ) as Result[];
  t.is(theirs.length, CORPUS.length);
  for (const [i, [title, text]] of CORPUS.entries()) {
    const mine = ours(text);
    const py = theirs[i]!;
    if (!py.ok) t.false(mine.ok, `${title}: Python refuses it (${py.error}), distseal must too`);
    else t.deepEqual(mine, py, title);
  }
  t.true(theirs.filter((r) => r.ok).length >= 25, 'most of the corpus is valid');
  t.true(theirs.filter((r) => !r.ok).length >= 6, 'the corpus holds files Python refuses');
});
