import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../shared/domain/scenario';
import type { CampaignTruth } from '../../../electron/services/simulator/truth';
import { runInMemory } from './support';

/** Sums a variant's figures over all occurrences. */
function totals(campaigns: CampaignTruth[], ref: string) {
  let sent = 0;
  let expSeen = 0;
  let expReplied = 0;
  let seen = 0;
  let replied = 0;
  for (const c of campaigns) {
    const v = c.variants.find((x) => x.ref === ref)!;
    sent += v.sent;
    expSeen += v.expected!.seenWithinH * v.sent;
    expReplied += v.expected!.replied * v.sent;
    seen += v.observed.seenWithinH;
    replied += v.observed.replied;
  }
  return { sent, expSeen: expSeen / sent, expReplied: expReplied / sent, seen: seen / sent, replied: replied / sent };
}

const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

function experiment(quiet: boolean): ScenarioInput {
  return {
    name: 'Experiment',
    seed: quiet ? 'ab-quiet' : 'ab-busy',
    startDate: '2026-04-06',
    days: 10,
    page: { id: '300000000007', name: 'Lab', timeZone: 'Europe/Paris', locale: 'fr-FR', replyProbability: quiet ? 0 : 0.85 },
    population: {
      size: 2500,
      inboundPerWeek: { mean: 6, shape: 2 },
      readPropensity: { mean: 0.6, concentration: 8 },
      replyPropensity: { mean: 0.1, concentration: 6 },
    },
    behaviour: quiet ? { burstContinue: 0 } : {},
    platform: { incidents: { perMonth: 0 } },
    campaigns: [
      {
        ref: 'promo',
        name: 'Promo',
        kind: 'flash_promo',
        times: ['12:30'],
        fromDay: 1,
        variants: [
          { ref: 'A', name: 'Control', text: 'a' },
          { ref: 'A2', name: 'Same as control', text: 'a' },
          { ref: 'B', name: 'Better', text: 'b', seenMultiplier: 1.4, replyMultiplier: 2 },
        ],
      },
    ],
  };
}

describe('campaign variants have the true effects the scenario sets', () => {
  it('in large samples the better variant is seen and answered more, the A/A pair alike', () => {
    const { sim } = runInMemory(experiment(false));
    const campaigns = sim.campaigns();
    const a = totals(campaigns, 'A');
    const a2 = totals(campaigns, 'A2');
    const b = totals(campaigns, 'B');
    expect(a.sent).toBeGreaterThan(2500);
    expect(b.sent).toBeGreaterThan(2500);
    // The model's own expectation carries the effect…
    expect(b.expSeen / a.expSeen).toBeGreaterThan(1.2);
    expect(b.expReplied / a.expReplied).toBeGreaterThan(1.9);
    expect(Math.abs(a2.expSeen - a.expSeen)).toBeLessThan(0.02);
    // …and the observed rates show it, far beyond noise.
    expect(b.seen - a.seen).toBeGreaterThan(4 * Math.hypot(se(a.seen, a.sent), se(b.seen, b.sent)));
    expect(b.replied - a.replied).toBeGreaterThan(4 * Math.hypot(se(a.replied, a.sent), se(b.replied, b.sent)));
    expect(Math.abs(a2.seen - a.seen)).toBeLessThan(4 * Math.hypot(se(a.seen, a.sent), se(a2.seen, a2.sent)));
    expect(Math.abs(a2.replied - a.replied)).toBeLessThan(4 * Math.hypot(se(a.replied, a.sent), se(a2.replied, a2.sent)));
  });

  it('without conversations around it, each message is seen exactly as often as the model expects', () => {
    // No Page answers, no message bursts: a campaign message is the only unread thing in its thread.
    const { sim } = runInMemory(experiment(true));
    const campaigns = sim.campaigns();
    for (const ref of ['A', 'A2', 'B']) {
      const v = totals(campaigns, ref);
      expect(v.sent).toBeGreaterThan(2000);
      expect(Math.abs(v.seen - v.expSeen), `${ref}: observed ${v.seen} vs expected ${v.expSeen}`).toBeLessThan(4 * se(v.expSeen, v.sent) + 0.005);
      expect(Math.abs(v.replied - v.expReplied), `${ref}: replied ${v.replied} vs expected ${v.expReplied}`).toBeLessThan(4 * se(v.expReplied, v.sent) + 0.005);
    }
  });
});
