/**
 * Reading what an index answered: the message (Warehouse puts it in the status line; HTTP/2 has
 * none, so the body counts too), "the file is already there" in all its spellings (in ONE place),
 * and redirects. specs/pypi-upload.md §2.
 */
import http from 'node:http';
import { HttpError } from '../../errors.js';
import type { HttpResponse } from '../../net/http.js';
import { maskUrl } from '../../net/http.js';

/** The server's own words: the reason phrase when it is not the standard one, plus the body's text. */
export function serverMessage(response: HttpResponse): string {
  const standard = http.STATUS_CODES[response.status];
  const reason = response.statusText.trim();
  const body = bodyText(response.body);
  const parts: string[] = [];
  if (reason && reason !== standard) parts.push(reason);
  if (body && !parts.some((p) => body.includes(p))) parts.push(body);
  else if (body && parts.length === 0) parts.push(body);
  return parts.join(' — ') || reason || standard || 'no reason given';
}

/** Visible text of an HTML error page (Pyramid, nginx) or the plain body, shortened. */
export function bodyText(body: string): string {
  const text = body
    .replace(/<head[\s\S]*?<\/head>/gi, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  // Pyramid repeats the status as a title ("400 Bad Request"); drop that echo.
  const cleaned = text
    .replace(/^(\d{3} [A-Za-z ]+?)\s+\1\s*/, '')
    .replace(/^\d{3} [A-Z][A-Za-z ]+?\s{1,}(?=[A-Z])/, '');
  return cleaned.length > 600 ? `${cleaned.slice(0, 600)}…` : cleaned;
}

/**
 * Does this response mean "this file is already on the index"? The one place index quirks live
 * (like twine's skip_upload before 6.2 removed the vendor checks, twine #1251):
 * - 409 Conflict: pypiserver ("Package 'x' already exists!"), devpi ("already exists in
 *   non-volatile index"), and any index that uses the status as meant;
 * - 400 with "already exist" in the reason or body: Warehouse ("File already exists"; the prefix
 *   is kept stable for twine, warehouse #3482), pypiserver since PR #662 when the User-Agent
 *   says twine, GCP Artifact Registry;
 * - 400 "updating asset": Nexus (the text depends on its database, twine #1044);
 * - 400 "already been taken": GitLab;
 * - 403 with "overwrite artifact" in the body: Artifactory (a 403 otherwise means bad credentials).
 */
export function meansAlreadyExists(response: HttpResponse): boolean {
  const text = `${response.statusText}\n${response.body}`.toLowerCase();
  switch (response.status) {
    case 409:
      return true;
    case 400:
      return (
        text.includes('already exist') ||
        text.includes('updating asset') ||
        text.includes('already been taken')
      );
    case 403:
      return text.includes('overwrite artifact');
    default:
      return false;
  }
}

/** The redirect error: never followed (a redirected POST loses its body and may leak credentials). */
export function redirectError(url: string, response: HttpResponse): HttpError {
  const location = String(response.headers.location ?? '');
  let target = location;
  try {
    target = new URL(location, url).toString();
  } catch {
    /* keep as given */
  }
  const masked = maskUrl(url);
  if (!url.endsWith('/') && target === `${url}/`) {
    return new HttpError(
      'E_REDIRECT',
      `${masked} answered ${response.status} redirecting to ${maskUrl(target)}: the URL needs a trailing slash.`,
      {
        status: response.status,
        url: masked,
        hint: `Use ${maskUrl(target)} as the repository URL (--repository-url or repository = in .pypirc) and try again.`,
      },
    );
  }
  return new HttpError(
    'E_REDIRECT',
    `${masked} answered ${response.status} redirecting to ${maskUrl(target) || 'nowhere'}; distseal does not follow redirects when uploading.`,
    {
      status: response.status,
      url: masked,
      hint: 'If you trust the new location, set it as the repository URL. An index should never redirect an upload.',
    },
  );
}

/** The error for a refused upload, with the server's words and what to do. */
export function refusedError(file: string, url: string, response: HttpResponse): HttpError {
  const masked = maskUrl(url);
  const message = serverMessage(response);
  const head = `Upload of ${file} to ${masked} failed: ${response.status} ${http.STATUS_CODES[response.status] ?? 'Unknown Status'}: ${message}`;
  let hint: string | undefined;
  if (response.status === 401 || response.status === 403) {
    hint =
      'Check the user name and token/password (for PyPI the user is __token__ and the password a pypi-... API token). Store one with `distseal login pypi`.';
  } else if (response.status === 409 || (response.status === 400 && /already exist/i.test(message))) {
    hint =
      'A file with this name but different content is already on the index; bump the version, or pass --skip-existing to leave it alone.';
  } else if (response.status === 400) {
    hint = 'The index refused the upload itself; fix what it names (often metadata) and rebuild.';
  } else if (response.status === 404 || response.status === 405) {
    hint = 'Is this an upload URL? PyPI uploads go to https://upload.pypi.org/legacy/.';
  } else if (response.status >= 500) {
    hint = 'The index failed; it may be down. Try again later.';
  }
  return new HttpError(response.status >= 500 ? 'E_SERVER' : 'E_REFUSED', head, {
    status: response.status,
    url: masked,
    subject: file,
    hint,
  });
}
