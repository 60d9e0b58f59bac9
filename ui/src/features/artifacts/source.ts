// Where a browsed artifact tree comes from: a run's artifacts (artifacts/list, get-artifact) or a logged model's
// (logged-models/<id>/artifacts/directories and /files). The browser and the preview only see this interface.
import { api } from '../../api/client';
import { loggedModelsApi } from '../../api/loggedModels';
import type { FileInfo } from '../../api/types';

export interface ArtifactSource {
  /** Identifies the tree: the browser starts afresh when it changes. */
  key: string;
  list: (path: string, signal?: AbortSignal) => Promise<FileInfo[]>;
  fileUrl: (path: string) => string;
}

export const runArtifacts = (runId: string): ArtifactSource => ({
  key: `run:${runId}`,
  list: (path, signal) => api.listArtifacts(runId, path, signal),
  fileUrl: (path) => api.artifactUrl(runId, path),
});

export const loggedModelArtifacts = (modelId: string): ArtifactSource => ({
  key: `model:${modelId}`,
  list: (path, signal) => loggedModelsApi.listArtifacts(modelId, path, signal),
  fileUrl: (path) => loggedModelsApi.artifactUrl(modelId, path),
});
