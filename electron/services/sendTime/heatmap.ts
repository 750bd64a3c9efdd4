import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { SendTimeHeatmap } from '../../../shared/domain/sendTime';
import { audienceHeatmapCells } from '../../../shared/sendTime/model';
import { note, withNotes } from '../../../shared/sendTime/notes';
import { fitWorkspaceModel } from './history';

export interface WorkspaceHeatmapRequest {
  workspaceId: number;
  horizonMinutes: number;
  /** One contact of the workspace; null: every contact. */
  contactId: number | null;
  asOf: number;
}

export interface GroupHeatmapRequest {
  workspaceId: number;
  horizonMinutes: number;
  /** Distinct contacts of the workspace (e.g. a segment's members). */
  contactIds: readonly number[];
  asOf: number;
}

/** The modelled weekday × hour heatmap of a workspace or of one of its contacts. */
export function workspaceHeatmap(db: Database, req: WorkspaceHeatmapRequest): SendTimeHeatmap {
  const { contactId } = req;
  const { history, model } = fitWorkspaceModel(db, req.workspaceId, req.horizonMinutes, req.asOf);
  const one = contactId === null ? null : model.contacts.get(contactId);
  if (contactId !== null && !one) throw new ApiError('NOT_FOUND', `No contact ${contactId} in this workspace.`, [{ path: 'contactId', message: 'contact.notFound' }]);
  const zones = new Set([...model.contacts.values()].map((c) => c.zone));
  const zone = one ? one.zone : zones.size === 1 ? ([...zones][0] as string) : zones.size === 0 ? history.workspaceZone : 'local';
  return {
    horizonMinutes: req.horizonMinutes,
    zone,
    contactId,
    contacts: one ? 1 : model.contacts.size,
    cells: audienceHeatmapCells(model, contactId === null ? null : [contactId]),
    method: model.method,
    ...withNotes(zone === 'local' ? [...model.notes, note('sendtime.note.heatmap.localZones')] : model.notes),
  };
}

/** The modelled heatmap averaged over a group of contacts, each in its own local time. */
export function groupHeatmap(db: Database, req: GroupHeatmapRequest): SendTimeHeatmap {
  const { history, model } = fitWorkspaceModel(db, req.workspaceId, req.horizonMinutes, req.asOf);
  const members = req.contactIds.map((id) => model.contacts.get(id)).filter((c) => c !== undefined);
  const zones = new Set(members.map((c) => c.zone));
  const zone = zones.size === 1 ? ([...zones][0] as string) : zones.size === 0 ? history.workspaceZone : 'local';
  return {
    horizonMinutes: req.horizonMinutes,
    zone,
    contactId: null,
    contacts: members.length,
    cells: audienceHeatmapCells(model, req.contactIds),
    method: model.method,
    ...withNotes([...model.notes, note('sendtime.note.heatmap.group', { contacts: members.length })]),
  };
}
