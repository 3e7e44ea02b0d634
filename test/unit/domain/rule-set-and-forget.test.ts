import { describe, expect, it } from 'vitest';
import { evaluateAt, rule, summarise } from './fixtures.ts';

describe('set & forget: a fixed amount on a calendar', () => {
  it('saves 25,00 kr. every day, one entry per local day of the window', () => {
    const daily = rule({ type: 'set-and-forget', schedule: { every: 'day' }, amountMinor: 2_500 });
    const result = evaluateAt('2026-03-12T07:00:00Z', { rules: [daily], calendarFrom: '2026-03-10' });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.amountMinor])).toEqual([
      ['2026-03-10', 2_500],
      ['2026-03-11', 2_500],
      ['2026-03-12', 2_500],
    ]);
    expect(summarise(result)[0]?.explanation).toBe('Set & forget, every day: 25,00 kr. on 2026-03-10.');
  });

  it('saves 100,00 kr. every Monday, keyed by ISO week', () => {
    const mondays = rule({
      type: 'set-and-forget',
      schedule: { every: 'week', weekday: 1 },
      amountMinor: 10_000,
    });
    const result = evaluateAt('2026-03-22T20:00:00Z', { rules: [mondays], calendarFrom: '2026-03-01' });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.trigger.date])).toEqual([
      ['2026-W10', '2026-03-02'],
      ['2026-W11', '2026-03-09'],
      ['2026-W12', '2026-03-16'],
    ]);
    expect(summarise(result)[0]?.explanation).toBe('Set & forget, every Monday: 100,00 kr. on 2026-03-02.');
  });

  it('on day 31 saves on the last day of shorter months', () => {
    const monthEnd = rule({
      type: 'set-and-forget',
      schedule: { every: 'month', dayOfMonth: 31 },
      amountMinor: 50_000,
    });
    const result = evaluateAt('2026-04-30T20:00:00Z', { rules: [monthEnd], calendarFrom: '2026-02-01' });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.trigger.date])).toEqual([
      ['2026-02', '2026-02-28'],
      ['2026-03', '2026-03-31'],
      ['2026-04', '2026-04-30'],
    ]);
  });

  it('fires on the Danish date, not the UTC date: 23:30 UTC on Sunday is already Monday in Copenhagen', () => {
    const mondays = rule({
      type: 'set-and-forget',
      schedule: { every: 'week', weekday: 1 },
      amountMinor: 10_000,
    });
    const result = evaluateAt('2026-03-08T23:30:00Z', { rules: [mondays] });
    expect(result.today).toBe('2026-03-09');
    expect(result.entries.map((entry) => entry.trigger.ref)).toEqual(['2026-W11']);
  });

  it('does nothing before the day it was switched on', () => {
    const daily = rule({
      type: 'set-and-forget',
      schedule: { every: 'day' },
      amountMinor: 2_500,
      activeFrom: '2026-03-12',
    });
    const result = evaluateAt('2026-03-12T07:00:00Z', { rules: [daily], calendarFrom: '2026-03-01' });
    expect(result.entries.map((entry) => entry.trigger.ref)).toEqual(['2026-03-12']);
  });
});
