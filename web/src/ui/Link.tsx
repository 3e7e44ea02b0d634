import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../router.ts';

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page' | undefined;
}

/** An ordinary link that the app follows itself; modified clicks still open a new tab. */
export function Link({ to, children, className, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={follow} {...rest}>
      {children}
    </a>
  );
}
