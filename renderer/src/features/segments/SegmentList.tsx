import { useId, useState } from 'react';
import { ApiError } from '../../../../shared/api/errors';
import type { SegmentRule } from '../../../../shared/domain/segmentRule';
import type { SegmentSummary, StartingPoint } from '../../../../shared/domain/segments';
import type { DashboardFormats } from '../../components/dashboard/format';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';

/** Saved segments (open, delete) and the ready-made starting points. */
export function SegmentList(props: {
  workspaceId: number;
  segments: SegmentSummary[];
  startingPoints: StartingPoint[];
  f: DashboardFormats;
  onOpen(id: number): void;
  onNew(rule: SegmentRule | null, name: string): void;
  onDeleted(): void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const id = useId();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const { f } = props;

  const remove = async (s: SegmentSummary) => {
    if (!client) return;
    setDeleteError(null);
    try {
      await client.call('segments:delete', { workspaceId: props.workspaceId, segmentId: s.id });
      setConfirming(null);
      notify('success', t('segments.list.deleted', { name: s.name }));
      props.onDeleted();
      requestAnimationFrame(() => document.getElementById(`${id}-title`)?.focus());
    } catch (e) {
      // Refusals: a campaign or an experiment recorded one of its versions (an issue says so),
      // or another segment's current rule includes or excludes this one.
      const inUse = e instanceof ApiError && e.issues?.some((i) => i.message === 'segments.error.inUse');
      setDeleteError(e instanceof ApiError && e.code === 'CONFLICT' && !inUse ? t('segments.list.deleteConflict', { name: s.name }) : errorText(e).text);
    }
  };

  return (
    <>
      <section className="card wide" aria-labelledby={`${id}-start`}>
        <h2 id={`${id}-start`}>{t('segments.start.title')}</h2>
        <p className="hint">{t('segments.start.intro')}</p>
        <ul className="starting-points">
          <li>
            <button type="button" onClick={() => props.onNew(null, '')}>
              {t('segments.start.empty')}
            </button>
          </li>
          {props.startingPoints.map((sp) => (
            <li key={sp.key}>
              <button type="button" className="secondary" onClick={() => props.onNew(sp.rule, t(`segments.start.${sp.key}`))}>
                {t(`segments.start.${sp.key}`)}
              </button>
              <span className="hint">{t(`segments.start.${sp.key}.hint`)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} tabIndex={-1}>
          {t('segments.list.title')}
        </h2>
        {props.segments.length === 0 ? (
          <p className="empty-state">{t('segments.list.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t('segments.list.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('segments.list.col.name')}</th>
                  <th scope="col">{t('segments.list.col.kind')}</th>
                  <th scope="col" className="num">
                    {t('segments.list.col.version')}
                  </th>
                  <th scope="col">{t('segments.list.col.updated')}</th>
                  <th scope="col">{t('segments.list.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {props.segments.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}</th>
                    <td>{t(`segments.kind.${s.kind}`)}</td>
                    <td className="num">{s.version}</td>
                    <td>{t('segments.list.updatedBy', { when: f.dateTime(s.updatedAt), who: s.updatedBy })}</td>
                    <td>
                      <div className="row">
                        <button type="button" className="small" aria-label={t('segments.list.openLabel', { name: s.name })} onClick={() => props.onOpen(s.id)}>
                          {t('segments.list.open')}
                        </button>
                        {confirming === s.id ? (
                          <>
                            <button type="button" className="destructive small" onClick={() => void remove(s)}>
                              {t('segments.list.confirmDelete', { name: s.name })}
                            </button>
                            <button
                              type="button"
                              className="secondary small"
                              onClick={() => {
                                setConfirming(null);
                                setDeleteError(null);
                              }}
                            >
                              {t('segments.list.cancel')}
                            </button>
                          </>
                        ) : (
                          <button type="button" className="secondary small" aria-label={t('segments.list.deleteLabel', { name: s.name })} onClick={() => setConfirming(s.id)}>
                            {t('segments.list.delete')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {deleteError && <p role="alert">{deleteError}</p>}
      </section>
    </>
  );
}
