import { toApiError } from '../../api/client';
import type { FileInfo } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { formatBytes, toNumber } from '../../components/format';
import { useAsync } from '../../components/useAsync';
import { MAX_PREVIEW_BYTES, parseCsv, prettyJson, previewKind } from './preview';
import type { ArtifactSource } from './source';

async function fetchText(url: string, signal: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw await toApiError(res);
  return res.text();
}

/** A file's preview (image, HTML in a sandboxed frame, JSON, CSV/TSV table, text) and its download link. */
export function ArtifactPreview({ source, file }: { source: ArtifactSource; file: FileInfo }) {
  const url = source.fileUrl(file.path);
  const name = file.path.split('/').pop() ?? file.path;
  const kind = previewKind(file.path);
  const size = toNumber(file.file_size) ?? 0;
  const textual = kind !== 'image' && kind !== 'none' && size <= MAX_PREVIEW_BYTES;
  const text = useAsync((s) => (textual ? fetchText(url, s) : Promise.resolve('')), [url, textual]);

  let body: React.ReactNode;
  if (kind === 'image') body = <img className="preview-image" src={url} alt={name} />;
  else if (kind === 'none') body = <p className="muted">No preview for this file type.</p>;
  else if (!textual) body = <p className="muted">Too large to preview ({formatBytes(size)}): download it.</p>;
  else if (text.error !== undefined) body = <ErrorBox error={text.error} onRetry={text.reload} />;
  else if (text.data === undefined || text.loading) body = <Loading label="Loading file…" />;
  // No script, no same-origin access, no forms: the page cannot act for the user or read the API.
  else if (kind === 'html') body = <iframe className="preview-html" title={name} sandbox="" srcDoc={text.data} />;
  else if (kind === 'csv' || kind === 'tsv') body = <CsvTable rows={parseCsv(text.data, kind === 'tsv' ? '\t' : ',', 1001)} />;
  else body = <pre className="preview-text">{kind === 'json' ? prettyJson(text.data) : text.data}</pre>;

  return (
    <div className="preview">
      <div className="preview-head">
        <strong title={file.path}>{file.path}</strong>
        <span className="muted">{formatBytes(file.file_size)}</span>
        <a className="button" href={url} download={name}>
          Download
        </a>
      </div>
      {body}
    </div>
  );
}

function CsvTable({ rows }: { rows: string[][] }) {
  if (!rows.length) return <p className="muted">Empty file.</p>;
  const [head, ...body] = rows;
  return (
    <div className="csv-wrap">
      <table className="csv" aria-label="CSV preview">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.slice(0, 1000).map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 1000 && <p className="muted">First 1,000 rows shown: download the file for the rest.</p>}
    </div>
  );
}
