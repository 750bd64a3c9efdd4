import type { Condition, NumberTest, RuleNode, SegmentRule, TextTest } from '../domain/segmentRule';

/**
 * A segment rule as one plain sentence in French or English, shown under the builder and used
 * in version diffs. Pure: names come from `lookups`, times are written in UTC (or the zone the
 * caller formats with), so the same rule always reads the same.
 */

export type RuleLanguage = 'fr' | 'en';

export interface RuleLookups {
  pageName?: (id: number) => string | undefined;
  campaignName?: (id: number) => string | undefined;
  variantName?: (id: number) => string | undefined;
  segmentName?: (id: number) => string | undefined;
  /** Formats a UTC ms time; defaults to `YYYY-MM-DD HH:mm UTC`. */
  formatTime?: (ms: number) => string;
}

const WORDS = {
  en: {
    and: 'and',
    or: 'or',
    not: 'not',
    notAll: 'not all of:',
    page: 'whose Page',
    locale: 'whose locale',
    timeZone: 'whose time zone',
    consent: { true: 'who consent to', false: 'who do not consent to' },
    channel: { messenger: 'Messenger', sms: 'SMS', email: 'email' },
    optedOut: { true: 'who opted out', false: 'who have not opted out' },
    firstInboundAt: 'whose first message to the Page',
    lastInboundAt: 'whose last message to the Page',
    lastSeenAt: 'whose last seen message',
    insideWindow: { true: 'inside the 24-hour window', false: 'outside the 24-hour window' },
    now: 'now',
    at: 'at',
    messagesReceived: 'whose messages received',
    deliveredRate: 'whose delivered rate',
    seenRate: 'whose seen rate',
    medianSeenLatency: 'whose median time from sent to seen',
    replied: { true: 'who replied', false: 'who did not reply' },
    clicked: { true: 'who clicked (saw then answered)', false: 'who did not click (saw then answered)' },
    stuckCount: 'whose stuck messages',
    labels: {
      hasAny: 'with any of the labels',
      hasAll: 'with all of the labels',
      hasNone: 'with none of the labels',
      empty: 'without labels',
      notEmpty: 'with at least one label',
    },
    recurringProblem: { true: 'with recurring reception problems', false: 'without recurring reception problems' },
    campaign: {
      received: { true: 'who received', false: 'who did not receive' },
      saw: { true: 'who saw', false: 'who did not see' },
      replied: { true: 'who replied to', false: 'who did not reply to' },
    },
    campaignWord: 'campaign',
    variantWord: 'variant',
    segment: { true: 'in segment', false: 'not in segment' },
    between: (a: string, b: string) => `between ${a} and ${b}`,
    period: (a: string, b: string) => `for messages sent from ${a} to before ${b}`,
    ops: { eq: 'is', ne: 'is not', lt: 'is below', lte: 'is at most', gt: 'is above', gte: 'is at least', in: 'is one of', notIn: 'is none of', empty: 'is unknown', notEmpty: 'is known' },
    timeOps: { eq: 'is at', ne: 'is not at', lt: 'is before', lte: 'is at or before', gt: 'is after', gte: 'is at or after' },
    hours: (h: string) => `${h} h`,
  },
  fr: {
    and: 'et',
    or: 'ou',
    not: 'non',
    notAll: 'pas à la fois :',
    page: 'dont la Page',
    locale: 'dont la langue',
    timeZone: 'dont le fuseau horaire',
    consent: { true: 'qui consentent à', false: 'qui ne consentent pas à' },
    channel: { messenger: 'Messenger', sms: 'SMS', email: 'e-mail' },
    optedOut: { true: 'qui se sont désinscrits', false: 'qui ne se sont pas désinscrits' },
    firstInboundAt: 'dont le premier message à la Page',
    lastInboundAt: 'dont le dernier message à la Page',
    lastSeenAt: 'dont le dernier message vu',
    insideWindow: { true: 'dans la fenêtre de 24 heures', false: 'hors de la fenêtre de 24 heures' },
    now: 'maintenant',
    at: 'le',
    messagesReceived: 'dont le nombre de messages reçus',
    deliveredRate: 'dont le taux de distribution',
    seenRate: 'dont le taux de lecture',
    medianSeenLatency: 'dont le délai médian entre envoi et lecture',
    replied: { true: 'qui ont répondu', false: "qui n'ont pas répondu" },
    clicked: { true: 'qui ont cliqué (vu puis répondu)', false: "qui n'ont pas cliqué (vu puis répondu)" },
    stuckCount: 'dont le nombre de messages bloqués',
    labels: {
      hasAny: "avec l'une des étiquettes",
      hasAll: 'avec toutes les étiquettes',
      hasNone: "sans aucune des étiquettes",
      empty: 'sans étiquette',
      notEmpty: 'avec au moins une étiquette',
    },
    recurringProblem: { true: 'avec des problèmes de réception récurrents', false: 'sans problèmes de réception récurrents' },
    campaign: {
      received: { true: 'qui ont reçu', false: "qui n'ont pas reçu" },
      saw: { true: 'qui ont vu', false: "qui n'ont pas vu" },
      replied: { true: 'qui ont répondu à', false: "qui n'ont pas répondu à" },
    },
    campaignWord: 'la campagne',
    variantWord: 'variante',
    segment: { true: 'du segment', false: 'hors du segment' },
    between: (a: string, b: string) => `entre ${a} et ${b}`,
    period: (a: string, b: string) => `pour les messages envoyés du ${a} jusqu'avant le ${b}`,
    ops: { eq: 'est', ne: "n'est pas", lt: 'est inférieur à', lte: 'est au plus', gt: 'est supérieur à', gte: 'est au moins', in: "est l'un de", notIn: "n'est aucun de", empty: 'est inconnu', notEmpty: 'est connu' },
    timeOps: { eq: 'est le', ne: "n'est pas le", lt: 'est avant le', lte: 'est au plus tard le', gt: 'est après le', gte: 'est au plus tôt le' },
    hours: (h: string) => `${h} h`,
  },
} as const;

function defaultTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function quote(lang: RuleLanguage, s: string): string {
  return lang === 'fr' ? `« ${s} »` : `“${s}”`;
}

function num(lang: RuleLanguage, n: number): string {
  const s = String(Math.round(n * 1000) / 1000);
  return lang === 'fr' ? s.replace('.', ',') : s;
}

/** Describes one condition, as a clause that follows "contacts". */
export function describeCondition(c: Condition, lang: RuleLanguage, lookups: RuleLookups = {}): string {
  const w = WORDS[lang];
  const time = lookups.formatTime ?? defaultTime;
  const name = (id: number, fn: ((id: number) => string | undefined) | undefined) => {
    const found = fn?.(id);
    return found === undefined ? `#${id}` : quote(lang, found);
  };
  const text = (t: TextTest): string => {
    if (!('value' in t)) return w.ops[t.op];
    return `${w.ops[t.op]} ${Array.isArray(t.value) ? t.value.map((v) => quote(lang, v)).join(', ') : quote(lang, t.value)}`;
  };
  const numeric = (t: NumberTest, fmt: (n: number) => string, isTime = false): string => {
    if (!('value' in t)) return w.ops[t.op];
    if (t.op === 'between') return w.between(fmt(t.value[0]), fmt(t.value[1]));
    return `${isTime ? w.timeOps[t.op] : w.ops[t.op]} ${fmt(t.value)}`;
  };
  const pct = (n: number) => `${num(lang, n * 100)} %`;
  const hours = (ms: number) => w.hours(num(lang, ms / 3_600_000));
  const yes = (op: 'isTrue' | 'isFalse') => (op === 'isTrue' ? 'true' : 'false');
  const period = (p: { from: number; to: number }) => w.period(time(p.from), time(p.to));

  switch (c.field) {
    case 'page': {
      const t = c.test;
      const ids = Array.isArray(t.value) ? t.value : [t.value];
      return `${w.page} ${w.ops[t.op]} ${ids.map((id) => name(id, lookups.pageName)).join(', ')}`;
    }
    case 'locale':
      return `${w.locale} ${text(c.test)}`;
    case 'timeZone':
      return `${w.timeZone} ${text(c.test)}`;
    case 'labels': {
      const t = c.test;
      return 'value' in t ? `${w.labels[t.op]} ${t.value.map((v) => quote(lang, v)).join(', ')}` : w.labels[t.op];
    }
    case 'consent':
      return `${w.consent[yes(c.op)]} ${w.channel[c.channel]}`;
    case 'optedOut':
      return w.optedOut[yes(c.op)];
    case 'firstInboundAt':
    case 'lastInboundAt':
    case 'lastSeenAt':
      return `${w[c.field]} ${numeric(c.test, time, true)}`;
    case 'insideWindow':
      return `${w.insideWindow[yes(c.op)]} ${c.at === 'now' ? w.now : `${w.at} ${time(c.at)}`}`;
    case 'messagesReceived':
      return `${w.messagesReceived} ${numeric(c.test, (n) => num(lang, n))} ${period(c.period)}`;
    case 'deliveredRate':
    case 'seenRate':
      return `${w[c.field]} ${numeric(c.test, pct)} ${period(c.period)}`;
    case 'medianSeenLatency':
      return `${w.medianSeenLatency} ${numeric(c.test, hours)} ${period(c.period)}`;
    case 'replied':
    case 'clicked':
      return `${w[c.field][yes(c.op)]} ${period(c.period)}`;
    case 'stuckCount':
      return `${w.stuckCount} ${numeric(c.test, (n) => num(lang, n))} ${period(c.period)}`;
    case 'recurringProblem':
      return w.recurringProblem[yes(c.op)];
    case 'campaign': {
      const variant = c.variantId === null ? '' : ` (${w.variantWord} ${name(c.variantId, lookups.variantName)})`;
      return `${w.campaign[c.action][yes(c.op)]} ${w.campaignWord} ${name(c.campaignId, lookups.campaignName)}${variant}`;
    }
    case 'segment':
      return `${w.segment[yes(c.op)]} ${name(c.segmentId, lookups.segmentName)}`;
  }
}

function describeNode(node: RuleNode, lang: RuleLanguage, lookups: RuleLookups, nested: boolean): string {
  if (node.type === 'condition') return describeCondition(node, lang, lookups);
  const w = WORDS[lang];
  const parts = node.children.map((child) => describeNode(child, lang, lookups, true));
  if (node.op === 'not') {
    return parts.length === 1 ? `${w.not} (${parts[0]})` : `${w.notAll} (${parts.join(` ${w.and} `)})`;
  }
  const joined = parts.join(` ${node.op === 'and' ? w.and : w.or} `);
  return nested && parts.length > 1 ? `(${joined})` : joined;
}

export function describeRule(rule: SegmentRule, lang: RuleLanguage, lookups: RuleLookups = {}): string {
  const sentence = describeNode(rule.root, lang, lookups, false);
  return `${lang === 'fr' ? 'Les contacts' : 'Contacts'} ${sentence}.`;
}
