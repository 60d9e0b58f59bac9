import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// Hash routing (as MLflow's UI): the server only ever serves index.html at the app's root, links keep working under
// any --static-prefix, and MLflow links (`/#/experiments/1/runs/<id>`) open the same pages here. A page opened at a
// path below the root (a hand-made link; the server answers it with index.html) becomes the equivalent hash route.
const root = new URL(document.baseURI);
if (!location.hash && location.pathname !== root.pathname && location.pathname.startsWith(root.pathname)) {
  history.replaceState(null, '', root.pathname + '#/' + location.pathname.slice(root.pathname.length) + location.search);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
