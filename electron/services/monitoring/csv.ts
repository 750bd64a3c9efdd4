/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a quote or a line
 * break is quoted, its quotes doubled), with the OWASP guard against formula injection:
 * a cell a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that hides one) is prefixed with a single quote.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
