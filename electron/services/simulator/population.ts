import { ARCHETYPES, type Archetype, type Scenario } from '../../../shared/domain/scenario';
import { weeklyRhythm } from './archetypes';
import { Rng, hash32 } from './rng';
import { FIRST_NAMES, LAST_NAMES, languageOf } from './texts';

/**
 * A simulated contact and its ground-truth behaviour. Rates are per hour and indexed
 * by the contact's local hour-of-week (0 = Monday 00:00 … 167 = Sunday 23:00).
 */
export interface Contact {
  readonly index: number;
  readonly psid: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly timeZone: string;
  readonly archetype: Archetype;
  /** Whole hours the archetype's rhythm is shifted by (later when positive). */
  readonly shiftHours: number;
  /** Overall Messenger use relative to the archetype (log-normal, median 1). */
  readonly activityScale: number;
  /** Speed of the phone's connection relative to the scenario's (log-normal, median 1). */
  readonly connectivityScale: number;
  readonly notifications: boolean;
  readonly appClosedHabit: boolean;
  readonly nightOffline: boolean;
  readonly multiDevice: boolean;
  readonly blocked: boolean;
  /** Chance that a delivered Page message makes the person open the thread (before variant effects). */
  readonly readPropensity: number;
  /** Chance of replying to a campaign message once read (before campaign/variant factors). */
  readonly replyPropensity: number;
  /** Organic conversations started per week. */
  readonly inboundPerWeek: number;
  readonly hasPhone: boolean;
  readonly hasEmail: boolean;
  readonly smsConsent: boolean;
  readonly emailConsent: boolean;
  readonly phone: string | null;
  readonly email: string | null;
  /** App sessions per hour by local hour-of-week. */
  readonly sessions: Float32Array;
  /** Notification attention (0–1) by local hour-of-week; shared between contacts with the same archetype and shift. */
  readonly attention: Float64Array;
  /** Sum of `sessions` over the week (sessions per week). */
  readonly sessionsPerWeek: number;
}

export interface Population {
  readonly contacts: readonly Contact[];
  readonly byPsid: ReadonlyMap<string, Contact>;
}

/** Attention profiles per (archetype, shift): built once, shared by every contact. */
const attentionCache = new Map<string, Float64Array>();
function shiftedAttention(archetype: Archetype, shift: number): Float64Array {
  const key = `${archetype}/${shift}`;
  let a = attentionCache.get(key);
  if (!a) {
    const base = weeklyRhythm(archetype).attention;
    a = new Float64Array(168);
    for (let k = 0; k < 168; k++) a[k] = base[(((k - shift) % 168) + 168) % 168] ?? 0;
    attentionCache.set(key, a);
  }
  return a;
}

const sessionBase = new Map<Archetype, Float64Array>();
function baseSessions(archetype: Archetype): Float64Array {
  let s = sessionBase.get(archetype);
  if (!s) {
    s = weeklyRhythm(archetype).sessions;
    sessionBase.set(archetype, s);
  }
  return s;
}

function psidFor(seed: string, pageId: string, index: number, salt: number): string {
  // 16 digits, first one non-zero, like the PSIDs Meta hands out.
  const a = 1_000_000 + (hash32(seed, pageId, 'psid', index, salt) % 9_000_000);
  const b = hash32(seed, pageId, 'psid-low', index, salt) % 1_000_000_000;
  return `${a}${String(b).padStart(9, '0')}`;
}

function asciiSlug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Numbers in ranges reserved for fiction (ARCEP 06 39 98 xx xx; NANP 555-01xx). */
function fictionalPhone(lang: 'fr' | 'en', rng: Rng): string {
  if (lang === 'fr') {
    const n = String(rng.int(10_000)).padStart(4, '0');
    return `+3363998${n}`;
  }
  const area = 200 + rng.int(800);
  return `+1${area}55501${String(rng.int(100)).padStart(2, '0')}`;
}

/**
 * Builds the population. Contact i depends only on the seed, the Page and i (and the
 * behaviour mix), so growing a scenario keeps its first contacts unchanged.
 */
export function generatePopulation(scenario: Scenario): Population {
  const seed = String(scenario.seed);
  const p = scenario.population;
  const lang = languageOf(scenario.page.locale);
  const archetypes = ARCHETYPES.filter((a) => (p.archetypes[a] ?? 0) > 0);
  const archetypeWeights = archetypes.map((a) => p.archetypes[a] ?? 0);
  const zoneCum: { zone: string; upTo: number }[] = [];
  let acc = 0;
  for (const z of p.timeZones) {
    acc += z.share;
    zoneCum.push({ zone: z.zone, upTo: acc });
  }
  const contacts: Contact[] = [];
  const byPsid = new Map<string, Contact>();
  for (let i = 0; i < p.size; i++) {
    const rng = new Rng(seed, scenario.page.id, 'contact', i);
    let salt = 0;
    let psid = psidFor(seed, scenario.page.id, i, salt);
    while (byPsid.has(psid) || psid === scenario.page.id) psid = psidFor(seed, scenario.page.id, i, ++salt);

    const uZone = rng.next();
    const timeZone = zoneCum.find((z) => uZone < z.upTo)?.zone ?? scenario.page.timeZone;
    const archetype = archetypes[rng.weighted(archetypeWeights)] as Archetype;
    const shiftHours = p.profileShiftHours === 0 ? 0 : rng.int(2 * p.profileShiftHours + 1) - p.profileShiftHours;
    // Median-1 log-normal keeps the archetype's level as the typical contact's.
    const activityScale = Math.exp(p.activitySpread * rng.normal());
    const connectivityScale = Math.exp(0.7 * rng.normal());
    const base = baseSessions(archetype);
    const sessions = new Float32Array(168);
    let sessionsPerWeek = 0;
    for (let k = 0; k < 168; k++) {
      const b = base[(((k - shiftHours) % 168) + 168) % 168] ?? 0;
      const v = b * activityScale * Math.exp(p.profileNoise * rng.normal() - (p.profileNoise * p.profileNoise) / 2);
      sessions[k] = v;
      sessionsPerWeek += sessions[k] as number;
    }
    const notifications = rng.chance(p.notificationsOn);
    const appClosedHabit = rng.chance(p.appClosedHabit);
    const nightOffline = rng.chance(p.nightOffline);
    const multiDevice = rng.chance(p.multiDevice);
    const blocked = rng.chance(p.blocked);
    const readPropensity = rng.betaMean(p.readPropensity.mean, p.readPropensity.concentration);
    const replyPropensity = rng.betaMean(p.replyPropensity.mean, p.replyPropensity.concentration);
    const inboundPerWeek = p.inboundPerWeek.mean > 0 ? rng.gamma(p.inboundPerWeek.shape, p.inboundPerWeek.mean / p.inboundPerWeek.shape) : 0;
    const firstName = FIRST_NAMES[lang][rng.int(FIRST_NAMES[lang].length)] as string;
    const lastName = LAST_NAMES[lang][rng.int(LAST_NAMES[lang].length)] as string;
    const hasPhone = rng.chance(p.phone);
    const hasEmail = rng.chance(p.email);
    const smsConsent = hasPhone && rng.chance(p.smsConsent);
    const emailConsent = hasEmail && rng.chance(p.emailConsent);
    const phone = hasPhone ? fictionalPhone(lang, rng) : null;
    const email = hasEmail ? `${asciiSlug(firstName)}.${asciiSlug(lastName)}${i}@example.com` : null;
    const contact: Contact = {
      index: i,
      psid,
      firstName,
      lastName,
      timeZone,
      archetype,
      shiftHours,
      activityScale,
      connectivityScale,
      notifications,
      appClosedHabit,
      nightOffline,
      multiDevice,
      blocked,
      readPropensity,
      replyPropensity,
      inboundPerWeek,
      hasPhone,
      hasEmail,
      smsConsent,
      emailConsent,
      phone,
      email,
      sessions,
      attention: shiftedAttention(archetype, shiftHours),
      sessionsPerWeek,
    };
    contacts.push(contact);
    byPsid.set(psid, contact);
  }
  return { contacts, byPsid };
}

/** JSON-safe view of a contact's true parameters (profiles rounded) for ground-truth files. */
export function contactToJson(c: Contact, withProfiles = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    psid: c.psid,
    firstName: c.firstName,
    lastName: c.lastName,
    timeZone: c.timeZone,
    archetype: c.archetype,
    shiftHours: c.shiftHours,
    activityScale: round(c.activityScale, 4),
    connectivityScale: round(c.connectivityScale, 4),
    notifications: c.notifications,
    appClosedHabit: c.appClosedHabit,
    nightOffline: c.nightOffline,
    multiDevice: c.multiDevice,
    blocked: c.blocked,
    readPropensity: round(c.readPropensity, 4),
    replyPropensity: round(c.replyPropensity, 4),
    inboundPerWeek: round(c.inboundPerWeek, 4),
    hasPhone: c.hasPhone,
    hasEmail: c.hasEmail,
    smsConsent: c.smsConsent,
    emailConsent: c.emailConsent,
    phone: c.phone,
    email: c.email,
  };
  if (withProfiles) {
    out.sessionsPerHour = Array.from(c.sessions, (v) => round(v, 4));
    out.attention = Array.from(c.attention, (v) => round(v, 3));
  }
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
