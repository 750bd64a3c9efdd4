import { describe, expect, it } from 'vitest';
import { FieldSyntaxError, parseFields } from '../../../electron/services/simulator/graph/fields';
import { UsageWindow } from '../../../electron/services/simulator/graph/usage';

describe('Graph field expansion', () => {
  it('parses names, modifiers and nested fields', () => {
    expect(parseFields('id,participants,messages.limit(20){id,created_time,from,to,message}')).toEqual([
      { name: 'id', modifiers: {}, fields: [] },
      { name: 'participants', modifiers: {}, fields: [] },
      {
        name: 'messages',
        modifiers: { limit: '20' },
        fields: ['id', 'created_time', 'from', 'to', 'message'].map((name) => ({ name, modifiers: {}, fields: [] })),
      },
    ]);
    expect(parseFields('a{b{c}}, d')).toEqual([
      { name: 'a', modifiers: {}, fields: [{ name: 'b', modifiers: {}, fields: [{ name: 'c', modifiers: {}, fields: [] }] }] },
      { name: 'd', modifiers: {}, fields: [] },
    ]);
    expect(parseFields('')).toEqual([]);
  });

  it('rejects malformed lists', () => {
    for (const bad of ['messages{id', 'a..b', 'a.limit', '{x}', 'a b']) expect(() => parseFields(bad), bad).toThrow(FieldSyntaxError);
  });
});

describe('usage window', () => {
  it('reports percentages of the budget over a sliding window and forgets old calls', () => {
    const w = new UsageWindow(1000, 10);
    for (let i = 0; i < 5; i++) w.record(i * 100, 0.5, 0.6);
    expect(w.figures(450)).toEqual({ call_count: 50, total_cputime: 25, total_time: 30 });
    expect(w.wouldExceed(450, 0.5, 0.6)).toBe(false);
    for (let i = 5; i < 10; i++) w.record(i * 100, 0.5, 0.6);
    expect(w.wouldExceed(950, 0.5, 0.6)).toBe(true);
    // The first calls leave the window.
    expect(w.figures(1250).call_count).toBe(70);
    expect(w.wouldExceed(1250, 0.5, 0.6)).toBe(false);
  });
});
