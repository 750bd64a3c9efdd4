import { describe, expect, it } from 'vitest';
import { checkPlanForm, defaultDay, horizonMinutes, localInstant, parsePsids, type PlanFormValue } from '../../../renderer/src/features/sendTime/planForm';

const PARIS = 'Europe/Paris';
const base: PlanFormValue = {
  audience: 'all',
  psidText: '',
  segmentId: '',
  horizon: { preset: 'flash', amount: '', unit: 'minutes' },
  day: '2026-06-12',
  startTime: '11:00',
  endTime: '14:00',
  quiet: false,
  quietStart: 22,
  quietEnd: 8,
  perMinuteCap: '',
  frequencyMax: '',
  frequencyDays: '7',
  holdoutPercent: '10',
  explorePercent: '0',
};
// 2026-06-12 08:00 in Paris (UTC+2).
const NOW = Date.UTC(2026, 5, 12, 6, 0);

describe('send-plan form', () => {
  it('reads PSIDs from a pasted list or a CSV with a psid column, once each, ignoring the rest', () => {
    expect(parsePsids('111\n222\n111\n\nabc')).toEqual({ psids: ['111', '222'], ignored: 1 });
    expect(parsePsids('\uFEFFname,psid\r\n"Léa",3001\r\nMax,3002\r\nBob,\r\n')).toEqual({ psids: ['3001', '3002'], ignored: 0 });
    expect(parsePsids('1; 2\t3 4')).toEqual({ psids: ['1', '2', '3', '4'], ignored: 0 });
  });

  it('turns presets and custom amounts into minutes, refusing what the API would refuse', () => {
    expect(horizonMinutes({ preset: 'flash', amount: 'x', unit: 'hours' })).toBe(60);
    expect(horizonMinutes({ preset: 'newsletter', amount: '', unit: 'minutes' })).toBe(1440);
    expect(horizonMinutes({ preset: 'custom', amount: '3', unit: 'hours' })).toBe(180);
    expect(horizonMinutes({ preset: 'custom', amount: '0', unit: 'minutes' })).toBeNull();
    expect(horizonMinutes({ preset: 'custom', amount: '169', unit: 'hours' })).toBeNull();
    expect(horizonMinutes({ preset: 'custom', amount: '1.5', unit: 'hours' })).toBeNull();
  });

  it('places wall-clock times in the workspace zone, across DST', () => {
    expect(localInstant('2026-06-12', '11:00', PARIS)).toBe(Date.UTC(2026, 5, 12, 9, 0));
    expect(localInstant('2026-01-12', '11:00', PARIS)).toBe(Date.UTC(2026, 0, 12, 10, 0));
    expect(localInstant('2026-01-12', '25:00', PARIS)).toBeNull();
    expect(localInstant('', '11:00', PARIS)).toBeNull();
  });

  it('defaults to today while the lunch window is still ahead, else tomorrow', () => {
    expect(defaultDay(NOW, PARIS)).toBe('2026-06-12');
    expect(defaultDay(Date.UTC(2026, 5, 12, 13, 0), PARIS)).toBe('2026-06-13');
    // 23:30 UTC on the 30th is already the 1st in Paris.
    expect(defaultDay(Date.UTC(2026, 5, 30, 23, 30), PARIS)).toBe('2026-07-01');
  });

  it('gives a valid form its request: window in ms, holdout as a share', () => {
    const { problems, plan } = checkPlanForm({ ...base, quiet: true, perMinuteCap: '50', frequencyMax: '2', holdoutPercent: '12,5', explorePercent: '5' }, PARIS, NOW);
    expect(problems).toEqual([]);
    expect(plan).toEqual({
      horizonMinutes: 60,
      start: Date.UTC(2026, 5, 12, 9, 0),
      end: Date.UTC(2026, 5, 12, 12, 0),
      psids: null,
      segmentId: null,
      quietHours: { startHour: 22, endHour: 8 },
      perMinuteCap: 50,
      frequencyCap: { max: 2, days: 7 },
      holdoutShare: 0.125,
      explorationShare: 0.05,
    });
  });

  it('names the field of each problem: empty audience, past window, H longer than the window, bad caps', () => {
    const codes = (v: Partial<PlanFormValue>, now = NOW) => checkPlanForm({ ...base, ...v }, PARIS, now).problems.map((p) => `${p.field}:${p.code}`);
    expect(codes({ audience: 'list', psidText: 'nobody here' })).toEqual(['audience:audience.empty']);
    expect(codes({}, Date.UTC(2026, 5, 12, 12, 30))).toEqual(['day:window.past']);
    expect(codes({ endTime: '10:00' })).toEqual(['endTime:window.empty']);
    expect(codes({ horizon: { preset: 'newsletter', amount: '', unit: 'minutes' } })).toEqual(['horizon:horizon.longerThanWindow']);
    expect(codes({ perMinuteCap: '0', holdoutPercent: '120' })).toEqual(['perMinuteCap:cap.invalid', 'holdoutPercent:holdout.invalid']);
    expect(codes({ frequencyMax: '3', frequencyDays: '400' })).toEqual(['frequencyDays:cap.invalid']);
    expect(codes({ audience: 'segment' })).toEqual(['audience:audience.noSegment']);
    expect(checkPlanForm({ ...base, audience: 'segment', segmentId: '4' }, PARIS, NOW).plan?.segmentId).toBe(4);
    expect(codes({ explorePercent: '60' })).toEqual(['explorePercent:explore.invalid']);
    const longer = checkPlanForm({ ...base, horizon: { preset: 'custom', amount: '4', unit: 'hours' } }, PARIS, NOW).problems[0];
    expect(longer).toEqual({ field: 'horizon', code: 'horizon.longerThanWindow', windowMinutes: 180 });
  });
});
