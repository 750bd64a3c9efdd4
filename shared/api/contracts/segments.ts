import { z } from 'zod';
import {
  CountInput,
  CountOutput,
  DiffInput,
  ExportInput,
  ExportOutput,
  ImportStaticInput,
  ImportStaticOutput,
  RestoreInput,
  SaveInput,
  SegmentDetail,
  SegmentDiff,
  SegmentFields,
  SegmentId,
  SegmentSummary,
  StartingPoint,
} from '../../domain/segments';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

const bySegment = z.object({ workspaceId: WorkspaceId, segmentId: SegmentId }).strict();

/**
 * Segments: rules over contacts and their delivery behaviour, counted live, saved with their
 * version history, and exported as consent-filtered CSV for Messenger, SMS or e-mail.
 * Bad rules come back as BAD_INPUT whose issues point at the offending path
 * (`rule.root.children.2.test.value`); cycles between segments as BAD_INPUT on the reference.
 */
export const segmentsContract = {
  /** Saved segments (newest change first) and the ready-made starting points. */
  'segments:list': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: z.object({ segments: z.array(SegmentSummary), startingPoints: z.array(StartingPoint) }),
  },
  /** A segment with its whole version history (newest first). */
  'segments:get': {
    input: bySegment,
    output: SegmentDetail,
  },
  /** What the typed editors offer: Pages, labels, locales, time zones, campaigns + variants, experiments, segments, channels. */
  'segments:fields': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: SegmentFields,
  },
  /** Live count of an unsaved rule, with the members messageable now and a sample of 10. */
  'segments:count': {
    input: CountInput,
    output: CountOutput,
  },
  /** Every save is a new version; without segmentId a new segment (CONFLICT on a duplicate name). */
  'segments:save': {
    input: SaveInput,
    output: SegmentDetail,
  },
  /** Structured changes between two versions; describeDiff (shared/segments/diff.ts) words them. */
  'segments:diff': {
    input: DiffInput,
    output: SegmentDiff,
  },
  /** Saves a new version equal to an older one. */
  'segments:restore': {
    input: RestoreInput,
    output: SegmentDetail,
  },
  /** Static segment from a CSV of PSIDs; unmatched rows are reported with their line numbers. */
  'segments:importStatic': {
    input: ImportStaticInput,
    output: ImportStaticOutput,
  },
  /** Members as CSV for one channel (consent-filtered), chosen fields, UTF-8 with BOM. */
  'segments:export': {
    input: ExportInput,
    output: ExportOutput,
  },
  /** CONFLICT while another segment's current version refers to it. */
  'segments:delete': {
    input: bySegment,
    output: z.object({ deleted: z.literal(true) }),
  },
} as const satisfies ContractEntries;
