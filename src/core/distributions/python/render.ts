/**
 * Does the description render on PyPI? `twine check` asks readme_renderer (the library Warehouse
 * renders with); so does distseal, through a Python that has it (Debian: python3-readme-renderer,
 * a dependency of twine). Without one, the report says the description was not render-checked
 * rather than pretending it passed (issue 15 item 2). Plain text is never rendered, as in twine.
 */
import { spawn } from 'node:child_process';

export type RenderOutcome =
  | { status: 'rendered' }
  | { status: 'failed'; warnings: string }
  | { status: 'plain' }
  | { status: 'not-checked'; reason: string };

export interface RenderOptions {
  /** Python interpreters to try, in order (default: python3 on PATH, then /usr/bin/python3). */
  pythons?: string[];
  timeoutMs?: number;
}

export const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'];
const MAX_OUTPUT = 256 * 1024;

// Reads {type, params, text} on stdin; prints {ok, warnings}; exit 3 when readme_renderer is missing.
const SCRIPT = `
import io, json, sys
req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
try:
    if req["type"] == "text/markdown":
        import readme_renderer.markdown as r
    else:
        import readme_renderer.rst as r
except ImportError:
    sys.exit(3)
stream = io.StringIO()
out = r.render(req["text"], stream=stream, **req["params"])
sys.stdout.write(json.dumps({"ok": out is not None, "warnings": stream.getvalue()}))
`;

/** The content type twine renders with: text/x-rst when none is given; params as readme_renderer takes them. */
export function renderTarget(contentType: string | undefined): {
  type: string;
  params: Record<string, string>;
} {
  const [type, ...rest] = (contentType ?? 'text/x-rst').split(';').map((s) => s.trim());
  const params: Record<string, string> = {};
  for (const p of rest) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k && v && k.toLowerCase() !== 'charset') params[k.toLowerCase()] = v;
  }
  return { type: (type || 'text/x-rst').toLowerCase(), params };
}

function runPython(
  python: string,
  input: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string } | undefined> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(python, ['-I', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      resolve(undefined);
      return;
    }
    let stdout = '';
    let stderr = '';
    const cap = (s: string, d: string) => (s.length < MAX_OUTPUT ? s + d : s);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = cap(stdout, d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = cap(stderr, d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Render `description` as PyPI would and say how it went. */
export async function renderDescription(
  description: string,
  contentType: string | undefined,
  options: RenderOptions = {},
): Promise<RenderOutcome> {
  const { type, params } = renderTarget(contentType);
  if (type === 'text/plain') return { status: 'plain' };
  if (type !== 'text/x-rst' && type !== 'text/markdown')
    return { status: 'not-checked', reason: `${type} is not a type PyPI renders` };
  const input = JSON.stringify({ type, params, text: description });
  for (const python of options.pythons ?? DEFAULT_PYTHONS) {
    const r = await runPython(python, input, options.timeoutMs ?? 30_000);
    if (!r || r.code === 3 || r.code === 127) continue;
    if (r.code !== 0) return { status: 'not-checked', reason: `${python} failed: ${lastLine(r.stderr)}` };
    try {
      const res = JSON.parse(r.stdout) as { ok: boolean; warnings: string };
      return res.ok ? { status: 'rendered' } : { status: 'failed', warnings: res.warnings.trim() };
    } catch {
      return { status: 'not-checked', reason: `${python} gave no answer` };
    }
  }
  return {
    status: 'not-checked',
    reason:
      'no Python with readme_renderer was found; install it (Debian: apt install python3-readme-renderer; else pip install readme_renderer) to check it as PyPI renders it',
  };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
