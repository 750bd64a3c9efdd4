import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { LOGO_MAX_BYTES } from '../../../shared/domain/workspace';
import { WorkspaceFields, type WorkspaceDraft } from '../components/WorkspaceFields';
import { ReceiverSection } from '../components/relay/ReceiverSection';
import { formatters } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp, useCurrentWorkspace } from '../stores/appStore';

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

export function SettingsPage() {
  const t = useT();
  const errorText = useErrorText();
  const ws = useCurrentWorkspace();
  const { client, language, refreshWorkspaces, notify, go } = useApp();
  const [draft, setDraft] = useState<WorkspaceDraft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [logo, setLogo] = useState<string | null>(null);
  const [confirmName, setConfirmName] = useState('');
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!ws) return;
    setDraft({ name: ws.name, timeZone: ws.timeZone, locale: ws.locale });
    setErrors({});
    setConfirmName('');
    setConfirmError(null);
    let live = true;
    void client?.call('workspace:logo', { id: ws.id }).then((r) => live && setLogo(r.dataUrl));
    return () => {
      live = false;
    };
  }, [ws?.id, ws?.updatedAt, client]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!ws || !draft || !client) {
    return (
      <section aria-labelledby="settings-title">
        <h1 id="settings-title">{t('settings.title')}</h1>
        <p className="empty-state">{t('settings.noWorkspace')}</p>
      </section>
    );
  }

  const f = formatters(draft.locale, draft.timeZone);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!ws || !draft || !client) return;
    try {
      await client.call('workspace:update', { id: ws.id, ...draft });
      setErrors({});
      await refreshWorkspaces();
      notify('success', t('settings.saved'));
    } catch (err) {
      const { text, fields } = errorText(err);
      setErrors(fields);
      notify('error', text);
    }
  }

  async function chooseLogo(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file || !ws || !client) return;
    if (file.size > LOGO_MAX_BYTES) return notify('error', t('error.logo.tooLarge'));
    try {
      await client.call('workspace:setLogo', { id: ws.id, dataUrl: await readAsDataUrl(file) });
      await refreshWorkspaces();
      notify('success', t('settings.logo.saved'));
    } catch (err) {
      notify('error', errorText(err).text);
    }
  }

  async function removeLogo() {
    if (!ws || !client) return;
    try {
      await client.call('workspace:setLogo', { id: ws.id, dataUrl: null });
      setLogo(null);
      await refreshWorkspaces();
      notify('success', t('settings.logo.removed'));
    } catch (err) {
      notify('error', errorText(err).text);
    }
  }

  async function remove(e: FormEvent) {
    e.preventDefault();
    if (!ws || !client) return;
    if (confirmName.trim() !== ws.name) {
      setConfirmError(t('error.confirm.mismatch'));
      return;
    }
    try {
      await client.call('workspace:delete', { id: ws.id, confirmName });
      await refreshWorkspaces();
      notify('success', t('settings.deleted', { name: ws.name }));
      go('workspaces');
    } catch (err) {
      notify('error', errorText(err).text);
    }
  }

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>

      <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="general-title" noValidate>
        <h2 id="general-title">{t('settings.general')}</h2>
        <WorkspaceFields draft={draft} onChange={setDraft} errors={errors} uiLanguage={language} />
        <p className="hint" aria-live="polite">
          {t('settings.preview', { date: f.dateTime(Date.now()), number: f.number(1234567.89), percent: f.percent(0.4237) })}
        </p>
        <button type="submit">{t('settings.save')}</button>
      </form>

      <div className="card" role="group" aria-labelledby="logo-title">
        <h2 id="logo-title">{t('settings.logo.title')}</h2>
        <p className="hint" id="logo-hint">{t('settings.logo.hint')}</p>
        {logo ? <img className="logo-preview" src={logo} alt={t('settings.logo.alt', { name: ws.name })} /> : <p>{t('settings.logo.none')}</p>}
        <div className="row">
          {/* The visible button opens this input; it stays out of the tab order to avoid a second stop. */}
          <input
            ref={fileInput}
            id="logo-file"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            className="visually-hidden"
            tabIndex={-1}
            aria-label={t('settings.logo.choose')}
            aria-describedby="logo-hint"
            onChange={(e) => void chooseLogo(e)}
          />
          <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>
            {t('settings.logo.choose')}
          </button>
          {logo && (
            <button type="button" className="secondary" onClick={() => void removeLogo()}>
              {t('settings.logo.remove')}
            </button>
          )}
        </div>
      </div>

      <ReceiverSection />

      <form className="card danger" onSubmit={(e) => void remove(e)} aria-labelledby="delete-title" noValidate>
        <h2 id="delete-title">{t('settings.delete.title')}</h2>
        <p id="delete-warning">{t('settings.delete.warning', { name: ws.name })}</p>
        <div className="field">
          <label htmlFor="delete-confirm">{t('settings.delete.confirmLabel', { name: ws.name })}</label>
          <input
            id="delete-confirm"
            type="text"
            autoComplete="off"
            value={confirmName}
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? 'delete-warning delete-error' : 'delete-warning'}
            onChange={(e) => {
              setConfirmName(e.target.value);
              setConfirmError(null);
            }}
          />
          {confirmError && (
            <span id="delete-error" className="field-error">
              {confirmError}
            </span>
          )}
        </div>
        <button type="submit" className="destructive">
          {t('settings.delete.submit')}
        </button>
      </form>
    </section>
  );
}
