import { describe, expect, it } from 'vitest';
import { Scenario, ScenarioError, parseScenario, type ScenarioInput } from '../../../shared/domain/scenario';
import { loadScenario } from './support';

const minimal: ScenarioInput = {
  name: 'Minimal',
  seed: 1,
  startDate: '2026-01-05',
  days: 3,
  page: { id: '1234567890', name: 'P', timeZone: 'Europe/Paris' },
  population: { size: 10 },
};

function issuesOf(input: unknown): string[] {
  try {
    parseScenario(input);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('scenario file', () => {
  it.each(['restaurant', 'shop', 'small-test'] as const)('the bundled %s scenario is valid', (name) => {
    const s = parseScenario(loadScenario(name));
    expect(s.campaigns.length).toBeGreaterThan(0);
    for (const c of s.campaigns) expect(c.variants.length).toBeGreaterThanOrEqual(1);
  });

  it('the demo scenarios match the brief: a Paris restaurant with a 12:00 lunch promo, a Toronto shop with newsletters', () => {
    const r = parseScenario(loadScenario('restaurant'));
    expect(r.page.timeZone).toBe('Europe/Paris');
    expect(r.page.locale).toBe('fr-FR');
    expect(r.campaigns.some((c) => c.kind === 'flash_promo' && c.times.includes('12:00') && c.horizonMinutes === 60)).toBe(true);
    const s = parseScenario(loadScenario('shop'));
    expect(s.page.timeZone).toBe('America/Toronto');
    expect(s.campaigns.some((c) => c.kind === 'newsletter')).toBe(true);
    expect(r.population.size + s.population.size).toBe(20_000);
    expect(r.days).toBe(180);
    expect(s.days).toBe(180);
  });

  it('fills every default so a scenario only states what is special', () => {
    const s = parseScenario(minimal);
    expect(s.version).toBe(1);
    expect(s.campaigns).toEqual([]);
    expect(s.population.notificationsOn).toBe(0.7);
    expect(s.population.readPropensity).toEqual({ mean: 0.8, concentration: 6 });
    expect(s.behaviour.notificationFreshMinutes).toBe(15);
    expect(s.platform.incidents.durationMinutes).toEqual({ median: 40, sigma: 0.7 });
    expect(s.webhook.watermarkOnlyShare).toBe(0.3);
    expect(s.faults).toEqual({ badLineRate: 0, kinds: ['truncated_json', 'wrong_object', 'watermark_seconds', 'bad_signature'] });
    expect(s.page.appId).toMatch(/^\d+$/);
    // Parsing a parsed scenario changes nothing.
    expect(Scenario.parse(s)).toEqual(s);
  });

  it('gives each campaign kind its useful life unless stated', () => {
    const s = parseScenario({
      ...minimal,
      campaigns: [
        { ref: 'a', name: 'A', kind: 'flash_promo', times: ['12:00'], variants: [{ ref: 'x', name: 'X', text: 't' }] },
        { ref: 'b', name: 'B', kind: 'newsletter', times: ['09:00'], variants: [{ ref: 'x', name: 'X', text: 't' }] },
        { ref: 'c', name: 'C', kind: 'other', times: ['09:00'], horizonMinutes: 90, variants: [{ ref: 'x', name: 'X', text: 't' }] },
      ],
    });
    expect(s.campaigns.map((c) => c.horizonMinutes)).toEqual([60, 1440, 90]);
  });

  it('names each bad field', () => {
    expect(issuesOf({ ...minimal, page: { ...minimal.page, timeZone: 'Mars/Olympus' } })).toEqual(['page.timeZone: timeZone.invalid']);
    expect(issuesOf({ ...minimal, page: { ...minimal.page, id: 'abc' } })).toEqual(['page.id: id.numeric']);
    expect(issuesOf({ ...minimal, startDate: '2026-02-30' })).toEqual(['startDate: date.invalid']);
    expect(issuesOf({ ...minimal, days: 0 })[0]).toMatch(/^days: /);
    expect(issuesOf({ ...minimal, population: { size: 10, blocked: 1.5 } })[0]).toMatch(/^population\.blocked: /);
    expect(issuesOf({ ...minimal, population: { size: 10, timeZones: [{ zone: 'Europe/London', share: 0.7 }, { zone: 'UTC', share: 0.6 }] } })).toEqual([
      'population.timeZones: timeZones.sharesAboveOne',
    ]);
    expect(issuesOf({ ...minimal, population: { size: 10, archetypes: { night_owl: 0 } } })).toEqual(['population.archetypes: archetypes.empty']);
    const variant = { ref: 'v', name: 'V', text: 't' };
    const nine = Array.from({ length: 9 }, (_, i) => ({ ...variant, ref: `v${i}` }));
    expect(issuesOf({ ...minimal, campaigns: [{ ref: 'c', name: 'C', kind: 'notice', times: ['10:00'], variants: nine }] })[0]).toMatch(/^campaigns\.0\.variants: /);
    expect(
      issuesOf({
        ...minimal,
        campaigns: [
          { ref: 'c', name: 'C', kind: 'notice', times: ['10:00'], variants: [variant] },
          { ref: 'd', name: 'D', kind: 'notice', times: ['25:00'], variants: [variant] },
        ],
      }),
    ).toEqual(['campaigns.1.times.0: time.format']);
    expect(
      issuesOf({
        ...minimal,
        campaigns: [
          { ref: 'c', name: 'C', kind: 'notice', times: ['10:00'], variants: [variant, variant] },
          { ref: 'c', name: 'D', kind: 'notice', times: ['11:00'], variants: [variant] },
        ],
      }),
    ).toEqual(['campaigns.0.variants.1.ref: variant.duplicateRef', 'campaigns.1.ref: campaign.duplicateRef']);
    expect(issuesOf({ ...minimal, campaigns: [{ ref: 'c', name: 'C', kind: 'promo', times: ['10:00'], variants: [variant] }] })[0]).toMatch(/^campaigns\.0\.kind: /);
    expect(issuesOf({ ...minimal, faults: { badLineRate: 0.1, kinds: ['bogus'] } })[0]).toMatch(/^faults\.kinds\.0: /);
  });
});
