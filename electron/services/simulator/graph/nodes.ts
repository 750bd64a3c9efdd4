import { graphErrors, type GraphErrorSpec } from './errors';
import type { FieldSpec } from './fields';
import { graphTime, recentMessages, type GraphConversation, type GraphMessage, type GraphPage, type GraphParticipant } from './world';

/**
 * How Graph nodes and edges are rendered for a field list. Each renderer returns the
 * JSON object and how many items it carried (the call's cost for the usage headers),
 * or an error spec for a field the node does not have.
 */
export class FieldError extends Error {
  constructor(readonly spec: GraphErrorSpec) {
    super(spec.message);
  }
}

export interface EdgePage<T> {
  items: T[];
  /** Index of the first item in the full list. */
  offset: number;
  total: number;
}

/** Builds `paging` for an edge page; `link(cursor)` returns the URL for the next/previous page. */
export type PagingBuilder = (page: EdgePage<unknown>, limit: number) => Record<string, unknown> | undefined;

export interface RenderContext {
  page: GraphPage;
  /** Paging for a nested messages edge of a conversation. */
  messagesPaging: (c: GraphConversation, page: EdgePage<unknown>, limit: number) => Record<string, unknown> | undefined;
  defaultLimit: number;
  maxLimit: number;
  items: number;
}

const CONVERSATION_FIELDS = new Set(['id', 'updated_time', 'message_count', 'unread_count', 'participants', 'senders', 'snippet', 'can_reply', 'is_subscribed', 'link', 'messages']);
const MESSAGE_FIELDS = new Set(['id', 'created_time', 'from', 'to', 'message', 'tags', 'is_unsupported']);
const PAGE_FIELDS = new Set(['id', 'name', 'access_token', 'category', 'category_list', 'tasks']);

/** Validates the names; Graph always returns a node's `id`, asked or not. */
function check(fields: FieldSpec[], allowed: Set<string>, node: string): FieldSpec[] {
  for (const f of fields) if (!allowed.has(f.name)) throw new FieldError(graphErrors.badField(f.name, node));
  return fields.some((f) => f.name === 'id') ? fields : [...fields, { name: 'id', modifiers: {}, fields: [] }];
}

export function clampLimit(raw: string | undefined, def: number, max: number): number {
  const n = raw === undefined ? NaN : Number(raw);
  if (!Number.isFinite(n) || n <= 0) return def;
  return Math.min(max, Math.floor(n));
}

function people(list: GraphParticipant[]): { data: GraphParticipant[] } {
  return { data: list.map((p) => ({ name: p.name, email: p.email, id: p.id })) };
}

export function renderMessage(m: GraphMessage, c: GraphConversation, page: GraphPage, fields: FieldSpec[]): Record<string, unknown> {
  const wanted = fields.length > 0 ? fields : [{ name: 'id', modifiers: {}, fields: [] }, { name: 'created_time', modifiers: {}, fields: [] }];
  const all = check(wanted, MESSAGE_FIELDS, 'Message');
  const from = m.direction === 'in' ? c.contact : page.participant;
  const to = m.direction === 'in' ? page.participant : c.contact;
  const out: Record<string, unknown> = {};
  for (const f of all) {
    switch (f.name) {
      case 'id':
        out.id = m.id;
        break;
      case 'created_time':
        out.created_time = graphTime(m.at);
        break;
      case 'from':
        out.from = { name: from.name, email: from.email, id: from.id };
        break;
      case 'to':
        out.to = people([to]);
        break;
      case 'message':
        out.message = m.text;
        break;
      case 'tags':
        out.tags = { data: [{ name: 'inbox' }, { name: m.direction === 'out' ? 'source:chat' : 'read' }] };
        break;
      case 'is_unsupported':
        out.is_unsupported = false;
        break;
    }
  }
  return out;
}

/** The conversation's messages edge: only the 20 most recent, newest first. */
export function messagesEdge(c: GraphConversation, offset: number, limit: number): EdgePage<GraphMessage> {
  const all = recentMessages(c);
  return { items: all.slice(offset, offset + limit), offset, total: all.length };
}

export function renderConversation(c: GraphConversation, fields: FieldSpec[], ctx: RenderContext): Record<string, unknown> {
  const wanted = fields.length > 0 ? fields : [{ name: 'id', modifiers: {}, fields: [] }, { name: 'updated_time', modifiers: {}, fields: [] }];
  const all = check(wanted, CONVERSATION_FIELDS, 'Conversation');
  const out: Record<string, unknown> = {};
  for (const f of all) {
    switch (f.name) {
      case 'id':
        out.id = c.id;
        break;
      case 'updated_time':
        out.updated_time = graphTime(c.updatedAt);
        break;
      case 'message_count':
        out.message_count = c.messages.length;
        break;
      case 'unread_count': {
        let n = 0;
        for (let i = c.messages.length - 1; i >= 0 && (c.messages[i] as GraphMessage).direction === 'in'; i--) n++;
        out.unread_count = n;
        break;
      }
      case 'participants':
        out.participants = people([c.contact, ctx.page.participant]);
        break;
      case 'senders':
        out.senders = people([c.contact, ctx.page.participant]);
        break;
      case 'snippet':
        out.snippet = (c.messages[c.messages.length - 1] as GraphMessage).text.slice(0, 100);
        break;
      case 'can_reply':
        out.can_reply = true;
        break;
      case 'is_subscribed':
        out.is_subscribed = true;
        break;
      case 'link':
        out.link = `/${ctx.page.id}/inbox/${c.id.slice(2)}/`;
        break;
      case 'messages': {
        const limit = clampLimit(f.modifiers.limit, ctx.defaultLimit, ctx.maxLimit);
        const edge = messagesEdge(c, 0, limit);
        ctx.items += edge.items.length;
        const body: Record<string, unknown> = { data: edge.items.map((m) => renderMessage(m, c, ctx.page, f.fields)) };
        const paging = ctx.messagesPaging(c, edge, limit);
        if (paging) body.paging = paging;
        out.messages = body;
        break;
      }
    }
  }
  return out;
}

export function renderPage(page: GraphPage, token: string | null, fields: FieldSpec[]): Record<string, unknown> {
  const wanted =
    fields.length > 0
      ? fields
      : (['access_token', 'category', 'category_list', 'name', 'id', 'tasks'] as const).filter((n) => n !== 'access_token' || token !== null).map((name) => ({ name, modifiers: {}, fields: [] }));
  const all = check(wanted, PAGE_FIELDS, 'Page');
  const out: Record<string, unknown> = {};
  for (const f of all) {
    switch (f.name) {
      case 'id':
        out.id = page.id;
        break;
      case 'name':
        out.name = page.name;
        break;
      case 'access_token':
        if (token !== null) out.access_token = token;
        break;
      case 'category':
        out.category = 'Local business';
        break;
      case 'category_list':
        out.category_list = [{ id: '2500', name: 'Local business' }];
        break;
      case 'tasks':
        out.tasks = ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];
        break;
    }
  }
  return out;
}
