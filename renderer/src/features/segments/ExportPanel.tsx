import { useId, useState } from 'react';
import type { Channel, SegmentRule } from '../../../../shared/domain/segmentRule';
import type { ExportField, ExportOutput } from '../../../../shared/domain/segments';
import type { DashboardFormats } from '../../components/dashboard/format';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';

const CHANNELS: readonly Channel[] = ['messenger', 'sms', 'email'];
const FIELDS: readonly ExportField[] = ['psid', 'name', 'page', 'locale', 'timeZone', 'phone', 'email', 'labels', 'lastInboundAt', 'windowClosesAt'];

/**
 * Saves the CSV exactly as Relais wrote it: it already starts with a UTF-8 BOM (so spreadsheet
 * programs read accents right), which a Blob of the string keeps as the bytes EF BB BF.
 */
function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Members as a CSV for one channel (only those with its consent and an address), columns chosen by the user. */
export function ExportPanel(props: { workspaceId: number; rule: SegmentRule | null; segmentId: number | null; f: DashboardFormats }) {
  const t = useT();
  const errorText = useErrorText();
  const { client } = useApp();
  const id = useId();
  const [channel, setChannel] = useState<Channel>('messenger');
  const [fields, setFields] = useState<ExportField[]>(['psid', 'name']);
  const [result, setResult] = useState<ExportOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const source = props.rule ? { rule: props.rule } : props.segmentId !== null ? { segmentId: props.segmentId } : null;

  const run = async () => {
    if (!client || !source) return;
    setBusy(true);
    setError(null);
    try {
      const out = await client.call('segments:export', { workspaceId: props.workspaceId, ...source, channel, fields: FIELDS.filter((x) => fields.includes(x)) });
      downloadCsv(out.fileName, out.csv);
      setResult(out);
    } catch (e) {
      setResult(null);
      setError(errorText(e).text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card export-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('segments.export.title')}</h3>
      <p className="hint">{t('segments.export.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <fieldset className="plain">
          <legend>{t('segments.export.channel')}</legend>
          <div className="row">
            {CHANNELS.map((ch) => (
              <label key={ch} className="check">
                <input type="radio" name={`${id}-channel`} value={ch} checked={channel === ch} onChange={() => setChannel(ch)} />
                {t(`segments.channel.${ch}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="plain">
          <legend>{t('segments.export.fields')}</legend>
          <div className="export-fields">
            {FIELDS.map((x) => (
              <label key={x} className="check">
                <input type="checkbox" checked={fields.includes(x)} onChange={() => setFields((cur) => (cur.includes(x) ? cur.filter((y) => y !== x) : [...cur, x]))} />
                {t(`segments.export.field.${x}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {fields.length === 0 && <p className="field-error">{t('segments.export.noFields')}</p>}
        <button type="submit" disabled={busy || !source || fields.length === 0}>
          {t('segments.export.submit')}
        </button>
      </form>
      <div role="status" className="export-result" data-rows={result?.rows}>
        {result &&
          t('segments.export.done', {
            file: result.fileName,
            rows: props.f.count(result.rows),
            count: props.f.count(result.count),
            excluded: props.f.count(result.excluded),
          })}
      </div>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
