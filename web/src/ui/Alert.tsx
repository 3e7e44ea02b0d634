import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'error';

/** A message box. Errors and warnings interrupt (role=alert); the rest are announced politely. */
export function Alert({ tone, children, id }: { tone: Tone; children: ReactNode; id?: string }) {
  const urgent = tone === 'error' || tone === 'warning';
  return (
    <div id={id} className={`alert alert-${tone}`} role={urgent ? 'alert' : 'status'}>
      <span className="alert-icon" aria-hidden="true">
        {tone === 'success' ? '✓' : tone === 'info' ? 'i' : '!'}
      </span>
      <div className="alert-body">{children}</div>
    </div>
  );
}
