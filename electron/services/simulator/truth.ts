import type { CampaignKind } from '../../../shared/domain/scenario';

/**
 * One message as the domain definition derives it from the emitted events:
 * `deliveredAt` / `readAt` are the earliest receipt times covering it (null: none).
 */
export interface TruthMessage {
  mid: string;
  pageId: string;
  psid: string;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
  campaignRef: string | null;
  variantRef: string | null;
}

/** Expected rates per sent message, computed from the model (not from the draws). */
export interface ExpectedRates {
  /** Mean P(delivered within the campaign's horizon H). */
  deliveredWithinH: number;
  /** Mean P(seen within H). */
  seenWithinH: number;
  /** Mean P(reply): P(seen within the reply age limit) × reply chance. */
  replied: number;
}

/** What this run's draws gave (counts over sent messages), conversation effects included. */
export interface ObservedCounts {
  deliveredWithinH: number;
  seenWithinH: number;
  /** Campaign replies written by the contacts (at most one per message). */
  replied: number;
}

export interface VariantTruth {
  ref: string;
  name: string;
  weight: number;
  /** True effects set by the scenario. */
  seenMultiplier: number;
  replyMultiplier: number;
  offsetMinutes: number;
  sendFailureShare: number;
  /** Audience members assigned to this variant. */
  assigned: number;
  /** Echoed sends. */
  sent: number;
  /** Not sent: the contact's 24-hour window had closed by the variant's send time. */
  skippedWindowClosed: number;
  /** Not sent: the Send API refused (injected failures). */
  failed: number;
  /**
   * Model expectation for each message as if sent alone (what the oracle answers);
   * null when the run was asked not to compute them. Observed rates run a little
   * higher: opening a thread reads everything in it, and contacts in an open window
   * are often mid-conversation with the Page.
   */
  expected: ExpectedRates | null;
  observed: ObservedCounts;
}

export interface CampaignTruth {
  ref: string;
  name: string;
  kind: CampaignKind;
  campaignRef: string;
  scheduledAt: number;
  horizonMinutes: number;
  /** Contacts inside their window at the scheduled time and targeted. */
  audience: number;
  variants: VariantTruth[];
}
