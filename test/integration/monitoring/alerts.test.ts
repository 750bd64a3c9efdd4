import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, alertList, alertRules, deleteAlertRule, evaluateAlerts, formatAlertsForCli, saveAlertRule } from '../../../electron/services/monitoring';
import { createRandom } from '../../../shared/stats/random';
import type { AlertConditionInput } from '../../../shared/domain/monitoring';
import { DAY_MS, Fixture, HOUR_MS, MIN, openDb } from './support';

const NOW = Date.UTC(2025, 5, 20, 15);

/**
 * Three days of ordinary sends (delivered in seconds), then a campaign to 80 contacts two
 * hours ago. With `incident`, every send of that hour is held up: most still undelivered,
 * the rest delivered 45 to 110 minutes late. Same seed, same data otherwise.
 */
function incidentWorld(incident: boolean) {
  const db = openDb();
  const f = new Fixture(db);
  const rnd = createRandom(2025);
  const ws = f.workspace('Europe/Paris');
  const page = f.page(ws);
  const contacts = Array.from({ length: 200 }, () => f.contact(page));
  const pick = () => contacts[Math.floor(rnd() * contacts.length)]!;
  const held = (sent: number) => incident && sent >= NOW - 2 * HOUR_MS - 5 * MIN && sent < NOW - HOUR_MS;
  const send = (contact: number, sent: number, campaign: number | null = null) => {
    const late = held(sent);
    const r = rnd();
    const deliveredAt = late ? (r < 0.6 ? null : sent + 45 * MIN + Math.floor(rnd() * 65 * MIN)) : sent + 1000 + Math.floor(r * 9000);
    f.out(contact, sent, { delivered: deliveredAt !== null && deliveredAt <= NOW ? deliveredAt : null, read: deliveredAt !== null && rnd() < 0.5 && deliveredAt + 60_000 <= NOW ? deliveredAt + 60_000 : null, campaign });
  };
  db.transaction(() => {
    for (let t = NOW - 3 * DAY_MS; t < NOW - 5 * MIN; t += 10 * MIN) {
      send(pick(), t + Math.floor(rnd() * 60_000));
      send(pick(), t + 120_000 + Math.floor(rnd() * 60_000));
    }
    const promo = f.campaign(ws, 'flash_promo', 'Promo de 15 h');
    contacts.slice(0, 80).forEach((c, i) => send(c, NOW - 2 * HOUR_MS + i * 1500, promo));
  })();
  return { db, ws };
}

const onlyRule = (db: Database.Database, ws: number, condition: AlertConditionInput) => {
  for (const r of alertRules(db, { workspaceId: ws })) saveAlertRule(db, { workspaceId: ws, id: r.id, enabled: false, condition: r.condition });
  return saveAlertRule(db, { workspaceId: ws, condition, now: NOW });
};

describe('alerts: a platform incident', () => {
  it('fires on the injected incident and not on the same scenario without it', () => {
    const quiet = incidentWorld(false);
    expect(evaluateAlerts(quiet.db, quiet.ws, NOW)).toMatchObject({ opened: [], resolved: [], active: 0 });

    const { db, ws } = incidentWorld(true);
    const result = evaluateAlerts(db, ws, NOW);
    const incident = result.opened.find((a) => a.kind === 'platform_incident');
    expect(incident).toBeDefined();
    expect(incident).toMatchObject({ status: 'open', subject: { type: 'workspace' }, openedAt: NOW, lastTriggeredAt: NOW, acknowledgedAt: null, resolvedAt: null });
    if (incident?.evidence.kind !== 'platform_incident') throw new Error('expected incident evidence');
    expect(incident.evidence.contactsAffected).toBeGreaterThanOrEqual(20);
    expect(incident.evidence.baselineMedianMs).toBeLessThan(10_000);
    expect(incident.evidence.windowMedianMs).toBeGreaterThanOrEqual(incident.evidence.thresholdMs);
    expect(incident.evidence.windowStart).toBeGreaterThanOrEqual(NOW - 2 * HOUR_MS - 30 * MIN);
    expect(incident.evidence.windowEnd).toBeLessThanOrEqual(NOW);
  });

  it('keeps one open alert per rule and subject, then resolves it when the incident leaves the window', () => {
    const { db, ws } = incidentWorld(true);
    const first = evaluateAlerts(db, ws, NOW);
    const id = first.opened.find((a) => a.kind === 'platform_incident')!.id;
    const again = evaluateAlerts(db, ws, NOW + 5 * MIN);
    expect(again.opened.filter((a) => a.kind === 'platform_incident')).toEqual([]);
    expect(again.active).toBe(first.active);
    const listed = alertList(db, { workspaceId: ws, status: 'active' });
    expect(listed.items.find((a) => a.id === id)).toMatchObject({ openedAt: NOW, lastTriggeredAt: NOW + 5 * MIN, status: 'open' });

    const later = evaluateAlerts(db, ws, NOW + 8 * HOUR_MS);
    expect(later.resolved.map((a) => a.id)).toContain(id);
    expect(alertList(db, { workspaceId: ws, status: 'resolved' }).items.find((a) => a.id === id)).toMatchObject({ status: 'resolved', resolvedAt: NOW + 8 * HOUR_MS });
  });

  it('is acknowledged once, listed with its history, and printed for the CLI', () => {
    const { db, ws } = incidentWorld(true);
    const opened = evaluateAlerts(db, ws, NOW).opened;
    const alert = opened.find((a) => a.kind === 'platform_incident')!;
    const acked = acknowledgeAlert(db, { workspaceId: ws, alertId: alert.id, now: NOW + MIN });
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: NOW + MIN });
    expect(acknowledgeAlert(db, { workspaceId: ws, alertId: alert.id, now: NOW + 2 * MIN }).acknowledgedAt).toBe(NOW + MIN);
    const all = alertList(db, { workspaceId: ws });
    expect(all).toMatchObject({ total: opened.length, active: opened.length, unacknowledged: opened.length - 1 });
    expect(alertList(db, { workspaceId: ws, status: 'open' }).items.map((a) => a.id)).not.toContain(alert.id);
    expect(formatAlertsForCli(all)).toMatch(/platform_incident.*contacts late; median/);
    const other = new Fixture(db).workspace('UTC');
    expect(() => acknowledgeAlert(db, { workspaceId: other, alertId: alert.id })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('alert rules', () => {
  it('are created with their defaults once, on first use, and stay deleted when deleted', () => {
    const db = openDb();
    const ws = new Fixture(db).workspace('Europe/Paris');
    const rules = alertRules(db, { workspaceId: ws });
    expect(rules.map((r) => r.condition.kind)).toEqual(['delivery_rate_below', 'delivery_latency_above', 'campaign_seen_below', 'platform_incident']);
    expect(rules[0]).toMatchObject({ enabled: true, condition: { lastN: 100, minRate: 0.8, horizonMs: DAY_MS } });
    deleteAlertRule(db, { workspaceId: ws, id: rules[3]!.id });
    evaluateAlerts(db, ws, NOW);
    expect(alertRules(db, { workspaceId: ws })).toHaveLength(3);
    expect(() => saveAlertRule(db, { workspaceId: ws, condition: { kind: 'delivery_rate_below', minRate: 2 } })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => deleteAlertRule(db, { workspaceId: ws, id: 999 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('delivery rate of the last N judged sends below X %', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const c = f.contact(f.page(ws));
    onlyRule(db, ws, { kind: 'delivery_rate_below', lastN: 10, minRate: 0.8, horizonMs: HOUR_MS });
    // Ten sends old enough to judge: seven delivered within the hour, one two hours late, two never.
    for (let i = 0; i < 10; i++) {
      const t = NOW - 5 * HOUR_MS + i * MIN;
      f.out(c, t, { delivered: i < 7 ? t + 1000 : i === 7 ? t + 2 * HOUR_MS : null });
    }
    f.out(c, NOW - 10 * MIN); // too recent: not among the judged
    const fired = evaluateAlerts(db, ws, NOW).opened;
    expect(fired).toHaveLength(1);
    expect(fired[0]!.evidence).toEqual({
      kind: 'delivery_rate_below',
      sends: 10,
      delivered: 7,
      rate: 0.7,
      minRate: 0.8,
      horizonMs: HOUR_MS,
      firstSentAt: NOW - 5 * HOUR_MS,
      lastSentAt: NOW - 5 * HOUR_MS + 9 * MIN,
    });
    // A late receipt brings the rate to 80 %: the alert resolves.
    const late = db.prepare("SELECT id FROM messages WHERE delivered_at IS NULL AND direction = 'out' ORDER BY sent_at LIMIT 1").pluck().get() as number;
    f.deliver(late, NOW - 5 * HOUR_MS + 8 * MIN + 2000);
    expect(evaluateAlerts(db, ws, NOW).resolved).toHaveLength(1);
  });

  it('median delivery latency above Y, counting an undelivered send as at least its age', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const c = f.contact(f.page(ws));
    onlyRule(db, ws, { kind: 'delivery_latency_above', lastN: 10, maxMedianMs: HOUR_MS });
    const sends = Array.from({ length: 10 }, (_, i) => NOW - 3 * HOUR_MS + i * MIN);
    // Five fast, five still undelivered after almost three hours: the median (5th of 10) is fast.
    const ids = sends.map((t, i) => f.out(c, t, { delivered: i < 5 ? t + 5000 : null }));
    expect(evaluateAlerts(db, ws, NOW).opened).toEqual([]);
    // One fast delivery turns out to have been two hours late: now six of ten are slow.
    f.deliver(ids[0]!, sends[0]! + 2 * HOUR_MS);
    const fired = evaluateAlerts(db, ws, NOW).opened;
    expect(fired.map((a) => a.evidence)).toEqual([
      { kind: 'delivery_latency_above', sends: 10, slowerThanLimit: 6, medianAtLeastMs: 2 * HOUR_MS, maxMedianMs: HOUR_MS },
    ]);
  });

  it('campaign seen by less than Z % after H hours, per campaign', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const page = f.page(ws);
    onlyRule(db, ws, { kind: 'campaign_seen_below', afterMs: DAY_MS, minSeenRate: 0.3, minSends: 20 });
    const campaign = (name: string, sentAt: number, seen: number, sends = 20) => {
      const id = f.campaign(ws, 'newsletter', name);
      for (let i = 0; i < sends; i++) f.out(f.contact(page), sentAt + i, { delivered: sentAt + i + 1000, read: i < seen ? sentAt + HOUR_MS : null, campaign: id });
      return id;
    };
    const weak = campaign('Faible', NOW - 30 * HOUR_MS, 4);
    campaign('Correcte', NOW - 30 * HOUR_MS, 10);
    campaign('Trop récente', NOW - 2 * HOUR_MS, 0);
    campaign('Trop ancienne', NOW - 9 * DAY_MS, 0);
    campaign('Trop petite', NOW - 30 * HOUR_MS, 0, 5);
    const fired = evaluateAlerts(db, ws, NOW).opened;
    expect(fired.map((a) => [a.subject, a.evidence])).toEqual([
      [
        { type: 'campaign', campaignId: weak, campaignName: 'Faible' },
        { kind: 'campaign_seen_below', sends: 20, seen: 4, rate: 0.2, minSeenRate: 0.3, afterMs: DAY_MS, firstSentAt: NOW - 30 * HOUR_MS },
      ],
    ]);
  });

  it('resolves the alerts of a rule that is disabled', () => {
    const { db, ws } = incidentWorld(true);
    const opened = evaluateAlerts(db, ws, NOW).opened;
    const incident = opened.find((a) => a.kind === 'platform_incident')!;
    const rule = alertRules(db, { workspaceId: ws }).find((r) => r.id === incident.ruleId)!;
    saveAlertRule(db, { workspaceId: ws, id: rule.id, enabled: false, condition: rule.condition });
    expect(evaluateAlerts(db, ws, NOW + MIN).resolved.map((a) => a.id)).toContain(incident.id);
  });
});
