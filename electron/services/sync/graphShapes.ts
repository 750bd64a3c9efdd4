import { parseGraphTime, type HistoryConversation, type HistoryMessage } from './historyWriter';

/** The 20 most recent messages are all the Conversations API details per conversation. */
export const MESSAGES_DETAILED_PER_CONVERSATION = 20;

export const CONVERSATION_FIELDS = 'id,updated_time,message_count,participants';
export const MESSAGE_FIELDS = `messages.limit(${20}){id,created_time,from,to}`;

export interface GraphPaging {
  cursors?: { before?: string; after?: string };
  next?: string;
}

export interface GraphList<T> {
  data?: T[];
  paging?: GraphPaging;
  summary?: { total_count?: number };
}

export interface GraphAccount {
  id: string;
  name?: string;
  access_token?: string;
  tasks?: string[];
}

export interface GraphConversationItem {
  id: string;
  updated_time?: string;
  message_count?: number;
  participants?: { data?: { id?: string; name?: string }[] };
}

export interface GraphConversationDetail {
  id?: string;
  messages?: GraphList<{ id?: string; created_time?: string; from?: { id?: string }; to?: { data?: { id?: string }[] } }>;
}

/** The cursor for the next page, or null on the last page (Graph omits `next` there). */
export function nextCursor(list: GraphList<unknown>): string | null {
  const after = list.paging?.cursors?.after;
  return list.paging?.next && after ? after : null;
}

export class MalformedGraphData extends Error {}

/** One conversation and its detailed messages, as rows. The Page's own id tells direction. */
export function toHistoryConversation(pageId: string, item: GraphConversationItem, detail: GraphConversationDetail | null): HistoryConversation | null {
  const other = item.participants?.data?.find((p) => typeof p.id === 'string' && p.id !== pageId);
  const updated = parseGraphTime(item.updated_time);
  if (!other?.id || updated === null) return null;
  const messages: HistoryMessage[] = [];
  for (const m of (detail?.messages?.data ?? []).slice(0, MESSAGES_DETAILED_PER_CONVERSATION)) {
    const sentAt = parseGraphTime(m.created_time);
    if (!m.id || sentAt === null || !m.from?.id) continue;
    messages.push({ mid: m.id, direction: m.from.id === pageId ? 'out' : 'in', sentAt });
  }
  return {
    conversationId: item.id,
    psid: other.id,
    name: typeof other.name === 'string' && other.name ? other.name : null,
    updatedTime: updated,
    messageCount: typeof item.message_count === 'number' ? item.message_count : null,
    messages,
  };
}
