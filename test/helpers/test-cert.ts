import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * A self-signed P-256 certificate made by openssl at test time (tests that call it are
 * peerTest(['openssl'])): `name.crt` and `name.key` in `dir`, valid for `san`. `pem` is where a
 * caller may write cert + key together (a --client-cert file).
 */
export function makeTestCert(
  dir: string,
  name = 'server',
  san = 'IP:127.0.0.1',
): { cert: string; key: string; pem: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key, pem: path.join(dir, `${name}.pem`) };
}
