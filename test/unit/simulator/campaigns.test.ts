import { describe, expect, it } from 'vitest';
import { parseScenario, type ScenarioInput } from '../../../shared/domain/scenario';
import { zonedParts } from '../../../shared/time/zones';
import { assignVariant, expandCampaigns } from '../../../electron/services/simulator/campaigns';
import { flatten, isEcho, runInMemory } from './support';

function scenario(zone: string, startDate: string, days: number, extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'DST',
    seed: 99,
    startDate,
    days,
    page: { id: '55500011122', name: 'P', timeZone: zone, locale: zone.startsWith('Europe') ? 'fr-FR' : 'en-CA' },
    population: { size: 300, inboundPerWeek: { mean: 7, shape: 2 }, timeZones: [] },
    campaigns: [
      {
        ref: 'noon',
        name: 'Noon',
        kind: 'flash_promo',
        times: ['12:00'],
        fromDay: 0,
        variants: [
          { ref: 'A', name: 'A', text: 'a' },
          { ref: 'B', name: 'B', text: 'b', weight: 3 },
        ],
      },
    ],
    ...extra,
  };
}

describe('campaign schedule', () => {
  it('sends at 12:00 Paris time on both sides of the March and October DST changes', () => {
    const occ = expandCampaigns(parseScenario(scenario('Europe/Paris', '2026-03-27', 5)));
    expect(occ.map((o) => [o.date, new Date(o.scheduledAt).toISOString()])).toEqual([
      ['2026-03-27', '2026-03-27T11:00:00.000Z'],
      ['2026-03-28', '2026-03-28T11:00:00.000Z'],
      ['2026-03-29', '2026-03-29T10:00:00.000Z'],
      ['2026-03-30', '2026-03-30T10:00:00.000Z'],
      ['2026-03-31', '2026-03-31T10:00:00.000Z'],
    ]);
    const autumn = expandCampaigns(parseScenario(scenario('Europe/Paris', '2026-10-24', 3)));
    expect(autumn.map((o) => new Date(o.scheduledAt).toISOString())).toEqual(['2026-10-24T10:00:00.000Z', '2026-10-25T11:00:00.000Z', '2026-10-26T11:00:00.000Z']);
  });

  it('sends at 12:00 Toronto time across the March and November changes', () => {
    const spring = expandCampaigns(parseScenario(scenario('America/Toronto', '2026-03-07', 2)));
    expect(spring.map((o) => new Date(o.scheduledAt).toISOString())).toEqual(['2026-03-07T17:00:00.000Z', '2026-03-08T16:00:00.000Z']);
    const autumn = expandCampaigns(parseScenario(scenario('America/Toronto', '2026-10-31', 2)));
    expect(autumn.map((o) => new Date(o.scheduledAt).toISOString())).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-01T17:00:00.000Z']);
  });

  it('follows weekdays, explicit dates, day ranges and rotating times', () => {
    const s = parseScenario({
      ...scenario('Europe/Paris', '2026-01-05', 14),
      campaigns: [
        { ref: 'wk', name: 'W', kind: 'newsletter', times: ['10:00', '18:30'], weekdays: ['tue', 'fri'], fromDay: 0, variants: [{ ref: 'x', name: 'X', text: 't' }] },
        { ref: 'dt', name: 'D', kind: 'notice', times: ['09:15'], dates: ['2026-01-07', '2026-02-01'], fromDay: 0, variants: [{ ref: 'x', name: 'X', text: 't' }] },
        { ref: 'rg', name: 'R', kind: 'other', times: ['08:00'], fromDay: 3, toDay: 5, variants: [{ ref: 'x', name: 'X', text: 't' }] },
      ],
    });
    const occ = expandCampaigns(s);
    const local = (t: number) => {
      const p = zonedParts(t, 'Europe/Paris');
      return `${p.month}-${p.day} ${p.hour}:${String(p.minute).padStart(2, '0')}`;
    };
    expect(occ.filter((o) => o.campaignRef === 'wk').map((o) => local(o.scheduledAt))).toEqual(['1-6 10:00', '1-9 18:30', '1-13 10:00', '1-16 18:30']);
    expect(occ.filter((o) => o.campaignRef === 'dt').map((o) => local(o.scheduledAt))).toEqual(['1-7 9:15']);
    expect(occ.filter((o) => o.campaignRef === 'rg').map((o) => o.ref)).toEqual(['rg-2026-01-08', 'rg-2026-01-09']);
    // Time order across campaigns, and stable indices.
    for (let i = 1; i < occ.length; i++) expect(occ[i]!.scheduledAt).toBeGreaterThanOrEqual(occ[i - 1]!.scheduledAt);
    occ.forEach((o, i) => expect(o.index).toBe(i));
    expect(JSON.parse(occ[0]!.variants[0]!.metadata)).toEqual({ relais: { campaign: 'wk-2026-01-06', campaignName: 'W 2026-01-06', kind: 'newsletter', variant: 'x' } });
  });

  it('assigns variants reproducibly, in proportion to their weights', () => {
    const [o] = expandCampaigns(parseScenario(scenario('Europe/Paris', '2026-03-27', 1)));
    const counts = [0, 0];
    for (let i = 0; i < 20_000; i++) {
      const v = assignVariant('99', o!, String(1_000_000_000 + i));
      expect(assignVariant('99', o!, String(1_000_000_000 + i))).toBe(v);
      counts[v]!++;
    }
    // Weights 1:3 → 25 % ± 4 standard errors.
    expect(Math.abs(counts[0]! / 20_000 - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 20_000));
  });

  it('in the world, the echoes of the DST-day campaign carry the local-noon time', () => {
    const { deliveries } = runInMemory(scenario('Europe/Paris', '2026-03-28', 3), { expectedRates: false });
    const first = new Map<string, number>();
    for (const { event } of flatten(deliveries)) {
      if (!isEcho(event) || event.message.metadata === undefined) continue;
      const ref = (JSON.parse(event.message.metadata) as { relais: { campaign: string } }).relais.campaign;
      first.set(ref, Math.min(first.get(ref) ?? Infinity, event.timestamp));
    }
    expect([...first.keys()].sort()).toEqual(['noon-2026-03-28', 'noon-2026-03-29', 'noon-2026-03-30']);
    expect(new Date(first.get('noon-2026-03-28')!).toISOString()).toBe('2026-03-28T11:00:00.000Z');
    expect(new Date(first.get('noon-2026-03-29')!).toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(new Date(first.get('noon-2026-03-30')!).toISOString()).toBe('2026-03-30T10:00:00.000Z');
  });

  it('spreads a send at the configured rate and skips contacts whose window closed before a delayed variant', () => {
    const s = scenario('Europe/Paris', '2026-05-04', 4, {
      campaigns: [
        {
          ref: 'late',
          name: 'Late',
          kind: 'notice',
          times: ['12:00'],
          fromDay: 1,
          sendRatePerMinute: 60,
          variants: [
            { ref: 'now', name: 'Now', text: 'a' },
            { ref: 'later', name: 'Later', text: 'b', offsetMinutes: 600 },
          ],
        },
      ],
    });
    const run = runInMemory(s, { expectedRates: false });
    const truth = run.sim.campaigns();
    expect(truth).toHaveLength(3);
    let skippedLater = 0;
    for (const c of truth) {
      const [now, later] = c.variants;
      expect(now!.assigned + later!.assigned).toBe(c.audience);
      expect(now!.sent + now!.skippedWindowClosed).toBe(now!.assigned);
      expect(later!.sent + later!.skippedWindowClosed).toBe(later!.assigned);
      skippedLater += later!.skippedWindowClosed;
      // 60 per minute: the n-th message goes out about n seconds after noon.
      const sends = run.truth.filter((m) => m.campaignRef === c.ref && m.variantRef === 'now').map((m) => m.sentAt - c.scheduledAt);
      expect(Math.max(...sends)).toBeGreaterThan(((c.audience - 1) * 1000) / 2);
      expect(Math.max(...sends)).toBeLessThanOrEqual(c.audience * 1000 + 5);
    }
    // Ten hours later, some windows have closed: an SRM cause the A/B engine must detect.
    expect(skippedLater).toBeGreaterThan(0);
  });
});
