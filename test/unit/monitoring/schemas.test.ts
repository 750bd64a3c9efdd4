import { describe, expect, it } from 'vitest';
import {
  AlertCondition,
  DEFAULT_RECURRING_RULE,
  describeRecurringProblem,
  FunnelInput,
  RecurringRule,
  StuckThresholds,
  summaryLanguage,
} from '../../../shared/domain/monitoring';

describe('monitoring schemas', () => {
  it('fills funnel defaults and refuses a reversed period', () => {
    expect(FunnelInput.parse({ workspaceId: 1 })).toMatchObject({ basis: 'messages', horizonMs: 86_400_000, replyWindowMs: 86_400_000, compare: true });
    const bad = FunnelInput.safeParse({ workspaceId: 1, from: 5, to: 5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['to'], message: 'monitoring.error.period' });
    expect(FunnelInput.safeParse({ workspaceId: 1, horizonMs: 1000 }).success).toBe(false);
  });

  it('keeps a recurring rule consistent', () => {
    expect(RecurringRule.parse(DEFAULT_RECURRING_RULE)).toEqual(DEFAULT_RECURRING_RULE);
    const tooMany = RecurringRule.safeParse({ ...DEFAULT_RECURRING_RULE, notDelivered: { min: 6, withinMs: 86_400_000 } });
    expect(tooMany.error?.issues[0]).toMatchObject({ path: ['notDelivered', 'min'], message: 'monitoring.error.ruleMinAboveN' });
    expect(StuckThresholds.safeParse({ flash_promo: 0, notice: 1, newsletter: 1, other: 1 }).success).toBe(false);
  });

  it('fills alert defaults per kind', () => {
    expect(AlertCondition.parse({ kind: 'platform_incident' })).toMatchObject({ windowMs: 1_800_000, stepMs: 600_000, factor: 4, minContacts: 20 });
    expect(AlertCondition.safeParse({ kind: 'platform_incident', windowMs: 600_000, stepMs: 1_200_000 }).success).toBe(false);
    expect(AlertCondition.safeParse({ kind: 'delivery_rate_below', minRate: 1.5 }).success).toBe(false);
  });

  it('words a problem in the workspace’s language', () => {
    const p = { considered: 5, notDelivered: 3, deliveredNotSeen: 1, undecided: 0 };
    expect(describeRecurringProblem(p, DEFAULT_RECURRING_RULE, 'en')).toBe('3 of the last 5 messages not delivered within 24 h; 1 delivered but not seen within 72 h');
    expect(describeRecurringProblem(p, DEFAULT_RECURRING_RULE, 'fr')).toBe('3 des 5 derniers messages non remis sous 24 h ; 1 remis mais non lus sous 72 h');
    expect(summaryLanguage('fr-CA')).toBe('fr');
    expect(summaryLanguage('en-GB')).toBe('en');
  });
});
