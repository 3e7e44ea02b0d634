import type { BankConnection, Goal, ListPage, Transfer } from '../api/types.ts';
import { historyStart } from '../dashboard.ts';
import { hourIn, localDateIn } from '../format.ts';
import { useSaver } from '../saver.ts';
import { text } from '../text.ts';
import { BankSummary } from '../ui/BankSummary.tsx';
import { LoadError, Skeleton } from '../ui/LoadState.tsx';
import { Page } from '../ui/Page.tsx';
import { SettingsSummary } from '../ui/SettingsSummary.tsx';
import { SyncNow } from '../ui/SyncNow.tsx';
import { useResource } from '../ui/useResource.ts';
import { GoalsOverview } from './home/GoalsOverview.tsx';
import { MonthSummary } from './home/MonthSummary.tsx';
import { NextTransfer } from './home/NextTransfer.tsx';
import { SavingChart } from './home/SavingChart.tsx';
import { useSavingHistory } from './home/useSavingHistory.ts';
import { GetStarted } from './onboarding/GetStarted.tsx';

/** How many transfers the dashboard reads to find the one under way. */
const RECENT_TRANSFERS = 10;

/**
 * The dashboard: goals with their progress and projection, this month against the monthly limit,
 * the next transfer, saving over time per goal, and the bank. A new saver sees the steps to start.
 */
export function HomeScreen() {
  const saver = useSaver();
  const bank = useResource<BankConnection>('/api/bank');
  const goals = useResource<ListPage<Goal>>('/api/goals');
  const transfers = useResource<ListPage<Transfer>>(`/api/transfers?limit=${RECENT_TRANSFERS}`);
  const history = useSavingHistory(historyStart(localDateIn(saver.timeZone)));
  const synced = () => {
    bank.reload();
    goals.reload();
    transfers.reload();
    history.reload();
  };
  const linked = bank.state === 'ready' && bank.data.status !== 'unlinked';
  const accountsChosen =
    bank.state === 'ready' && bank.data.sourceAccountId !== null && bank.data.savingsAccountId !== null;
  const noGoals = goals.state === 'ready' && goals.data.items.length === 0;
  // Unlinked, or without goals, there is nothing to track yet: home shows the next step instead.
  let startStep: 1 | 2 | 3 | null = null;
  if (bank.state === 'ready' && !linked) startStep = 1;
  else if (bank.state === 'ready' && noGoals && bank.data.status === 'linked')
    startStep = accountsChosen ? 3 : 2;

  return (
    <Page
      title={text.home.title}
      heading={
        <>
          <span className="kicker">{text.home.hej}</span> {text.home.greeting(hourIn(saver.timeZone))}
        </>
      }
      lead={text.home.signedInAs(saver.email)}
    >
      <div className="home-grid">
        <div className="home-main">
          {startStep !== null && <GetStarted step={startStep} />}
          {!noGoals && <GoalsOverview goals={goals} />}
          {!noGoals && <SavingChart goals={goals} history={history} />}
          {bank.state === 'loading' && (
            <section className="card">
              <Skeleton lines={4} />
            </section>
          )}
          {bank.state === 'failed' && <LoadError error={bank.error} retry={bank.reload} />}
          {bank.state === 'ready' && linked && (
            <BankSummary bank={bank.data}>
              {bank.data.status === 'linked' && accountsChosen && <SyncNow onSynced={synced} />}
            </BankSummary>
          )}
        </div>
        <aside className="home-side">
          {!noGoals && <MonthSummary history={history} />}
          {!noGoals && <NextTransfer transfers={transfers} />}
          <SettingsSummary settings={saver} />
        </aside>
      </div>
    </Page>
  );
}
