import { type MouseEvent, useEffect, useId, useRef, useState } from 'react';
import { linkTarget } from '../activity.ts';
import type { AppNotification } from '../api/types.ts';
import { formatDateTime } from '../format.ts';
import {
  loadOlderNotifications,
  markNotificationsRead,
  refreshNotifications,
  useNotifications,
} from '../notifications.ts';
import { navigate } from '../router.ts';
import { useSaver } from '../saver.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from './Alert.tsx';

function BellIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M12 3a6 6 0 0 0-6 6v3.6l-1.7 3A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.4L18 12.6V9a6 6 0 0 0-6-6Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
      />
      <path d="M9.5 19.5a2.5 2.5 0 0 0 5 0" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

function NotificationItem({ item, onFollow }: { item: AppNotification; onFollow: () => void }) {
  const { locale, timeZone } = useSaver();
  const unread = item.readAt === null;
  const target = linkTarget(item.link);
  const content = (
    <>
      <span className="notification-title">
        {unread && <span className="pill pill-warning notification-new">{text.notifications.newLabel}</span>}
        {item.title}
      </span>
      <span className="notification-body">{item.body}</span>
      <time className="notification-time" dateTime={item.createdAt}>
        {formatDateTime(item.createdAt, locale, timeZone)}
      </time>
    </>
  );
  const markRead = () => {
    if (unread) void markNotificationsRead([item.id]).catch(() => undefined);
  };
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    markRead();
    if (target?.kind !== 'internal') return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onFollow();
    navigate(target.path);
  };
  return (
    <li className={`notification${unread ? ' notification-unread' : ''}`}>
      {target ? (
        <a
          className="notification-link"
          href={target.kind === 'internal' ? target.path : target.href}
          onClick={follow}
        >
          {content}
        </a>
      ) : (
        <div className="notification-link">
          {content}
          {unread && (
            <button type="button" className="button button-ghost button-small" onClick={markRead}>
              {text.notifications.markRead}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** The bell in the top bar: the unread count, and a panel with the notifications. */
export function NotificationBell({ pathname }: { pathname: string }) {
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [markError, setMarkError] = useState<unknown>(null);
  const panelId = useId();
  const titleId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const lastUnread = useRef<number | null>(null);
  const { unread } = notifications;

  // Said aloud when the count changes, not on the first load of every page.
  useEffect(() => {
    if (notifications.status !== 'ready') return;
    if (lastUnread.current !== null && lastUnread.current !== unread) {
      setAnnouncement(text.notifications.unread(unread));
    }
    lastUnread.current = unread;
  }, [unread, notifications.status]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the panel.
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    void refreshNotifications();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (wrapperRef.current && !wrapperRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const markAll = async () => {
    setMarkError(null);
    try {
      await markNotificationsRead('all');
    } catch (error) {
      setMarkError(error);
    }
  };

  return (
    <div className="bell" ref={wrapperRef}>
      <button
        ref={buttonRef}
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={text.notifications.buttonLabel(unread)}
        onClick={() => setOpen((shown) => !shown)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
      <section id={panelId} className="bell-panel" aria-labelledby={titleId} hidden={!open}>
        <div className="bell-panel-header">
          <h2 id={titleId}>{text.notifications.title}</h2>
          {unread > 0 && (
            <button type="button" className="button button-secondary button-small" onClick={markAll}>
              {text.notifications.markAllRead}
            </button>
          )}
        </div>
        {markError !== null && <Alert tone="error">{errorMessage(markError)}</Alert>}
        {notifications.status === 'failed' && <Alert tone="error">{errorMessage(notifications.error)}</Alert>}
        {notifications.status === 'loading' && <p className="muted">{text.loading}</p>}
        {notifications.status === 'ready' && notifications.items.length === 0 && (
          <p className="muted">{text.notifications.empty}</p>
        )}
        {notifications.items.length > 0 && (
          <ul className="notification-list">
            {notifications.items.map((item) => (
              <NotificationItem key={item.id} item={item} onFollow={() => setOpen(false)} />
            ))}
          </ul>
        )}
        {notifications.nextCursor && (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => void loadOlderNotifications()}
            disabled={notifications.loadingOlder}
          >
            {notifications.loadingOlder ? text.loading : text.notifications.loadMore}
          </button>
        )}
      </section>
    </div>
  );
}
