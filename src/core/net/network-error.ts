/**
 * What a failed request means: which errors are a broken connection that a retry may fix, and
 * the plain-words HttpError each network failure becomes (refused, unresolved, TLS, other).
 */
import { HttpError } from '../errors.js';

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'E_HTTP_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True for errors that mean "the connection broke", which a retry may fix. ECONNREFUSED is not one: the server is down. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof HttpError && error.cause !== undefined) return isTransientError(error.cause);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /socket hang up|ECONNRESET|EPIPE|timed out/i.test(message);
}

/** The reason a failed attempt gives in the "retry n of N" line. */
export function describeError(error: unknown): string {
  if (error instanceof HttpError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A network failure as an HttpError that says what happened and what to check. */
export function wrapNetworkError(error: unknown, maskedUrl: string): HttpError {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: string })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') {
    return new HttpError('E_NETWORK', `Cannot connect to ${maskedUrl}: connection refused.`, {
      cause: error,
      url: maskedUrl,
      hint: 'Is the server running and the URL right? Check --repository-url or the .pypirc section.',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HttpError('E_NETWORK', `Cannot resolve the host of ${maskedUrl}.`, {
      cause: error,
      url: maskedUrl,
      hint: 'Check the URL and your network or proxy settings.',
    });
  }
  if (/certificate|self.signed|CERT_|SSL|TLS/i.test(`${code ?? ''} ${message}`)) {
    return new HttpError('E_TLS', `TLS failure talking to ${maskedUrl}: ${message}`, {
      cause: error,
      url: maskedUrl,
      hint: "Pass the server's CA with --cert FILE (or ca_cert in .pypirc), or a client certificate with --client-cert.",
    });
  }
  return new HttpError('E_NETWORK', `Network error talking to ${maskedUrl}: ${message}`, {
    cause: error,
    url: maskedUrl,
  });
}
