import { describe, expect, test } from 'vitest';
import {
  entryStatusText,
  groupByDay,
  linkTarget,
  previousDate,
  relativeDayName,
  safeExternalUrl,
  skipReasonText,
  syncResult,
  transferStatusText,
  transferTone,
} from '../../../web/src/activity.ts';
import type { SyncSummary, TransferStatus } from '../../../web/src/api/types.ts';

const entry = (id: string, date: string) => ({ id, trigger: { kind: 'transaction', ref: id, date } });

describe('grouping savings entries by day', () => {
  test('groups by the trigger’s local date, newest day first, keeping the order inside a day', () => {
    const groups = groupByDay([
      entry('c', '2026-03-14'),
      entry('b', '2026-03-13'),
      entry('d', '2026-03-14'),
      entry('a', '2026-03-12'),
      // A period entry created late for an earlier day joins its day, not a new group.
      entry('e', '2026-03-13'),
    ]);
    expect(groups.map((group) => [group.date, group.items.map((item) => item.id)])).toEqual([
      ['2026-03-14', ['c', 'd']],
      ['2026-03-13', ['b', 'e']],
      ['2026-03-12', ['a']],
    ]);
  });

  test('no entries, no groups', () => {
    expect(groupByDay([])).toEqual([]);
  });

  test('names today and yesterday, across months and years', () => {
    expect(relativeDayName('2026-03-14', '2026-03-14')).toBe('Today');
    expect(relativeDayName('2026-03-13', '2026-03-14')).toBe('Yesterday');
    expect(relativeDayName('2026-03-12', '2026-03-14')).toBeNull();
    expect(previousDate('2026-03-01')).toBe('2026-02-28');
    expect(previousDate('2024-03-01')).toBe('2024-02-29');
    expect(previousDate('2026-01-01')).toBe('2025-12-31');
    // Across the switch to summer time the calendar still steps one day.
    expect(previousDate('2026-03-30')).toBe('2026-03-29');
  });
});

describe('statuses in words', () => {
  test('every transfer status has words and a tone', () => {
    const statuses: TransferStatus[] = [
      'planned',
      'submitting',
      'submitted',
      'awaiting_confirmation',
      'paid',
      'rejected',
      'expired',
      'cancelled',
      'unknown',
    ];
    for (const status of statuses) {
      expect(transferStatusText(status)).not.toBe(status);
      expect(transferTone[status]).toBeDefined();
    }
    expect(transferStatusText('awaiting_confirmation')).toBe('Waiting for your approval');
    expect(transferStatusText('paid')).toBe('Paid into savings');
  });

  test('entry statuses and skip reasons read as plain words', () => {
    expect(entryStatusText('transferring')).toBe('On its way');
    expect(entryStatusText('skipped')).toBe('Skipped');
    expect(skipReasonText('balance-floor')).toBe(
      'Your spending account would have dropped below your balance floor.',
    );
    expect(skipReasonText('cap-week')).toBe('The rule’s weekly limit was reached.');
    expect(skipReasonText('rule-paused')).toBe('This rule was paused.');
    expect(skipReasonText('goal-reached')).toBe('The goal was already reached.');
    expect(skipReasonText('monthly-budget')).toBe('Your monthly savings limit was reached.');
  });

  test('a status or reason the app does not know yet is still shown, never blank', () => {
    expect(entryStatusText('reversed')).toBe('reversed');
    expect(transferStatusText('queued')).toBe('queued');
    expect(skipReasonText('something-new')).toBe('A limit or setting stopped this save.');
    expect(skipReasonText(null)).toBe('A limit or setting stopped this save.');
  });
});

describe('links from the API', () => {
  test('only absolute http(s) URLs may become an href', () => {
    expect(safeExternalUrl('https://bank.example/sign?id=1')).toBe('https://bank.example/sign?id=1');
    expect(safeExternalUrl('http://localhost:3100/sign')).toBe('http://localhost:3100/sign');
    for (const unsafe of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'file:///etc/passwd',
      '/activity',
      'bank.example/sign',
      'https://user:secret@bank.example/',
      '',
      null,
      undefined,
    ]) {
      expect(safeExternalUrl(unsafe), String(unsafe)).toBeNull();
    }
  });

  test('a notification link is an in-app path, an external URL or nothing', () => {
    expect(linkTarget('/activity')).toEqual({ kind: 'internal', path: '/activity' });
    expect(linkTarget('/settings?tab=bank')).toEqual({ kind: 'internal', path: '/settings?tab=bank' });
    expect(linkTarget('https://bank.example/sign')).toEqual({
      kind: 'external',
      href: 'https://bank.example/sign',
    });
    // Protocol-relative and backslash tricks would leave the site while looking like a path.
    expect(linkTarget('//evil.example/x')).toBeNull();
    expect(linkTarget('/\\evil.example')).toBeNull();
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget(null)).toBeNull();
    expect(linkTarget('')).toBeNull();
  });
});

describe('what "Sync now" says', () => {
  const summary = (overrides: Partial<SyncSummary>): SyncSummary => ({
    saverId: 'saver',
    outcome: 'synced',
    transactionsRead: 4,
    entriesCreated: 0,
    transferPlanned: null,
    ...overrides,
  });

  test('counts the new saves, and says when money is on its way', () => {
    expect(syncResult(summary({ entriesCreated: 3 }))).toEqual({
      tone: 'success',
      message: '3 new saves.',
      action: 'see-activity',
    });
    expect(syncResult(summary({ entriesCreated: 1, transferPlanned: 'tr_1' })).message).toBe(
      '1 new save. A transfer to your savings account is on its way.',
    );
    expect(syncResult(summary({})).message).toBe('You are up to date: no new saves.');
  });

  test('an expired bank connection asks for renewal', () => {
    expect(syncResult(summary({ outcome: 'needs-consent' }))).toEqual({
      tone: 'warning',
      message: 'Your bank connection needs renewing.',
      action: 'reconnect',
    });
    expect(syncResult(summary({ outcome: 'no-accounts' })).action).toBe('choose-accounts');
    expect(syncResult(summary({ outcome: 'read-budget-spent' })).action).toBeNull();
  });
});
