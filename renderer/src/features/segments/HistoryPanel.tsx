import { useId, useState, type ReactNode } from 'react';
import type { SegmentRule } from '../../../../shared/domain/segmentRule';
import type { SegmentDetail, SegmentDiff } from '../../../../shared/domain/segments';
import { describeRule, type RuleLanguage, type RuleLookups } from '../../../../shared/segments/describe';
import { describeDiff } from '../../../../shared/segments/diff';
import type { DashboardFormats } from '../../components/dashboard/format';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';

/**
 * Every saved version with who saved it, when, its note and what it changed; an old version can
 * be viewed and restored (as a new version), and any two compared in plain language.
 */
export function HistoryPanel(props: { detail: SegmentDetail; lang: RuleLanguage; lookups: RuleLookups; f: DashboardFormats;
  onRestore(version: number): Promise<void>;
  /** The builder, read-only, showing an old version's rule. */
  renderRule(rule: SegmentRule, version: number): ReactNode;
}) {
  const t = useT();
  const errorText = useErrorText();
  const { client } = useApp();
  const id = useId();
  const { detail, lang, lookups, f } = props;
  const versions = detail.versions;
  const [viewing, setViewing] = useState<number | null>(null);
  const [from, setFrom] = useState(String(versions[1]?.version ?? versions[0]?.version ?? 1));
  const [to, setTo] = useState(String(versions[0]?.version ?? 1));
  const [diff, setDiff] = useState<SegmentDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const viewed = versions.find((v) => v.version === viewing) ?? null;

  const view = (version: number) => {
    setViewing(version);
    requestAnimationFrame(() => document.getElementById(`${id}-viewed`)?.focus());
  };

  const compare = async () => {
    if (!client) return;
    setError(null);
    try {
      const out = await client.call('segments:diff', { workspaceId: detail.workspaceId, segmentId: detail.id, from: Number(from), to: Number(to) });
      setDiff(out);
    } catch (e) {
      setDiff(null);
      setError(errorText(e).text);
    }
  };

  return (
    <section className="card history-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} tabIndex={-1}>
        {t('segments.history.title')}
      </h3>
      <ol className="version-list">
        {versions.map((v) => (
          <li key={v.version} aria-current={v.version === detail.version ? 'true' : undefined}>
            <div className="version-head">
              <strong>{t('segments.history.version', { version: v.version })}</strong>
              {v.version === detail.version && <span className="badge">{t('segments.history.current')}</span>}
              <span className="hint">{t('segments.history.savedBy', { who: v.savedBy, when: f.dateTime(v.savedAt) })}</span>
            </div>
            {v.note && <p className="version-note">{t('segments.history.note', { note: v.note })}</p>}
            <p className="version-change">{describeDiff(v.change, lang, lookups)}</p>
            {v.usedBy.length > 0 && (
              <p className="version-used">
                {t('segments.history.usedBy')}{' '}
                {v.usedBy
                  .map((u) => t(u.kind === 'campaign' ? 'segments.history.usedByCampaign' : 'segments.history.usedByExperiment', { name: u.name }))
                  .join(', ')}
              </p>
            )}
            <div className="row">
              <button type="button" className="secondary small" aria-label={t('segments.history.viewLabel', { version: v.version })} onClick={() => view(v.version)}>
                {t('segments.history.view')}
              </button>
              {v.version !== detail.version && (
                <button type="button" className="secondary small" aria-label={t('segments.history.restoreLabel', { version: v.version })} onClick={() => void props.onRestore(v.version)}>
                  {t('segments.history.restore')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
      {viewed && (
        <div className="viewed-version" role="region" aria-labelledby={`${id}-viewed`}>
          <h4 id={`${id}-viewed`} tabIndex={-1}>
            {t('segments.history.viewing', { version: viewed.version })}
          </h4>
          <p className="rule-sentence">
            {viewed.rule ? describeRule(viewed.rule, lang, lookups) : t('segments.history.staticVersion', { count: f.count(viewed.memberCount ?? 0) })}
          </p>
          {viewed.rule && props.renderRule(viewed.rule, viewed.version)}
          <div className="row">
            {viewed.version !== detail.version && (
              <button type="button" onClick={() => void props.onRestore(viewed.version)}>
                {t('segments.history.restoreLabel', { version: viewed.version })}
              </button>
            )}
            <button type="button" className="secondary" onClick={() => setViewing(null)}>
              {t('segments.history.closeView')}
            </button>
          </div>
        </div>
      )}
      {versions.length > 1 && (
        <form
          className="compare"
          onSubmit={(e) => {
            e.preventDefault();
            void compare();
          }}
        >
          <h4>{t('segments.history.compareTitle')}</h4>
          <div className="row">
            <label htmlFor={`${id}-from`}>{t('segments.history.from')}</label>
            <select id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {t('segments.history.version', { version: v.version })}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-to`}>{t('segments.history.to')}</label>
            <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {t('segments.history.version', { version: v.version })}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary">
              {t('segments.history.compare')}
            </button>
          </div>
        </form>
      )}
      <div role="status" className="diff-result">
        {diff && (
          <p>
            <strong>{t('segments.history.diffHead', { from: diff.from, to: diff.to })}</strong> <span className="diff-sentence">{describeDiff(diff, lang, lookups)}</span>
          </p>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
