/** The simulator's Graph API face (Conversations API, batch, usage headers, faults, device login). */
export { startGraphServer, type DeviceLoginOptions, type GraphCallRecord, type GraphServer, type GraphServerOptions, type GraphServerStats, type GraphTokens } from './server';
export { GRAPH_FAULT_KINDS, GraphFaultOptions, type GraphFaultKind } from './faults';
export { type RateLimitOptions } from './usage';
export {
  RECENT_MESSAGE_LIMIT,
  appendMessage,
  buildGraphWorld,
  expectedSync,
  graphTime,
  toGraphSeconds,
  type ExpectedSyncConversation,
  type ExpectedSyncMessage,
  type ExpectedSyncPage,
  type GraphConversation,
  type GraphMessage,
  type GraphPage,
  type GraphWorld,
  type NewMessage,
} from './world';
