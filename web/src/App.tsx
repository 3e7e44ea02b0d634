import { type ReactNode, useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import {
  logOut,
  restoreSession,
  type SessionState,
  sessionState,
  subscribeToSession,
} from './api/session.ts';
import type { SaverSettings } from './api/types.ts';
import { clearFlashUnlessOnItsPage, showFlash, useFlash } from './flash.ts';
import { useNotificationUpdates } from './notifications.ts';
import { type AppLocation, navigate, useLocation } from './router.ts';
import { SaverContext } from './saver.ts';
import { useReloadOnSaverChange } from './saverUpdates.ts';
import { savingNavItems, savingScreenFor } from './savingRoutes.tsx';
import { ActivityScreen } from './screens/ActivityScreen.tsx';
import { AuthScreen } from './screens/AuthScreen.tsx';
import { ChooseAccountsScreen } from './screens/ChooseAccountsScreen.tsx';
import { HomeScreen } from './screens/HomeScreen.tsx';
import { LinkBankScreen } from './screens/LinkBankScreen.tsx';
import { NotFoundScreen } from './screens/NotFoundScreen.tsx';
import { FirstGoalScreen } from './screens/onboarding/FirstGoalScreen.tsx';
import { PickRulesScreen } from './screens/onboarding/PickRulesScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { errorMessage, text } from './text.ts';
import { Alert } from './ui/Alert.tsx';
import { Link } from './ui/Link.tsx';
import { LoadError, Skeleton } from './ui/LoadState.tsx';
import { NotificationBell } from './ui/NotificationBell.tsx';
import { Piggy } from './ui/Piggy.tsx';
import { useResource } from './ui/useResource.ts';

const PUBLIC_PATHS = new Set(['/login', '/signup']);
/** Where a signed-out visitor was heading (a deep link, or the bank's `/?bank=…` return), for after login. */
let returnTo: string | null = null;

const NAV_ITEMS = [
  { to: '/', label: text.nav.home, matches: (path: string) => path === '/' },
  ...savingNavItems(text.nav),
  { to: '/activity', label: text.nav.activity, matches: (path: string) => path === '/activity' },
  { to: '/bank', label: text.nav.bank, matches: (path: string) => path.startsWith('/bank') },
  { to: '/settings', label: text.nav.settings, matches: (path: string) => path === '/settings' },
];

function Shell({ pathname, nav, children }: { pathname: string; nav?: ReactNode; children: ReactNode }) {
  const flash = useFlash(pathname);
  return (
    <>
      <a className="skip-link" href="#main">
        {text.skipToContent}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <Piggy size={36} />
            <span>{text.appName}</span>
          </Link>
          {nav}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="main">
        {flash && (
          <div className="flash">
            <Alert tone={flash.tone}>{flash.message}</Alert>
          </div>
        )}
        {children}
      </main>
    </>
  );
}

function MainNav({ pathname, bell }: { pathname: string; bell: ReactNode }) {
  const [leaving, setLeaving] = useState(false);
  const leave = async () => {
    setLeaving(true);
    try {
      await logOut();
    } catch (error) {
      showFlash({ tone: 'error', message: errorMessage(error), path: pathname });
      setLeaving(false);
    }
  };
  return (
    <nav className="main-nav" aria-label={text.nav.label}>
      <ul>
        {NAV_ITEMS.map((item) => (
          <li key={item.to}>
            <Link to={item.to} aria-current={item.matches(pathname) ? 'page' : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
      <div className="nav-actions">
        {bell}
        <button type="button" className="button button-ghost button-small" onClick={leave} disabled={leaving}>
          {leaving ? text.nav.loggingOut : text.nav.logOut}
        </button>
      </div>
    </nav>
  );
}

function SignedOut({ location, session }: { location: AppLocation; session: SessionState }) {
  const isPublic = PUBLIC_PATHS.has(location.pathname);
  useLayoutEffect(() => {
    if (isPublic) return;
    // After an explicit logout the next login starts at home, not where the last saver left off.
    if (
      location.href !== '/' &&
      session.status === 'signed-out' &&
      session.reason !== 'logged-out' &&
      session.reason !== 'logged-out-everywhere'
    )
      returnTo = location.href;
    navigate('/login', { replace: true });
  }, [isPublic, location.href, session]);
  return (
    <Shell pathname={location.pathname}>
      <AuthScreen
        key={location.pathname}
        mode={location.pathname === '/signup' ? 'signup' : 'login'}
        session={session}
      />
    </Shell>
  );
}

function screenFor(pathname: string): ReactNode {
  switch (pathname) {
    case '/':
      return <HomeScreen />;
    case '/activity':
      return <ActivityScreen />;
    case '/bank':
      return <LinkBankScreen />;
    case '/bank/accounts':
      return <ChooseAccountsScreen />;
    case '/settings':
      return <SettingsScreen />;
    case '/start/goal':
      return <FirstGoalScreen />;
    case '/start/rules':
      return <PickRulesScreen />;
    default:
      return savingScreenFor(pathname) ?? <NotFoundScreen />;
  }
}

function SignedIn({ location }: { location: AppLocation }) {
  const saver = useResource<SaverSettings>('/api/me');
  const bankOutcome = location.search.get('bank');
  const leavingAuthPage = PUBLIC_PATHS.has(location.pathname);
  useNotificationUpdates(location.pathname);
  useReloadOnSaverChange(saver.reload);

  // Before paint, so the saver never glimpses the page they are being sent away from. Safe to run
  // twice (React's strict mode does): `returnTo` is only spent once the destination is reached.
  useLayoutEffect(() => {
    if (leavingAuthPage) {
      navigate(returnTo ?? '/', { replace: true });
    } else if (bankOutcome !== null) {
      // The bank's redirect comes back to `/?bank=linked|expired|declined|error`.
      const linked = bankOutcome === 'linked';
      const path = linked ? '/bank/accounts' : '/bank';
      const message = text.bank.outcome[bankOutcome] ?? text.bank.outcome.error ?? '';
      showFlash({ tone: linked ? 'success' : 'warning', message, path });
      navigate(path, { replace: true });
    } else {
      returnTo = null;
    }
  }, [leavingAuthPage, bankOutcome]);

  let content: ReactNode;
  if (leavingAuthPage || bankOutcome !== null) content = null;
  else if (saver.state === 'loading')
    content = (
      <div className="page">
        <Skeleton lines={6} />
      </div>
    );
  else if (saver.state === 'failed')
    content = (
      <div className="page">
        <LoadError error={saver.error} retry={saver.reload} />
      </div>
    );
  else content = screenFor(location.pathname);

  // The bell formats times in the saver's locale too, so the context wraps the whole shell.
  return (
    <SaverContext.Provider value={saver.state === 'ready' ? saver.data : null}>
      <Shell
        pathname={location.pathname}
        nav={
          <MainNav
            pathname={location.pathname}
            bell={saver.state === 'ready' ? <NotificationBell pathname={location.pathname} /> : null}
          />
        }
      >
        {content}
      </Shell>
    </SaverContext.Provider>
  );
}

export function App() {
  const session = useSyncExternalStore(subscribeToSession, sessionState);
  const location = useLocation();

  useEffect(() => {
    void restoreSession();
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of path.
  useEffect(() => clearFlashUnlessOnItsPage(), [location.pathname]);

  if (session.status === 'restoring') {
    return (
      <div className="splash">
        <Piggy size={64} className="splash-pig" />
        <p role="status">{text.loading}</p>
      </div>
    );
  }
  if (session.status === 'signed-out') return <SignedOut location={location} session={session} />;
  return <SignedIn location={location} />;
}
