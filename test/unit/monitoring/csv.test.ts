import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../../electron/services/monitoring/csv';

describe('CSV export (RFC 4180, formula-injection guard)', () => {
  it('quotes fields holding a comma, a quote or a line break, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('prefixes a quote to cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+33612345678')).toBe("'+33612345678");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes CRLF-terminated records with the header first', () => {
    expect(csvDocument(['psid', 'name'], [['1', 'Ana'], ['2', null]])).toBe('psid,name\r\n1,Ana\r\n2,\r\n');
  });
});
