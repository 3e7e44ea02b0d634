import { Component, lazy, type ReactNode, Suspense } from 'react';
import { LoadError, Skeleton } from './ui/LoadState.tsx';

/*
 * Goals, rules and habits: loaded on first visit (React.lazy), so the first page a saver opens
 * downloads none of their code.
 */
const GoalsScreen = lazy(() => import('./screens/GoalsScreen.tsx'));
const GoalFormScreen = lazy(() => import('./screens/GoalFormScreen.tsx'));
const RulesScreen = lazy(() => import('./screens/RulesScreen.tsx'));
const RuleEditorScreen = lazy(() => import('./screens/RuleEditorScreen.tsx'));
const HabitsScreen = lazy(() => import('./screens/HabitsScreen.tsx'));

/** The same placeholder the screens show while their data loads, so nothing jumps. */
function Loading() {
  return (
    <div className="page">
      <Skeleton lines={6} />
    </div>
  );
}

/** A screen's code that failed to download (offline, a new deploy) offers a reload, not a blank page. */
class LoadFailure extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="page">
        <LoadError error={this.state.error} retry={() => window.location.reload()} />
      </div>
    );
  }
}

const idIn = (pathname: string, prefix: string): string | null => {
  const match = new RegExp(`^${prefix}/([A-Za-z0-9_-]{1,64})$`).exec(pathname);
  return match?.[1] ?? null;
};

/** The screen for a goals, rules or habits path, or null when the path is none of theirs. */
export function savingScreenFor(pathname: string): ReactNode | null {
  let screen: ReactNode = null;
  if (pathname === '/goals') screen = <GoalsScreen />;
  else if (pathname === '/goals/new') screen = <GoalFormScreen goalId={null} />;
  else if (idIn(pathname, '/goals'))
    screen = <GoalFormScreen key={pathname} goalId={idIn(pathname, '/goals')} />;
  else if (pathname === '/rules') screen = <RulesScreen />;
  else if (pathname === '/rules/new') screen = <RuleEditorScreen ruleId={null} />;
  else if (idIn(pathname, '/rules'))
    screen = <RuleEditorScreen key={pathname} ruleId={idIn(pathname, '/rules')} />;
  else if (pathname === '/habits') screen = <HabitsScreen />;
  if (screen === null) return null;
  return (
    <LoadFailure key={pathname}>
      <Suspense fallback={<Loading />}>{screen}</Suspense>
    </LoadFailure>
  );
}

/** Main navigation entries for these screens; `matches` marks the current one. */
export const savingNavItems = (labels: { goals: string; rules: string; habits: string }) => [
  {
    to: '/goals',
    label: labels.goals,
    matches: (path: string) => path === '/goals' || path.startsWith('/goals/'),
  },
  {
    to: '/rules',
    label: labels.rules,
    matches: (path: string) => path === '/rules' || path.startsWith('/rules/'),
  },
  { to: '/habits', label: labels.habits, matches: (path: string) => path === '/habits' },
];
