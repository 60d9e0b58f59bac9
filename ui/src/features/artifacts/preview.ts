// How an artifact is previewed, decided from its name (tested in preview.test.ts).

export type PreviewKind = 'image' | 'html' | 'json' | 'csv' | 'tsv' | 'text' | 'none';

const IMAGE = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'svg', 'webp', 'ico'];
const TEXT = [
  'txt', 'log', 'md', 'markdown', 'py', 'ipynb', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'sh', 'r', 'sql', 'xml',
  'js', 'ts', 'java', 'scala', 'c', 'cpp', 'h', 'cs', 'go', 'rs', 'properties', 'requirements', 'lock', 'jsonl', 'err', 'out',
];
/** Files MLflow writes without an extension that are text (MLmodel is YAML). */
const TEXT_NAMES = ['MLmodel', 'MLproject', 'Dockerfile', 'LICENSE', 'README', 'requirements.txt', 'conda.yaml', 'python_env.yaml'];

/** Text previews stop here; bigger files are downloaded. */
export const MAX_PREVIEW_BYTES = 5 * 1024 * 1024;

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? '';
  if (TEXT_NAMES.includes(name)) return 'text';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (IMAGE.includes(ext)) return 'image';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'json' || ext === 'geojson') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (TEXT.includes(ext)) return 'text';
  return 'none';
}

/**
 * A small RFC 4180 reader: quoted fields with doubled quotes, delimiters and newlines inside quotes, CRLF.
 * Stops after `maxRows` rows (the preview shows the head of big files).
 */
export function parseCsv(text: string, delimiter = ',', maxRows = 1000): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (rows.length >= maxRows) return rows;
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** JSON pretty-printed when it parses, else the text as it is (a truncated or JSON-lines file). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
