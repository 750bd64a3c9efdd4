import { useState, type FormEvent } from 'react';
import { DemoOffer } from '../components/DemoOffer';
import { WorkspaceFields, type WorkspaceDraft } from '../components/WorkspaceFields';
import { formatters } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp } from '../stores/appStore';

function defaultDraft(language: string): WorkspaceDraft {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Paris';
  return { name: '', timeZone: zone, locale: language === 'fr' ? 'fr-FR' : 'en-US' };
}

export function WorkspacesPage() {
  const t = useT();
  const errorText = useErrorText();
  const { client, workspaces, currentWorkspaceId, language, refreshWorkspaces, switchWorkspace, notify, go } = useApp();
  const [draft, setDraft] = useState<WorkspaceDraft>(() => defaultDraft(language));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!client || busy) return;
    setBusy(true);
    try {
      const ws = await client.call('workspace:create', draft);
      setErrors({});
      setDraft(defaultDraft(language));
      await refreshWorkspaces();
      await switchWorkspace(ws.id);
      notify('success', t('workspaces.created', { name: ws.name }));
    } catch (err) {
      const { text, fields } = errorText(err);
      setErrors(fields);
      notify('error', text);
    } finally {
      setBusy(false);
    }
  }

  async function open(id: number, name: string) {
    await switchWorkspace(id);
    notify('success', t('workspaces.switched', { name }));
    go('settings');
  }

  return (
    <section aria-labelledby="workspaces-title">
      <h1 id="workspaces-title">{t('workspaces.title')}</h1>
      <p className="lead">{t('workspaces.intro')}</p>

      <DemoOffer show={workspaces.length === 0} />
      {workspaces.length === 0 ? (
        <div className="empty-state" role="status">
          <h2>{t('workspaces.empty.title')}</h2>
          <p>{t('workspaces.empty.body')}</p>
        </div>
      ) : (
        <table className="data-table">
          <caption>{t('workspaces.list.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('workspaces.col.name')}</th>
              <th scope="col">{t('workspaces.col.timeZone')}</th>
              <th scope="col">{t('workspaces.col.locale')}</th>
              <th scope="col">{t('workspaces.col.created')}</th>
              <th scope="col">{t('workspaces.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.map((w) => (
              <tr key={w.id} aria-current={w.id === currentWorkspaceId ? 'true' : undefined}>
                <th scope="row">
                  {w.name} {w.id === currentWorkspaceId && <span className="badge">{t('workspaces.current')}</span>}
                </th>
                <td>{w.timeZone.replace(/_/g, ' ')}</td>
                <td>{w.locale}</td>
                <td>{formatters(w.locale, w.timeZone).dateTime(w.createdAt)}</td>
                <td>
                  <button type="button" className="secondary" aria-label={t('workspaces.open', { name: w.name })} onClick={() => void open(w.id, w.name)}>
                    {t('workspaces.openShort')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="create-title" noValidate>
        <h2 id="create-title">{t('workspaces.create.title')}</h2>
        <WorkspaceFields draft={draft} onChange={setDraft} errors={errors} uiLanguage={language} />
        <button type="submit" disabled={busy}>
          {t('workspaces.create.submit')}
        </button>
      </form>
    </section>
  );
}
