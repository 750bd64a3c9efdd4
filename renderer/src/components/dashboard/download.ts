/**
 * Saves text as a file the same way in Electron and the browser shell: an object URL on an
 * anchor with `download`. That is a navigation, not a fetch, so the CSP's connect rules do not
 * apply; the URL is revoked once the click has been handed to the browser.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A BOM so spreadsheet programs read the accents of names as UTF-8.
  const blob = new Blob(['\uFEFF', text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
