import { describe, expect, it } from 'vitest';
import type { Condition, SegmentRule } from '../../../shared/domain/segmentRule';
import { describeChanges, describeDiff, diffRules } from '../../../shared/segments/diff';

const locale = (value: string): Condition => ({ type: 'condition', field: 'locale', test: { op: 'eq', value } });
const optedOut: Condition = { type: 'condition', field: 'optedOut', op: 'isFalse' };
const rule = (op: 'and' | 'or', ...children: Condition[]): SegmentRule => ({ version: 1, root: { type: 'group', op, children } });

describe('segment version diff', () => {
  it('reports a group switching operator and a condition edited in place, in FR and EN', () => {
    const changes = diffRules(rule('and', locale('fr_FR'), optedOut), rule('or', locale('en_US'), optedOut));
    expect(changes).toEqual([
      { kind: 'groupOp', path: 'root', before: 'and', after: 'or' },
      { kind: 'changed', path: 'root.children.0', before: locale('fr_FR'), after: locale('en_US') },
    ]);
    expect(describeChanges(changes, 'en')).toEqual(['A group went from “all of” to “any of”.', 'Changed “whose locale is “fr_FR”” to “whose locale is “en_US””.']);
    expect(describeChanges(changes, 'fr')[0]).toBe("Un groupe est passé de « toutes » à « l'une des ».");
  });

  it('matches moved children instead of rewriting them, and says when nothing changed', () => {
    expect(diffRules(rule('and', locale('a'), optedOut), rule('and', optedOut, locale('a'), locale('b')))).toEqual([
      // One of the two is kept in place (optedOut), the other reads as moved: removed, then added.
      { kind: 'removed', path: 'root.children.0', node: locale('a') },
      { kind: 'added', path: 'root.children.1', node: locale('a') },
      { kind: 'added', path: 'root.children.2', node: locale('b') },
    ]);
    const same = { from: 1, to: 2, kindChange: null, changes: [], members: null, restoredFrom: null };
    expect(describeDiff(same, 'en')).toBe('No change to the rule.');
    expect(describeDiff({ ...same, restoredFrom: 1 }, 'fr')).toBe('Version 1 restaurée.');
    expect(describeDiff({ ...same, from: 0, to: 1 }, 'en')).toBe('First version.');
  });
});
