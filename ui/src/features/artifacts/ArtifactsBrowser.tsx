import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import type { FileInfo } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { formatBytes } from '../../components/format';
import { toggled } from '../../components/sets';
import { ArtifactPreview } from './ArtifactPreview';
import type { ArtifactSource } from './source';

type Listing = FileInfo[] | { error: unknown };

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
function ancestors(path: string): Set<string> {
  const out = new Set<string>();
  for (let p = parentOf(path); p; p = parentOf(p)) out.add(p);
  return out;
}

/**
 * An artifact tree (a run's or a logged model's), listed one folder at a time as folders open, beside a preview of the
 * file chosen; the chosen path is in the URL (`<baseUrl>/<path>`). A chosen folder opens in the tree, and when it is
 * an MLflow model (it holds an `MLmodel` file) that file is previewed. Keyboard: ↑/↓ move, → opens a folder, ← closes
 * it. Give it a `key` of `source.key`: its state belongs to one tree.
 */
export function ArtifactsBrowser({ source, path, baseUrl }: { source: ArtifactSource; path: string; baseUrl: string }) {
  const [listings, setListings] = useState<Record<string, Listing>>({});
  const [open, setOpen] = useState<Set<string>>(() => ancestors(path));
  const [retry, setRetry] = useState(0);
  const navigate = useNavigate();

  useEffect(() => setOpen((o) => new Set([...o, ...ancestors(path)])), [path]);
  // Each folder is listed once; the requests made are remembered so that a listing arriving does not ask again.
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const dir of ['', ...open]) {
      if (requested.current.has(dir)) continue;
      requested.current.add(dir);
      // Not aborted on unmount: a listing is small, and an aborted one would stay "loading" after React's
      // development double mount (the folder counts as requested).
      source.list(dir).then(
        (files) => setListings((l) => ({ ...l, [dir]: files.sort((a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path)) })),
        (error) => setListings((l) => ({ ...l, [dir]: { error } })),
      );
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, source.key, retry]);
  const retryDir = (dir: string) => {
    requested.current.delete(dir);
    setListings(({ [dir]: _, ...rest }) => rest);
    setRetry((r) => r + 1);
  };

  const toggle = (dir: string, to?: boolean) => setOpen((o) => toggled(o, dir, to));
  const select = (p: string) => navigate(`${baseUrl}/${p.split('/').map(encodeURIComponent).join('/')}`);

  const tree = (dir: string, depth: number): React.ReactNode => {
    const l = listings[dir];
    if (!l) return <Loading label="Listing…" />;
    if ('error' in l) return <ErrorBox error={l.error} onRetry={() => retryDir(dir)} />;
    if (!l.length && depth === 0) return <p className="muted">No artifacts recorded.</p>;
    return (
      <ul role={depth ? 'group' : 'tree'} aria-label={depth ? undefined : 'Artifacts'}>
        {l.map((f) => {
          const name = f.path.split('/').pop();
          const isOpen = open.has(f.path);
          return (
            <li key={f.path} role="none">
              <button
                type="button"
                role="treeitem"
                data-path={f.path}
                data-dir={f.is_dir ? '1' : undefined}
                aria-expanded={f.is_dir ? isOpen : undefined}
                aria-selected={f.path === path}
                className={'tree-item' + (f.path === path ? ' selected' : '')}
                style={{ paddingLeft: 8 + depth * 16 }}
                onClick={() => (f.is_dir ? toggle(f.path) : select(f.path))}
              >
                <span aria-hidden="true">{f.is_dir ? (isOpen ? '▾' : '▸') : '·'}</span> {name}
                {!f.is_dir && <span className="muted size">{formatBytes(f.file_size)}</span>}
              </button>
              {f.is_dir && isOpen && tree(f.path, depth + 1)}
            </li>
          );
        })}
      </ul>
    );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('[role=treeitem]')];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const item = items[i];
    if (e.key === 'ArrowDown') items[Math.min(items.length - 1, i + 1)].focus();
    else if (e.key === 'ArrowUp') items[Math.max(0, i - 1)].focus();
    else if (e.key === 'ArrowRight' && item.dataset.dir) toggle(item.dataset.path!, true);
    else if (e.key === 'ArrowLeft' && item.dataset.dir) toggle(item.dataset.path!, false);
    else return;
    e.preventDefault();
  };

  const parent = listings[parentOf(path)];
  const file = path && Array.isArray(parent) ? parent.find((f) => f.path === path) : undefined;
  const chosenDir = file?.is_dir ? file.path : undefined;
  useEffect(() => {
    if (chosenDir) toggle(chosenDir, true);
  }, [chosenDir]);
  const dirListing = chosenDir ? listings[chosenDir] : undefined;
  const mlmodel = Array.isArray(dirListing) ? dirListing.find((f) => f.path === `${chosenDir}/MLmodel`) : undefined;
  return (
    <div className="artifacts">
      <div className="artifact-tree" onKeyDown={onKeyDown}>
        {tree('', 0)}
      </div>
      <div className="artifact-preview">
        {!path ? (
          <p className="muted">Choose a file to preview it.</p>
        ) : file && !file.is_dir ? (
          <ArtifactPreview key={file.path} source={source} file={file} />
        ) : mlmodel ? (
          <>
            <p className="muted">An MLflow model folder: its MLmodel file describes it.</p>
            <ArtifactPreview key={mlmodel.path} source={source} file={mlmodel} />
          </>
        ) : file?.is_dir ? (
          <p className="muted">A folder: its files are listed in the tree.</p>
        ) : Array.isArray(parent) ? (
          <ErrorBox error={new Error(`No artifact at ${path}.`)} />
        ) : (
          <Loading />
        )}
      </div>
    </div>
  );
}
