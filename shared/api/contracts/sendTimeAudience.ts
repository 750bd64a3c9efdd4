import { z } from 'zod';
import { SendTimeCell, SendTimeHeatmap, SendTimeNote } from '../../domain/sendTime';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

const ContactId = z.number().int().positive();

export const AudienceContact = z.object({
  contactId: ContactId,
  psid: z.string(),
  name: z.string().nullable(),
  zone: z.string().nullable(),
  lastInboundAt: z.number().int().nullable(),
});
export type AudienceContact = z.infer<typeof AudienceContact>;

export const ObservedMetric = z.enum(['seen', 'delivered']);
export type ObservedMetric = z.infer<typeof ObservedMetric>;

/**
 * What the send-time page needs around the model's API: finding a contact by PSID or name,
 * turning a pasted list of PSIDs into contact ids (what `sendtime:plan` takes), and the
 * observed (not modelled) weekday × hour rates, for "delivered within H" and a zone choice.
 */
export const sendTimeAudienceContract = {
  'sendtime:findContacts': {
    input: z.object({ workspaceId: WorkspaceId, query: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(50).default(10) }).strict(),
    output: z.object({ contacts: z.array(AudienceContact) }),
  },
  'sendtime:resolvePsids': {
    input: z.object({ workspaceId: WorkspaceId, psids: z.array(z.string().trim().min(1).max(200)).min(1, 'psids.empty').max(200_000) }).strict(),
    /** Each distinct PSID once: found ones as contacts, the rest listed as unknown. */
    output: z.object({ contacts: z.array(z.object({ contactId: ContactId, psid: z.string() })), unknown: z.array(z.string()) }),
  },
  'sendtime:observed': {
    input: z
      .object({
        workspaceId: WorkspaceId,
        horizonMinutes: z.number().int().min(1).max(10_080),
        metric: ObservedMetric,
        /** 'local': each message in its contact's zone; 'workspace': every message in the workspace's zone. */
        clock: z.enum(['local', 'workspace']),
        contactId: ContactId.optional(),
        /** A group of contacts of the workspace (e.g. a segment's members); absent: every contact. */
        contactIds: z.array(ContactId).min(1).max(200_000).optional(),
      })
      .strict(),
    output: z.object({
      horizonMinutes: z.number().int(),
      metric: ObservedMetric,
      zone: z.string(),
      contactId: ContactId.nullable(),
      contacts: z.number().int().min(0),
      cells: z.array(SendTimeCell),
      method: z.string(),
      assumptions: z.array(z.string()),
      notes: z.array(SendTimeNote).optional(),
    }),
  },
  /** The model's heatmap (as `sendtime:heatmap`) averaged over a group of contacts, e.g. a segment's members. */
  'sendtime:groupHeatmap': {
    input: z.object({ workspaceId: WorkspaceId, horizonMinutes: z.number().int().min(1).max(10_080), contactIds: z.array(ContactId).min(1).max(200_000) }).strict(),
    output: SendTimeHeatmap,
  },
} as const satisfies ContractEntries;
