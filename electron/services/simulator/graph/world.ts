import { parseScenario, type Scenario } from '../../../../shared/domain/scenario';
import { hash32 } from '../rng';
import { makeMid } from '../webhook';
import { Simulation } from '../simulation';
import type { EchoEvent, InboundEvent, MessagingEvent } from '../webhook';

/**
 * What the Graph API can see of a simulated Page once its simulation has run: one
 * conversation per contact who exchanged at least one message with the Page, every
 * message with the `mid` its webhook event carried (so history and receipts merge),
 * its text and its millisecond time (the API only shows seconds).
 */
export interface GraphMessage {
  /** The webhook `mid` of this message. */
  id: string;
  /** Milliseconds, as the webhook event had it. */
  at: number;
  direction: 'in' | 'out';
  text: string;
}

export interface GraphParticipant {
  id: string;
  name: string;
  email: string;
}

export interface GraphConversation {
  /** `t_…` thread id. */
  id: string;
  psid: string;
  contact: GraphParticipant;
  /** Oldest first. */
  messages: GraphMessage[];
  /** Time of the newest message (ms). */
  updatedAt: number;
}

export interface GraphPage {
  id: string;
  /** The scenario's seed (mids and thread ids derive from it). */
  seed: string;
  name: string;
  appId: string;
  timeZone: string;
  participant: GraphParticipant;
  /** Newest `updatedAt` first (ties: id), the order of `/{page-id}/conversations`. */
  conversations: GraphConversation[];
  byConversationId: Map<string, GraphConversation>;
  /** Conversation and position (oldest first) of each message id. */
  byMessageId: Map<string, { conversation: GraphConversation; index: number }>;
}

export interface GraphWorld {
  seed: string;
  pages: GraphPage[];
  byPageId: Map<string, GraphPage>;
  /** Simulated end of the run: what "now" is for the API (ms). */
  endAt: number;
}

/** The Conversations API returns message details only for this many most recent messages. */
export const RECENT_MESSAGE_LIMIT = 20;

/** Graph's time format: second precision, `+0000` offset (`2026-07-01T12:00:00+0000`). */
export function graphTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+0000');
}

/** Floors a millisecond time to the second, as Graph shows it. */
export function toGraphSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function threadId(seed: string, pageId: string, psid: string): string {
  // 16 digits like Meta's thread keys; unique per (page, psid) within the simulated world.
  const a = 1_000_000 + (hash32(seed, pageId, psid, 'thread') % 9_000_000);
  const b = hash32(seed, pageId, psid, 'thread-low') % 1_000_000_000;
  return `t_${a}${String(b).padStart(9, '0')}`;
}

function participant(id: string, name: string): GraphParticipant {
  return { id, name, email: `${id}@facebook.com` };
}

function isMessageEvent(e: MessagingEvent): e is EchoEvent | InboundEvent {
  return 'message' in e;
}

/**
 * Runs a scenario's simulation and keeps what the Graph API would show of it. The
 * messages are read from the very webhook bodies the simulator emits (duplicates and
 * late echoes included, then de-duplicated by mid), so their ids are the archive's mids.
 */
export function buildGraphPage(scenarioInput: unknown): { page: GraphPage; endAt: number; seed: string } {
  const scenario: Scenario = parseScenario(scenarioInput);
  const seed = String(scenario.seed);
  const pageId = scenario.page.id;
  const sim = new Simulation(scenario, { expectedRates: false });
  const names = new Map(sim.population.contacts.map((c) => [c.psid, `${c.firstName} ${c.lastName}`]));
  const threads = new Map<string, GraphMessage[]>();
  const seen = new Set<string>();
  for (const delivery of sim.bodiesSync()) {
    // Receipts-only bodies carry nothing the Conversations API shows.
    if (!delivery.raw.includes('"mid"')) continue;
    for (const entry of delivery.body.entry) {
      for (const e of entry.messaging) {
        if (!isMessageEvent(e) || seen.has(e.message.mid)) continue;
        seen.add(e.message.mid);
        const out = 'is_echo' in e.message && e.message.is_echo === true;
        const psid = out ? e.recipient.id : e.sender.id;
        let list = threads.get(psid);
        if (!list) threads.set(psid, (list = []));
        list.push({ id: e.message.mid, at: e.timestamp, direction: out ? 'out' : 'in', text: e.message.text });
      }
    }
  }
  const conversations: GraphConversation[] = [];
  for (const [psid, messages] of threads) {
    // Time order; mids break ties so that the order never depends on arrival.
    messages.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const last = messages[messages.length - 1] as GraphMessage;
    conversations.push({ id: threadId(seed, pageId, psid), psid, contact: participant(psid, names.get(psid) ?? psid), messages, updatedAt: last.at });
  }
  conversations.sort(compareConversations);
  const page: GraphPage = {
    id: pageId,
    seed,
    name: scenario.page.name,
    appId: scenario.page.appId,
    timeZone: scenario.page.timeZone,
    participant: participant(pageId, scenario.page.name),
    conversations,
    byConversationId: new Map(conversations.map((c) => [c.id, c])),
    byMessageId: new Map(conversations.flatMap((c) => c.messages.map((m, index) => [m.id, { conversation: c, index }] as const))),
  };
  return { page, endAt: sim.endAt, seed };
}

/** Newest first by the second Graph shows, then by id: a total, stable order. */
export function compareConversations(a: GraphConversation, b: GraphConversation): number {
  return toGraphSeconds(b.updatedAt) - toGraphSeconds(a.updatedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A world of one or more Pages (one per scenario; Page ids must differ). */
export function buildGraphWorld(scenarios: unknown | unknown[]): GraphWorld {
  const list = Array.isArray(scenarios) ? scenarios : [scenarios];
  if (list.length === 0) throw new Error('The Graph simulator needs at least one scenario.');
  const pages: GraphPage[] = [];
  let endAt = 0;
  let seed = '';
  for (const s of list) {
    const built = buildGraphPage(s);
    if (pages.some((p) => p.id === built.page.id)) throw new Error(`Two scenarios use the same Page id ${built.page.id}.`);
    pages.push(built.page);
    endAt = Math.max(endAt, built.endAt);
    seed = seed ? `${seed}+${built.seed}` : built.seed;
  }
  return { seed, pages, byPageId: new Map(pages.map((p) => [p.id, p])), endAt };
}

export interface NewMessage {
  psid: string;
  direction: 'in' | 'out';
  text: string;
  /** ms; default: one second after the conversation's (or the world's) last message. */
  at?: number;
  /** Contact name for a new conversation. */
  name?: string;
}

/**
 * Adds a message to a Page's world (activity between two syncs). Its mid is the one
 * the simulator would give the thread's next message; the conversation moves to the
 * top of the listing.
 */
export function appendMessage(world: GraphWorld, pageId: string, m: NewMessage): { conversation: GraphConversation; message: GraphMessage } {
  const page = world.byPageId.get(pageId);
  if (!page) throw new Error(`No simulated Page ${pageId}.`);
  let c = page.conversations.find((x) => x.psid === m.psid);
  if (!c) {
    c = { id: threadId(page.seed, page.id, m.psid), psid: m.psid, contact: participant(m.psid, m.name ?? `Contact ${m.psid.slice(-4)}`), messages: [], updatedAt: 0 };
    page.conversations.push(c);
    page.byConversationId.set(c.id, c);
  }
  const last = c.messages[c.messages.length - 1];
  const at = m.at ?? Math.max(world.endAt, last ? last.at : 0) + 1000;
  if (last && at < last.at) throw new Error('A new message cannot be older than the conversation\'s last one.');
  const message: GraphMessage = { id: makeMid(page.seed, page.id, m.psid, c.messages.length), at, direction: m.direction, text: m.text };
  c.messages.push(message);
  c.updatedAt = at;
  page.byMessageId.set(message.id, { conversation: c, index: c.messages.length - 1 });
  page.conversations.sort(compareConversations);
  world.endAt = Math.max(world.endAt, at);
  return { conversation: c, message };
}

/** The messages of a conversation the API gives details for: the 20 most recent, newest first. */
export function recentMessages(c: GraphConversation): GraphMessage[] {
  return c.messages.slice(-RECENT_MESSAGE_LIMIT).reverse();
}

// ── Ground truth ──────────────────────────────────────────────────────────────

export interface ExpectedSyncMessage {
  /** The webhook mid. */
  id: string;
  /** Second precision (ms, floored), what `created_time` says. */
  createdAt: number;
  direction: 'in' | 'out';
  /** PSID for inbound, Page id for outbound. */
  fromId: string;
  toId: string;
  text: string;
}

export interface ExpectedSyncConversation {
  id: string;
  psid: string;
  contactName: string;
  /** Second precision (ms). */
  updatedAt: number;
  /** Every message the conversation holds (only the newest 20 are retrievable). */
  messageCount: number;
  /** The 20 most recent messages, newest first. */
  messages: ExpectedSyncMessage[];
}

export interface ExpectedSyncPage {
  pageId: string;
  name: string;
  /** Newest first, as the API lists them. */
  conversations: ExpectedSyncConversation[];
  /** Sum of `messages.length`: what a perfect sync stores. */
  retrievableMessages: number;
  /** Messages that exist but are beyond the 20-message limit. */
  unretrievableMessages: number;
}

/**
 * What a perfect sync of the Graph API must yield for each Page: every conversation,
 * its contact, and the 20 most recent messages with their mids and second-precision
 * times. Nothing else is retrievable, so a sync yielding more is wrong too.
 */
export function expectedSync(world: GraphWorld): ExpectedSyncPage[] {
  return world.pages.map((p) => {
    let retrievable = 0;
    let total = 0;
    const conversations = p.conversations.map((c): ExpectedSyncConversation => {
      const messages = recentMessages(c).map(
        (m): ExpectedSyncMessage => ({
          id: m.id,
          createdAt: toGraphSeconds(m.at),
          direction: m.direction,
          fromId: m.direction === 'in' ? c.psid : p.id,
          toId: m.direction === 'in' ? p.id : c.psid,
          text: m.text,
        }),
      );
      retrievable += messages.length;
      total += c.messages.length;
      return { id: c.id, psid: c.psid, contactName: c.contact.name, updatedAt: toGraphSeconds(c.updatedAt), messageCount: c.messages.length, messages };
    });
    return { pageId: p.id, name: p.name, conversations, retrievableMessages: retrievable, unretrievableMessages: total - retrievable };
  });
}
