import type { Crumb } from '../../components/PageHeading';

/** The first step of every experiment page's heading. */
export const EXPERIMENTS_CRUMB: Crumb = { to: '/experiments', label: 'Experiments' };

/** "Experiments / <experiment>": the trail of a page inside an experiment (its id until its name is loaded). */
export const experimentTrail = (experimentId: string, name: string | undefined): Crumb[] => [
  EXPERIMENTS_CRUMB,
  { to: `/experiments/${experimentId}`, label: name ?? experimentId },
];
