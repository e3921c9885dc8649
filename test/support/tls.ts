/**
 * A self-signed certificate made at test time with the system's openssl (no key is ever committed).
 * One per process, cached; the files are removed right after they are read.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SelfSignedCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate for CN=localhost, SAN IP:127.0.0.1 and DNS:localhost; also its own CA. */
  cert: string;
}

let cached: SelfSignedCertificate | undefined;

export function selfSignedCertificate(): SelfSignedCertificate {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-api-request-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'pipe', timeout: 20000 });
    cached = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
    return cached;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
