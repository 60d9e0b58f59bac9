import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Run, ViewType } from '../../api/types';

export interface RunsState {
  runs: Run[];
  /** All pages loaded. */
  done: boolean;
  error?: unknown;
}

const PAGE = 1000;

/**
 * Loads an experiment's runs page by page (1,000 a request) and shows each page as it arrives: the first screenful
 * is interactive after one request while the rest streams in. A new query aborts the old one.
 */
export function useRuns(experimentId: string, filter: string, orderBy: string | undefined, view: ViewType, reloadKey: number): RunsState {
  const [state, setState] = useState<RunsState>({ runs: [], done: false });
  useEffect(() => {
    const ctrl = new AbortController();
    setState({ runs: [], done: false });
    (async () => {
      let token: string | undefined;
      let all: Run[] = [];
      do {
        const page = await api.searchRuns(
          { experiment_ids: [experimentId], filter: filter || undefined, run_view_type: view, order_by: orderBy ? [orderBy] : undefined, max_results: PAGE, page_token: token },
          ctrl.signal,
        );
        all = all.concat(page.runs ?? []);
        token = page.next_page_token;
        if (!ctrl.signal.aborted) setState({ runs: all, done: !token });
      } while (token && !ctrl.signal.aborted);
    })().catch((error) => !ctrl.signal.aborted && setState((s) => ({ runs: s.runs, done: true, error })));
    return () => ctrl.abort();
  }, [experimentId, filter, orderBy, view, reloadKey]);
  return state;
}
