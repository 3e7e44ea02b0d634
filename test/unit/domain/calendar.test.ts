import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  endOfMonth,
  epochDay,
  isoWeekday,
  isoWeekKey,
  isValidTimeZone,
  localDateOf,
  periodKeyOf,
  startOfIsoWeek,
} from '#domain/calendar';
import { InvalidDateError } from '#domain/errors';

describe('local dates in the saver time zone', () => {
  const copenhagen = 'Europe/Copenhagen';

  it('puts a late-evening UTC instant on the next Danish day', () => {
    // 23:30 UTC on 28 March 2026 is 00:30 CET on the 29th.
    expect(localDateOf(new Date('2026-03-28T23:30:00Z'), copenhagen)).toBe('2026-03-29');
    expect(localDateOf(new Date('2026-03-28T22:59:59Z'), copenhagen)).toBe('2026-03-28');
  });

  it('moves midnight by an hour across the spring change (last Sunday of March)', () => {
    // 29 March 2026 has 23 hours: CET until 02:00, CEST after. Midnight of the 30th is 22:00 UTC.
    expect(localDateOf(new Date('2026-03-29T21:59:59Z'), copenhagen)).toBe('2026-03-29');
    expect(localDateOf(new Date('2026-03-29T22:00:00Z'), copenhagen)).toBe('2026-03-30');
  });

  it('moves it back across the autumn change (last Sunday of October)', () => {
    // 25 October 2026 has 25 hours; midnight of the 26th is 23:00 UTC again.
    expect(localDateOf(new Date('2026-10-25T22:59:59Z'), copenhagen)).toBe('2026-10-25');
    expect(localDateOf(new Date('2026-10-25T23:00:00Z'), copenhagen)).toBe('2026-10-26');
  });

  it('rejects unknown time zones', () => {
    expect(isValidTimeZone('Europe/Copenhagen')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('calendar arithmetic', () => {
  it('counts days and weekdays on civil dates, unaffected by DST', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(isoWeekday('2026-03-29')).toBe(7); // a Sunday
    expect(isoWeekday('2026-03-30')).toBe(1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(endOfMonth('2026-02-10')).toBe('2026-02-28');
  });

  it('keys ISO weeks, including weeks that straddle New Year', () => {
    expect(isoWeekKey('2026-03-29')).toBe('2026-W13');
    expect(isoWeekKey('2026-03-30')).toBe('2026-W14');
    expect(isoWeekKey('2026-12-31')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-03')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-04')).toBe('2027-W01');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    expect(periodKeyOf('month', '2026-03-29')).toBe('2026-03');
  });

  it('rejects dates that do not exist', () => {
    expect(() => epochDay('2026-02-29')).toThrow(InvalidDateError);
    expect(() => epochDay('29-03-2026')).toThrow(InvalidDateError);
  });

  propertyTest.prop([fc.integer({ min: 0, max: 40_000 })], { numRuns: 200 })(
    'every date of an ISO week shares its week key with that week’s Monday',
    (day) => {
      const date = addDays('1970-01-01', day);
      const monday = startOfIsoWeek(date);
      expect(isoWeekday(monday)).toBe(1);
      expect(isoWeekKey(date)).toBe(isoWeekKey(monday));
      expect(isoWeekKey(addDays(monday, 7))).not.toBe(isoWeekKey(monday));
    },
  );
});
