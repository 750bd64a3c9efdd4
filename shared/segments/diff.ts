import type { Group, RuleNode, SegmentRule } from '../domain/segmentRule';
import type { RuleChange, SegmentDiff } from '../domain/segments';
import { describeCondition, describeRule, type RuleLanguage, type RuleLookups } from './describe';

/**
 * What changed between two versions of a rule, as a list of structural changes (added,
 * removed, edited conditions, a group switching between all / any / not), and the same list
 * as plain French or English sentences. Children of a group are matched by equality first
 * (longest common subsequence), so moving one condition does not read as rewriting the rest.
 */

function same(a: RuleNode, b: RuleNode): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function lcsPairs(a: readonly RuleNode[], b: readonly RuleNode[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const t: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i]![j] = same(a[i]!, b[j]!) ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(a[i]!, b[j]!)) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function diffNodes(before: RuleNode, after: RuleNode, path: string, out: RuleChange[]): void {
  if (same(before, after)) return;
  if (before.type === 'condition' && after.type === 'condition' && before.field === after.field) {
    out.push({ kind: 'changed', path, before, after });
    return;
  }
  if (before.type === 'group' && after.type === 'group') {
    diffGroups(before, after, path, out);
    return;
  }
  out.push({ kind: 'removed', path, node: before });
  out.push({ kind: 'added', path, node: after });
}

function diffGroups(before: Group, after: Group, path: string, out: RuleChange[]): void {
  if (before.op !== after.op) out.push({ kind: 'groupOp', path, before: before.op, after: after.op });
  const pairs = lcsPairs(before.children, after.children);
  // Between two matched pairs, the unmatched children on each side are paired up in order
  // (an edit in place), the surplus reported as removed or added.
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [before.children.length, after.children.length] as [number, number]]) {
    const gapA = pi - i;
    const gapB = pj - j;
    const common = Math.min(gapA, gapB);
    for (let k = 0; k < common; k++) diffNodes(before.children[i + k]!, after.children[j + k]!, `${path}.children.${j + k}`, out);
    for (let k = common; k < gapA; k++) out.push({ kind: 'removed', path: `${path}.children.${i + k}`, node: before.children[i + k]! });
    for (let k = common; k < gapB; k++) out.push({ kind: 'added', path: `${path}.children.${j + k}`, node: after.children[j + k]! });
    i = pi + 1;
    j = pj + 1;
  }
}

/** Changes that turn `before` into `after` (paths: removed ones in `before`, the others in `after`). */
export function diffRules(before: SegmentRule | null, after: SegmentRule | null): RuleChange[] {
  const out: RuleChange[] = [];
  if (before === null && after === null) return out;
  if (before === null) out.push({ kind: 'added', path: 'root', node: after!.root });
  else if (after === null) out.push({ kind: 'removed', path: 'root', node: before.root });
  else diffNodes(before.root, after.root, 'root', out);
  return out;
}

const WORDS = {
  en: {
    created: 'First version.',
    same: 'No change to the rule.',
    restored: (v: number) => `Restored version ${v}.`,
    added: 'Added',
    removed: 'Removed',
    changed: (a: string, b: string) => `Changed “${a}” to “${b}”`,
    groupOp: (a: string, b: string) => `A group went from “${a}” to “${b}”`,
    ops: { and: 'all of', or: 'any of', not: 'none of' },
    kind: { rule: 'a rule', static: 'a static list' },
    kindChange: (a: string, b: string) => `Went from ${a} to ${b}.`,
    members: (added: number, removed: number) => `${added} contact(s) added to the list, ${removed} removed.`,
  },
  fr: {
    created: 'Première version.',
    same: 'Règle inchangée.',
    restored: (v: number) => `Version ${v} restaurée.`,
    added: 'Ajouté',
    removed: 'Retiré',
    changed: (a: string, b: string) => `« ${a} » remplacé par « ${b} »`,
    groupOp: (a: string, b: string) => `Un groupe est passé de « ${a} » à « ${b} »`,
    ops: { and: 'toutes', or: "l'une des", not: 'aucune des' },
    kind: { rule: 'une règle', static: 'une liste fixe' },
    kindChange: (a: string, b: string) => `Passage de ${a} à ${b}.`,
    members: (added: number, removed: number) => `${added} contact(s) ajouté(s) à la liste, ${removed} retiré(s).`,
  },
} as const;

function describeNode(node: RuleNode, lang: RuleLanguage, lookups: RuleLookups): string {
  if (node.type === 'condition') return describeCondition(node, lang, lookups);
  // A group reads as the rule it would be on its own, without the leading "Contacts" and the period.
  const sentence = describeRule({ version: 1, root: node }, lang, lookups);
  return sentence.replace(/^(Contacts|Les contacts) /, '').replace(/\.$/, '');
}

/** The changes of one version as short plain-language sentences. */
export function describeChanges(changes: readonly RuleChange[], lang: RuleLanguage, lookups: RuleLookups = {}): string[] {
  const w = WORDS[lang];
  return changes.map((c) => {
    switch (c.kind) {
      case 'added':
        return `${w.added}: ${describeNode(c.node, lang, lookups)}.`;
      case 'removed':
        return `${w.removed}: ${describeNode(c.node, lang, lookups)}.`;
      case 'changed':
        return `${w.changed(describeCondition(c.before, lang, lookups), describeCondition(c.after, lang, lookups))}.`;
      case 'groupOp':
        return `${w.groupOp(w.ops[c.before], w.ops[c.after])}.`;
    }
  });
}

/** A whole version diff as one paragraph (the history list and the diff view). */
export function describeDiff(diff: SegmentDiff, lang: RuleLanguage, lookups: RuleLookups = {}): string {
  const w = WORDS[lang];
  const parts: string[] = [];
  if (diff.restoredFrom !== null) parts.push(w.restored(diff.restoredFrom));
  if (diff.from === 0) parts.push(w.created);
  else {
    if (diff.kindChange) parts.push(w.kindChange(w.kind[diff.kindChange.before], w.kind[diff.kindChange.after]));
    parts.push(...describeChanges(diff.changes, lang, lookups));
    if (diff.members && (diff.members.added > 0 || diff.members.removed > 0)) parts.push(w.members(diff.members.added, diff.members.removed));
    if (parts.length === 0) parts.push(w.same);
  }
  return parts.join(' ');
}
