import path from 'node:path';
import type { SignatureReport, VerifyReport } from '../../core/verify/index.js';
import type { ManifestVerifyReport } from '../../core/verify/manifest.js';

/** Text rendering of verification reports (the JSON is the report objects themselves). */

function algo(s: SignatureReport): string {
  const key = s.keyAlgorithm
    ? `${s.keyAlgorithm}${s.keyCurve ? ` ${s.keyCurve}` : s.keyBits ? `-${s.keyBits}` : ''}`
    : undefined;
  return [key, s.hashAlgorithm].filter(Boolean).join(', ');
}

function validity(v: string | undefined): string {
  if (!v) return 'unknown';
  if (v === 'valid') return 'valid';
  return v
    .replace(/^E_KEY_/, '')
    .replace(/^E_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

/** Lines describing one signature. */
export function renderSignature(s: SignatureReport, brief = false): string[] {
  // A good verdict's message says what kind ("good text-mode signature by your own key").
  const head = s.verdict === 'good' ? s.reason.message : s.verdict === 'bad' ? 'BAD' : 'could not check';
  // With one signature the file's verdict line already carries the message: give only the code.
  const why =
    s.verdict === 'good' ? '' : brief ? ` (${s.reason.code})` : ` - ${s.reason.message} (${s.reason.code})`;
  const lines = [`  signature ${s.index + 1}: ${head}${why}`];
  if (s.primaryFingerprint) {
    lines.push(
      `    key       ${s.primaryFingerprint}${s.signingKeyFingerprint && s.signingKeyFingerprint !== s.primaryFingerprint ? ` (signing subkey ${s.signingKeyFingerprint})` : ''}${s.ownKey ? ' (your own key)' : ''}`,
    );
  } else if (s.keyID) {
    lines.push(`    key ID    ${s.keyID} (not in the keyring)`);
  }
  if (s.userID) lines.push(`    user ID   ${s.userID} (as claimed by the key)`);
  if (s.created) lines.push(`    made      ${s.created.replace('.000Z', 'Z')}`);
  const a = algo(s);
  if (a)
    lines.push(
      `    algorithm ${a}${s.signatureType && s.signatureType !== 'binary' ? `, ${s.signatureType} signature` : ''}`,
    );
  if (s.primaryFingerprint) {
    const expires =
      s.keyExpires === null
        ? 'never expires'
        : s.keyExpires
          ? `expires ${s.keyExpires.replace('.000Z', 'Z')}`
          : '';
    lines.push(
      `    validity  at signing: ${validity(s.validAtSigning)}; now: ${validity(s.validNow)}${expires ? `; ${expires}` : ''}`,
    );
  }
  for (const w of s.warnings) lines.push(`    warning:  ${w}`);
  if (s.verdict !== 'good' && s.reason.hint) lines.push(`    hint:     ${s.reason.hint}`);
  return lines;
}

/** The verdict line plus every signature. */
export function renderReport(r: VerifyReport, show: (f: string) => string): string[] {
  const required = r.threshold > 1 ? ` (${r.goodSignatures} of ${r.threshold} required)` : '';
  const head = r.verified
    ? `${show(r.file)}: VERIFIED${required} by ${path.basename(r.signatureFile)}`
    : `${show(r.file)}: FAILED - ${r.problems[0]?.message ?? 'no good signature'}${required}`;
  const lines = [head];
  for (const s of r.signatures) lines.push(...renderSignature(s, !r.verified && r.signatures.length === 1));
  for (const p of r.problems.slice(r.verified ? 0 : 1)) lines.push(`  problem: ${p.message}`);
  // The file's own problem's hint, unless a signature line below already gave that same hint.
  const hint = r.verified ? undefined : r.problems[0]?.hint;
  if (hint && !r.signatures.some((s) => s.verdict !== 'good' && s.reason.hint === hint))
    lines.push(`  hint: ${hint}`);
  return lines;
}

export function renderManifest(m: ManifestVerifyReport, show: (f: string) => string): string[] {
  const lines = renderReport(m.manifest, show);
  for (const e of m.entries)
    lines.push(
      `${show(e.file)}: ${e.status === 'ok' ? 'OK (sha256 matches the signed manifest)' : `FAILED - ${e.message ?? e.status}`}`,
    );
  if (m.manifest.verified && m.entries.length === 0) lines.push('FAILED - the manifest lists no files');
  return lines;
}

/** `-q`: one line per file, as `sha256sum -c` prints (`OK file` / `FAIL file: reason`). */
export function quietReport(r: VerifyReport, show: (f: string) => string): string {
  return r.verified
    ? `OK ${show(r.file)}`
    : `FAIL ${show(r.file)}: ${r.problems[0]?.message ?? 'no good signature'}`;
}

export function quietManifest(m: ManifestVerifyReport, show: (f: string) => string): string[] {
  const lines = [quietReport(m.manifest, show)];
  for (const e of m.entries)
    lines.push(e.status === 'ok' ? `OK ${show(e.file)}` : `FAIL ${show(e.file)}: ${e.message ?? e.status}`);
  return lines;
}
