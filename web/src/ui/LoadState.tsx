import { errorMessage, text } from '../text.ts';
import { Alert } from './Alert.tsx';

/** Placeholder with the rough height of what is loading, so the page does not jump when it arrives. */
export function Skeleton({ lines = 3, label = text.loading }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton" aria-busy="true">
      <span className="visually-hidden" role="status">
        {label}
      </span>
      {Array.from({ length: lines }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder bars never reorder.
        <span key={index} className="skeleton-line" aria-hidden="true" />
      ))}
    </div>
  );
}

export function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <Alert tone="error">
      <p>{errorMessage(error)}</p>
      <button type="button" className="button button-secondary button-small" onClick={retry}>
        {text.tryAgain}
      </button>
    </Alert>
  );
}
