import { createContext, useContext } from 'react';
import type { ConditionField } from '../../../../shared/domain/segmentRule';
import type { SegmentFields } from '../../../../shared/domain/segments';
import type { DraftCondition, DraftDefaults, DraftNode, GroupOp } from './draft';

/** What every group and condition editor needs: the data's enumerations and the edit actions. */
export interface BuilderApi {
  fields: SegmentFields;
  defaults: DraftDefaults;
  zone: string;
  /** The segment being edited: it cannot refer to itself. */
  selfId: number | null;
  /** Problem text per node key (the client's checks, then the server's). */
  problems: ReadonlyMap<string, string>;
  readOnly: boolean;
  addCondition(groupKey: string): void;
  addGroup(groupKey: string): void;
  remove(key: string): void;
  move(key: string, delta: -1 | 1): void;
  setGroupOp(key: string, op: GroupOp): void;
  update(key: string, patch: Partial<Omit<DraftCondition, 'kind' | 'key'>>): void;
  changeField(key: string, field: ConditionField): void;
}

export const BuilderContext = createContext<BuilderApi | null>(null);

export function useBuilder(): BuilderApi {
  const api = useContext(BuilderContext);
  if (!api) throw new Error('useBuilder outside a RuleBuilder');
  return api;
}

/** DOM id of a node's first control, where focus goes after an edit. */
export const focusId = (key: string) => `seg-node-${key}`;

/** Position labels shown to people: the outer group is "1", its second child "1.2", and so on. */
export function childNumber(parent: string, index: number): string {
  return `${parent}.${index + 1}`;
}

export type { DraftNode };
