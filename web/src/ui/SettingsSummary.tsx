import type { SaverSettings } from '../api/types.ts';
import { text } from '../text.ts';
import { Link } from './Link.tsx';
import { Money } from './Money.tsx';

/** The saver's saving settings at a glance; they are changed on the settings screen. */
export function SettingsSummary({ settings }: { settings: SaverSettings }) {
  const { currency, locale } = settings;
  return (
    <section className="card" aria-labelledby="saving-settings-title">
      <h2 id="saving-settings-title">{text.settings.savingTitle}</h2>
      <dl className="settings-list">
        <div>
          <dt>{text.settings.status}</dt>
          <dd>
            <span className={`pill ${settings.paused ? 'pill-warning' : 'pill-success'}`}>
              {settings.paused ? text.settings.paused : text.settings.active}
            </span>
          </dd>
        </div>
        <div>
          <dt>{text.settings.balanceFloor}</dt>
          <dd>
            <Money minor={settings.balanceFloorMinor} currency={currency} locale={locale} />
            <small>{text.settings.balanceFloorHint}</small>
          </dd>
        </div>
        <div>
          <dt>{text.settings.minimumTransfer}</dt>
          <dd>
            <Money minor={settings.minimumTransferMinor} currency={currency} locale={locale} />
            <small>{text.settings.minimumTransferHint}</small>
          </dd>
        </div>
        <div>
          <dt>{text.settings.monthlyBudget}</dt>
          <dd>
            {settings.monthlyBudgetMinor === null ? (
              text.settings.noMonthlyBudget
            ) : (
              <Money minor={settings.monthlyBudgetMinor} currency={currency} locale={locale} />
            )}
          </dd>
        </div>
        <div>
          <dt>{text.settings.timeZone}</dt>
          <dd>{settings.timeZone.replace(/_/g, ' ')}</dd>
        </div>
      </dl>
      <Link to="/settings" className="button button-secondary button-small">
        {text.settingsEdit.changeSettings}
      </Link>
    </section>
  );
}
