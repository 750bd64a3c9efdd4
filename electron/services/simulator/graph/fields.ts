/**
 * Graph API field expansion: `fields=id,participants,messages.limit(20){id,from,message}`.
 * A field may carry modifiers (`.limit(n)`, `.after(c)`, …) and nested sub-fields.
 */
export interface FieldSpec {
  name: string;
  modifiers: Record<string, string>;
  /** Sub-fields (empty: the edge's default fields). */
  fields: FieldSpec[];
}

export class FieldSyntaxError extends Error {}

export function parseFields(text: string | null | undefined): FieldSpec[] {
  if (!text) return [];
  let i = 0;
  const s = text;

  function list(closing: string | null): FieldSpec[] {
    const out: FieldSpec[] = [];
    for (;;) {
      skipSpace();
      if (closing !== null && s[i] === closing) {
        i++;
        return out;
      }
      if (i >= s.length) {
        if (closing !== null) throw new FieldSyntaxError(`Syntax error "Expected "${closing}"" in field list: ${text}`);
        return out;
      }
      out.push(field());
      skipSpace();
      if (s[i] === ',') i++;
      else if (closing !== null && s[i] === closing) continue;
      else if (i < s.length) throw new FieldSyntaxError(`Syntax error "Expected end of string instead of "${s[i]}"." at character ${i}: ${text}`);
    }
  }

  function ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) throw new FieldSyntaxError(`Syntax error "Expected a field name" at character ${i}: ${text}`);
    i += m[0].length;
    return m[0];
  }

  function field(): FieldSpec {
    const spec: FieldSpec = { name: ident(), modifiers: {}, fields: [] };
    while (s[i] === '.') {
      i++;
      const mod = ident();
      if (s[i] !== '(') throw new FieldSyntaxError(`Syntax error "Expected "("" at character ${i}: ${text}`);
      const close = s.indexOf(')', i);
      if (close < 0) throw new FieldSyntaxError(`Syntax error "Expected ")"" at character ${i}: ${text}`);
      spec.modifiers[mod] = s.slice(i + 1, close);
      i = close + 1;
    }
    skipSpace();
    if (s[i] === '{') {
      i++;
      spec.fields = list('}');
    }
    return spec;
  }

  function skipSpace(): void {
    while (s[i] === ' ') i++;
  }

  return list(null);
}
