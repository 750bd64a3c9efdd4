import { useEffect, useRef } from 'react';
import type { UiLanguage } from '../../shared/domain/workspace';
import { useT } from './i18n/useT';
import { pageRegistry } from './pages/registry';
import { useApp, type PageId } from './stores/appStore';

function NoticeBar() {
  const t = useT();
  const notice = useApp((s) => s.notice);
  const clear = useApp((s) => s.clearNotice);
  useEffect(() => {
    if (notice?.kind !== 'success') return;
    const timer = setTimeout(clear, 6000);
    return () => clearTimeout(timer);
  }, [notice, clear]);
  return (
    <div className="notice-region" aria-live="polite" role="status">
      {notice && (
        <div className={`notice ${notice.kind}`} key={notice.id}>
          <span>{notice.text}</span>
          <button type="button" className="link" onClick={clear}>
            {t('error.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}

export function App() {
  const t = useT();
  const { ready, startError, language, setLanguage, workspaces, currentWorkspaceId, switchWorkspace, page, go } = useApp();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${t('app.name')} — ${t(pageRegistry.find((p) => p.id === page)?.navKey ?? 'nav.workspaces')}`;
  }, [language, page, t]);

  if (!ready) return <p role="status">{t('app.loading')}</p>;
  if (startError) return <p role="alert">{t('app.startFailed', { message: startError })}</p>;

  const navigate = (id: PageId) => {
    go(id);
    // Move focus to the new page so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => main.current?.focus());
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <img src="./favicon.svg" alt="" width={28} height={28} />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar-controls">
          <label htmlFor="workspace-switcher">{t('switcher.label')}</label>
          <select
            id="workspace-switcher"
            value={currentWorkspaceId ?? ''}
            disabled={workspaces.length === 0}
            onChange={(e) => void switchWorkspace(e.target.value === '' ? null : Number(e.target.value))}
          >
            {workspaces.length === 0 && <option value="">{t('switcher.none')}</option>}
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          <label htmlFor="language-switcher">{t('language.label')}</label>
          <select id="language-switcher" value={language} onChange={(e) => void setLanguage(e.target.value as UiLanguage)}>
            <option value="fr" lang="fr">
              {t('language.fr')}
            </option>
            <option value="en" lang="en">
              {t('language.en')}
            </option>
          </select>
        </div>
      </header>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <ul>
          {pageRegistry
            .filter((p) => !p.needsWorkspace || workspaces.length > 0)
            .map((p) => (
              <li key={p.id}>
                <button type="button" className="nav-item" aria-current={page === p.id ? 'page' : undefined} onClick={() => navigate(p.id)}>
                  {t(p.navKey)}
                </button>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <NoticeBar />
        {pageRegistry
          .filter((p) => p.id === page)
          .map((p) => (
            <p.component key={p.id} />
          ))}
      </main>
    </div>
  );
}
