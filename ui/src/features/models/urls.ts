import type { Crumb } from '../../components/PageHeading';

// MLflow's registry URLs: `/models/<name>` and `/models/<name>/versions/<version>` (names may hold any character).
export const modelUrl = (name: string) => `/models/${encodeURIComponent(name)}`;
export const versionUrl = (name: string, version: string) => `${modelUrl(name)}/versions/${encodeURIComponent(version)}`;

/** The first step of the registry pages' headings. */
export const MODELS_CRUMB: Crumb = { to: '/models', label: 'Registered models' };
