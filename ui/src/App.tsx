import { useState } from 'react';
import { createHashRouter, Link, Navigate, Outlet, RouterProvider, useRouteError } from 'react-router';
import { ExperimentsPage } from './features/experiments/ExperimentsPage';
import { RunsPage } from './features/runs/RunsPage';
import { RunPage } from './features/run/RunPage';
import { DirectRunPage } from './features/run/DirectRunPage';
import { ComparePage } from './features/compare/ComparePage';
import { ModelsPage } from './features/models/ModelsPage';
import { ModelPage } from './features/models/ModelPage';
import { VersionPage } from './features/models/VersionPage';
import { TracesPage } from './features/traces/TracesPage';
import { TracePage } from './features/traces/TracePage';
import { ErrorBox } from './components/Status';
import { useTheme } from './components/theme';

function Layout() {
  const [theme, toggle] = useTheme();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/experiments" className="brand">
          Sharpflow
        </Link>
        <nav>
          <Link to="/experiments">Experiments</Link>
          <Link to="/models">Models</Link>
        </nav>
        <button type="button" className="theme-toggle" onClick={toggle} aria-label="Toggle dark theme" title="Toggle dark theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}

function RouteError() {
  return <ErrorBox error={useRouteError()} />;
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/experiments">Back to the experiments</Link>
      </p>
    </div>
  );
}

export const routes = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <Navigate to="/experiments" replace /> },
      { path: '/experiments', element: <ExperimentsPage /> },
      { path: '/experiments/:experimentId', element: <RunsPage /> },
      // MLflow's run URLs: /runs/<id>, /runs/<id>/model-metrics, /runs/<id>/artifacts/<path>
      { path: '/experiments/:experimentId/runs/:runId/*', element: <RunPage /> },
      { path: '/experiments/:experimentId/traces', element: <TracesPage /> },
      { path: '/experiments/:experimentId/traces/:traceId', element: <TracePage /> },
      { path: '/runs/:runId', element: <DirectRunPage /> },
      // MLflow's compare URL: /compare-runs?runs=["<id>",…]&experiments=["<id>"] (URL-encoded JSON lists)
      { path: '/compare-runs', element: <ComparePage /> },
      // MLflow's registry URLs
      { path: '/models', element: <ModelsPage /> },
      { path: '/models/:name', element: <ModelPage /> },
      { path: '/models/:name/versions/:version', element: <VersionPage /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function App() {
  // Created on first render, not at import: main.tsx may first turn a path into a hash route.
  const [router] = useState(() => createHashRouter(routes));
  return <RouterProvider router={router} />;
}
