/**
 * PyPI Trusted Publishing from GitHub Actions (specs/pypi-upload.md §1 "Auth", twine/auth.py):
 * ask the index for the OIDC audience (`GET /_/oidc/audience`), get an OIDC token for it from
 * the runner (`ACTIONS_ID_TOKEN_REQUEST_URL` with `&audience=`, bearer
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, which the CLI reads and passes in), and exchange it at
 * `POST /_/oidc/mint-token` for a short-lived API token used as the password of `__token__`.
 */
import { HttpError } from '../errors.js';
import { requestWithRetry } from '../net/http.js';
import type { ProxyConfig } from '../net/proxy.js';

export interface TrustedPublishingOptions {
  /** The upload URL of the index (pypi.org's is upload.pypi.org/legacy/). */
  uploadUrl: string;
  /** From ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestUrl: string;
  requestToken: string;
  /** HTTP(S)_PROXY / NO_PROXY for the three requests. */
  proxy?: ProxyConfig;
}

/** Where the index's OIDC endpoints are: pypi.org for upload.pypi.org, else the upload URL's origin. */
export function oidcBaseFor(uploadUrl: string): string {
  const u = new URL(uploadUrl);
  if (u.hostname === 'upload.pypi.org') return 'https://pypi.org';
  return u.origin;
}

interface JsonCall {
  method: string;
  url: string;
  /** What the request is, for retry and error messages. */
  what: string;
  headers: Record<string, string>;
  body?: string;
}

async function getJson(call: JsonCall, proxy: ProxyConfig | undefined) {
  const { body } = call;
  const res = await requestWithRetry(
    {
      method: call.method,
      url: call.url,
      headers: { accept: 'application/json', ...call.headers },
      body: body === undefined ? undefined : () => body,
      proxy,
    },
    { retries: 2, describe: call.what },
  );
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    /* an HTML error page: the status says enough */
  }
  return { status: res.status, data };
}

/** A short-lived upload token for `__token__`, minted from the runner's OIDC identity. */
export async function mintTrustedPublishingToken(options: TrustedPublishingOptions): Promise<string> {
  const base = oidcBaseFor(options.uploadUrl);
  const aud = await getJson(
    { method: 'GET', url: `${base}/_/oidc/audience`, what: 'the OIDC audience request', headers: {} },
    options.proxy,
  );
  if (aud.status !== 200 || typeof aud.data.audience !== 'string')
    throw new HttpError(
      'E_TRUSTED_PUBLISHING',
      `${base} does not offer Trusted Publishing (audience: ${aud.status}).`,
      {
        status: aud.status,
        hint: 'Use an API token (TWINE_PASSWORD) for this index instead.',
      },
    );
  const sep = options.requestUrl.includes('?') ? '&' : '?';
  const oidc = await getJson(
    {
      method: 'GET',
      url: `${options.requestUrl}${sep}audience=${encodeURIComponent(aud.data.audience)}`,
      what: 'the GitHub Actions OIDC token request',
      headers: { authorization: `bearer ${options.requestToken}` },
    },
    options.proxy,
  );
  if (oidc.status !== 200 || typeof oidc.data.value !== 'string')
    throw new HttpError('E_TRUSTED_PUBLISHING', `GitHub Actions gave no OIDC token (${oidc.status}).`, {
      status: oidc.status,
      hint: 'Give the job `permissions: id-token: write`.',
    });
  const mint = await getJson(
    {
      method: 'POST',
      url: `${base}/_/oidc/mint-token`,
      what: 'the Trusted Publishing token exchange',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: oidc.data.value }),
    },
    options.proxy,
  );
  if (mint.status !== 200 || typeof mint.data.token !== 'string') {
    const errors = Array.isArray(mint.data.errors)
      ? (mint.data.errors as Array<{ code?: string; description?: string }>)
          .map((e) => e.description ?? e.code)
          .join('; ')
      : String(mint.data.message ?? '');
    throw new HttpError(
      'E_TRUSTED_PUBLISHING',
      `${base} refused the Trusted Publishing exchange (${mint.status}${errors ? `: ${errors}` : ''}).`,
      {
        status: mint.status,
        hint: 'Check the trusted publisher configured for the project on the index (repository, workflow file, environment).',
      },
    );
  }
  return mint.data.token;
}
