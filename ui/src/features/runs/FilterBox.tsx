import { useRef, useState, type KeyboardEvent } from 'react';
import { suggest } from '../../api/search';
import type { RunKeys } from './rows';

/**
 * The runs filter: MLflow search syntax, applied on Enter. Completes entity prefixes and known keys (quoted as the
 * grammar needs); ↑/↓ pick a completion, Tab or Enter takes it, Escape closes the list. Errors come from the server.
 */
export function FilterBox({ value, keys, onApply }: { value: string; keys: RunKeys; onApply: (filter: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [open, setOpen] = useState(false);
  const [pick, setPick] = useState(0);
  const [cursor, setCursor] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const s = suggest(draft, cursor, keys, 12);
  const items = open && draft.slice(s.from, cursor).length > 0 ? s.items : [];

  const take = (item: string) => {
    const next = draft.slice(0, s.from) + item + draft.slice(cursor);
    setDraft(next);
    setOpen(false);
    requestAnimationFrame(() => {
      const at = s.from + item.length;
      input.current?.setSelectionRange(at, at);
      setCursor(at);
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (items.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
    } else if (items.length && (e.key === 'Tab' || (e.key === 'Enter' && pick >= 0 && items[pick]))) {
      e.preventDefault();
      take(items[Math.max(0, pick)]);
    } else if (e.key === 'Escape' && items.length) {
      e.preventDefault(); // in a search field Escape would also clear the text
      setOpen(false);
    }
    else if (e.key === 'Enter') {
      e.preventDefault();
      onApply(draft.trim());
    }
  };
  return (
    <div className="filter-box">
      <input
        ref={input}
        type="search"
        aria-label="Filter runs"
        placeholder="metrics.rmse < 1 and params.model = 'tree'"
        value={draft}
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          setCursor(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
          setPick(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? 0)}
      />
      <button type="button" onClick={() => onApply(draft.trim())}>
        Apply
      </button>
      {draft !== '' && (
        <button
          type="button"
          onClick={() => {
            setDraft('');
            onApply('');
          }}
        >
          Clear
        </button>
      )}
      {items.length > 0 && (
        <ul className="suggestions" role="listbox" aria-label="Completions">
          {items.map((it, i) => (
            <li key={it} role="option" aria-selected={i === pick} onMouseDown={(e) => (e.preventDefault(), take(it))}>
              {it}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
