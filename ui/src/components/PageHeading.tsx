import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';

/** A step of a page heading's trail: a link to a page above this one. */
export interface Crumb {
  to: string;
  label: ReactNode;
}

/**
 * A page's head: an `<h1>` reading "Experiments / my-exp / run-name" (the trail as muted links, then the page's own
 * title), and beside it whatever the page puts in `children` (buttons acting on the page).
 */
export function PageHeading({ trail = [], title, children }: { trail?: Crumb[]; title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>
        {trail.map((c, i) => (
          <Fragment key={i}>
            <Link to={c.to} className="muted">
              {c.label}
            </Link>{' '}
            /{' '}
          </Fragment>
        ))}
        {title}
      </h1>
      {children}
    </div>
  );
}
