import { useId, useState } from 'react';
import { ApiError } from '../../../../shared/api/errors';
import type { ImportStaticOutput } from '../../../../shared/domain/segments';
import type { DashboardFormats } from '../../components/dashboard/format';
import { errorKey } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';

const SHOWN_UNMATCHED = 100;

/** A fixed list of contacts from a CSV of PSIDs, chosen as a file or pasted; rows that match nobody are listed. */
export function StaticImport(props: { workspaceId: number; f: DashboardFormats; onImported(): void; onOpen(id: number): void }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const id = useId();
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [result, setResult] = useState<ImportStaticOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { f } = props;

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
    setFileName(file.name);
  };

  const run = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      const out = await client.call('segments:importStatic', { workspaceId: props.workspaceId, name, csvText: text });
      setResult(out);
      notify('success', t('segments.static.imported', { name: out.segment.name, matched: f.count(out.matched) }));
      props.onImported();
    } catch (e) {
      setResult(null);
      const key = e instanceof ApiError && e.issues?.[0] ? errorKey(e.issues[0].message) : null;
      setError(key ? t(key) : errorText(e).text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card wide static-import">
      <summary>{t('segments.static.importTitle')}</summary>
      <p className="hint">{t('segments.static.importIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('segments.save.name')}</label>
          <input id={`${id}-name`} type="text" value={name} required onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('segments.static.file')}</label>
          <input id={`${id}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void readFile(e.target.files?.[0])} />
          {fileName && <span className="hint">{t('segments.static.fileRead', { file: fileName })}</span>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-paste`}>{t('segments.static.paste')}</label>
          <textarea id={`${id}-paste`} rows={5} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          <span className="hint">{t('segments.static.pasteHint')}</span>
        </div>
        <button type="submit" disabled={busy || name.trim() === '' || text.trim() === ''}>
          {t('segments.static.submit')}
        </button>
      </form>
      <div role="status">
        {result && (
          <p>
            {t('segments.static.result', { matched: f.count(result.matched), unmatched: f.count(result.unmatched.length) })}{' '}
            <button type="button" className="link" onClick={() => props.onOpen(result.segment.id)}>
              {t('segments.list.openLabel', { name: result.segment.name })}
            </button>
          </p>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      {result && result.unmatched.length > 0 && (
        <div className="table-scroll">
          <table className="data-table compact">
            <caption>{t('segments.static.unmatchedCaption', { count: f.count(result.unmatched.length) })}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('segments.static.col.line')}
                </th>
                <th scope="col">{t('segments.static.col.psid')}</th>
                <th scope="col">{t('segments.static.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {result.unmatched.slice(0, SHOWN_UNMATCHED).map((u) => (
                <tr key={u.line}>
                  <td className="num">{u.line}</td>
                  <td>
                    <code>{u.psid === '' ? '–' : u.psid}</code>
                  </td>
                  <td>{t(`segments.static.reason.${u.reason}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.unmatched.length > SHOWN_UNMATCHED && <p className="hint">{t('segments.static.more', { count: f.count(result.unmatched.length - SHOWN_UNMATCHED) })}</p>}
        </div>
      )}
    </details>
  );
}
