/**
 * Core metadata (METADATA / PKG-INFO) parsing: RFC 822 style headers, folded continuation
 * lines, the message body as the description (2.1+; earlier files put it in a Description
 * header), multi-valued fields collected in order. Unknown headers are kept so `check` can report
 * them; nothing is validated here (see validate.ts).
 */
import { fieldForHeader, type MetadataKey } from './fields.js';

export interface CoreMetadata {
  /** Single-valued fields as strings, multi-valued ones as arrays, in file order. */
  fields: Partial<Record<MetadataKey, string | string[]>>;
  /** Headers distseal does not know, as written. */
  unknown: string[];
  /** A single-valued field given more than once (the first value is kept). */
  duplicates: string[];
  /** Where the description came from. */
  descriptionSource?: 'header' | 'body';
}

/** A single-valued field as a string (undefined when absent). */
export function field(meta: CoreMetadata, key: MetadataKey): string | undefined {
  const v = meta.fields[key];
  return Array.isArray(v) ? v[0] : v;
}

/** A multi-valued field as an array (empty when absent). */
export function fieldList(meta: CoreMetadata, key: MetadataKey): string[] {
  const v = meta.fields[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Parse the text of a METADATA or PKG-INFO file. Lenient like packaging's parse_email: it never
 * throws; absent required fields are for the validator to report.
 */
export function parseCoreMetadata(text: string): CoreMetadata {
  const meta: CoreMetadata = { fields: {}, unknown: [], duplicates: [] };
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalized.split('\n');
  let i = 0;
  const headers: Array<{ name: string; value: string }> = [];
  for (; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') {
      i += 1;
      break;
    }
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]!.value += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header line; RFC 822 parsers drop it too
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/^[ \t]+/, '') });
  }
  for (const { name, value } of headers) {
    const spec = fieldForHeader(name);
    if (!spec) {
      meta.unknown.push(name);
      continue;
    }
    const clean = spec.key === 'description' ? unfoldDescription(value) : unfold(value);
    if (spec.multi) {
      const list = (meta.fields[spec.key] as string[] | undefined) ?? [];
      list.push(clean);
      meta.fields[spec.key] = list;
    } else if (meta.fields[spec.key] !== undefined) {
      meta.duplicates.push(spec.header);
    } else {
      meta.fields[spec.key] = clean;
      if (spec.key === 'description') meta.descriptionSource = 'header';
    }
  }
  const body = lines.slice(i).join('\n');
  if (i < lines.length && body.trim() !== '') {
    // The body is the description (Metadata 2.1+). A file with both keeps the header's value
    // and notes the duplicate, as packaging does.
    if (meta.fields.description === undefined) {
      meta.fields.description = body; // verbatim, as packaging and pkginfo keep it
      meta.descriptionSource = 'body';
    } else {
      meta.duplicates.push('Description');
    }
  }
  return meta;
}

/** Join folded lines of an ordinary header: each fold becomes one space. */
function unfold(value: string): string {
  return value
    .split('\n')
    .map((l, n) => (n === 0 ? l : l.replace(/^[ \t]+/, ' ')))
    .join('')
    .trim();
}

/**
 * A folded Description header keeps its line breaks. setuptools writes continuation lines as
 * 7 spaces + `|` (or 8 spaces); strip that prefix like pkginfo and packaging do.
 */
function unfoldDescription(value: string): string {
  const lines = value.split('\n');
  const rest = lines.slice(1).map((l) => {
    const m = /^ {7}\|(.*)$/.exec(l) ?? /^ {8}(.*)$/.exec(l) ?? /^[ \t](.*)$/.exec(l);
    return m ? m[1]! : l;
  });
  return [lines[0]!, ...rest].join('\n').replace(/\s+$/, '');
}
