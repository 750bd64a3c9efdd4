import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../../shared/api/contract';
import { formatters, isMessageKey } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp } from '../stores/appStore';

export function AboutPage() {
  const t = useT();
  const errorText = useErrorText();
  const { client, language, notify } = useApp();
  const [info, setInfo] = useState<{ app: Output<'app:info'>; db: Output<'db:info'> } | null>(null);
  const tableLabel = (table: string) => {
    const key = `table.${table}`;
    return isMessageKey(key) ? t(key) : table;
  };
  const f = formatters(language === 'fr' ? 'fr-FR' : 'en-US', 'UTC');

  const load = useCallback(async () => {
    if (!client) return;
    try {
      const [app, db] = await Promise.all([client.call('app:info', {}), client.call('db:info', {})]);
      setInfo({ app, db });
    } catch (e) {
      notify('error', errorText(e).text);
    }
  }, [client, notify, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="about-title">
      <h1 id="about-title">{t('about.title')}</h1>
      {!info ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <dl className="facts">
            <dt>{t('about.version')}</dt>
            <dd>{info.app.version}</dd>
            <dt>{t('about.dataDir')}</dt>
            <dd>
              <code>{info.app.dataDir}</code>
            </dd>
            <dt>{t('about.dbPath')}</dt>
            <dd>
              <code>{info.db.path}</code>
            </dd>
            <dt>{t('about.schema')}</dt>
            <dd>{info.db.schemaVersion}</dd>
            <dt>{t('about.journal')}</dt>
            <dd>{info.db.journalMode.toUpperCase()}</dd>
            <dt>{t('about.size')}</dt>
            <dd>{f.kilobytes(info.db.sizeBytes)}</dd>
          </dl>
          <table className="data-table compact">
            <caption>{t('about.rows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('about.table')}</th>
                <th scope="col" className="num">
                  {t('about.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(info.db.counts).map(([table, n]) => (
                <tr key={table}>
                  <th scope="row">{tableLabel(table)}</th>
                  <td className="num">{f.number(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="secondary" onClick={() => void load()}>
            {t('about.refresh')}
          </button>
        </>
      )}
    </section>
  );
}
