import { type ReactNode, useEffect, useRef } from 'react';
import { hasNavigatedInApp } from '../router.ts';
import { text } from '../text.ts';

/**
 * A screen: sets the document title and, after an in-app navigation, moves focus to the heading so
 * keyboard and screen-reader users start at the top of the new page.
 */
export function Page({
  title,
  heading,
  lead,
  children,
  className,
}: {
  title: string;
  heading?: ReactNode;
  lead?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${text.appName}`;
    if (hasNavigatedInApp()) headingRef.current?.focus();
  }, [title]);
  return (
    <div className={`page ${className ?? ''}`}>
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {heading ?? title}
        </h1>
        {lead && <p className="lead">{lead}</p>}
      </header>
      {children}
    </div>
  );
}
