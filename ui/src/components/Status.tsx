import { ApiError } from '../api/client';

/** A spinner with a label; `role=status` so screen readers (and tests) find it. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message === 'Failed to fetch' ? 'Cannot reach the server.' : error.message;
  return String(error);
}

/** A server error with MLflow's message (and error code), never a blank page. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <strong>{error instanceof ApiError ? error.code : 'Error'}</strong>
      <span className="error-message">{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
