import { useEffect, useState } from 'react';
import type { ExperimentSummary } from '../../../../shared/domain/experiments';
import type { Workspace } from '../../../../shared/domain/workspace';
import { formatters } from '../../i18n';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { CreateExperimentForm } from './CreateExperimentForm';
import { metricLabel } from './format';
import { useExperimentErrors } from './useExperimentErrors';

/** The workspace's experiments, the form for a new one, and the way into numbers typed by hand. */
export function ExperimentList(props: { workspace: Workspace; onPlan(id: number): void; onResults(id: number): void; onManual(): void }) {
  const t = useT();
  const errorsOf = useExperimentErrors();
  const { client, notify } = useApp();
  const [list, setList] = useState<ExperimentSummary[] | null>(null);
  const workspaceId = props.workspace.id;

  useEffect(() => {
    let live = true;
    client
      ?.call('experiments:list', { workspaceId })
      .then((rows) => live && setList(rows))
      .catch((err: unknown) => live && notify('error', errorsOf(err).text));
    return () => {
      live = false;
    };
  }, [client, workspaceId, notify, errorsOf]);

  const dates = formatters(props.workspace.locale, props.workspace.timeZone);

  return (
    <>
      {list === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : list.length === 0 ? (
        <div className="empty-state">
          <h2>{t('experiments.empty.title')}</h2>
          <p>{t('experiments.empty.body')}</p>
        </div>
      ) : (
        <table className="data-table">
          <caption>{t('experiments.list.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.field.name')}</th>
              <th scope="col">{t('experiments.field.campaign')}</th>
              <th scope="col">{t('experiments.field.dimension')}</th>
              <th scope="col">{t('experiments.plan.metric')}</th>
              <th scope="col">{t('experiments.col.status')}</th>
              <th scope="col">{t('experiments.col.created')}</th>
              <th scope="col">{t('experiments.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.id}>
                <th scope="row">{e.name}</th>
                <td>{e.campaignName}</td>
                <td>
                  {t(`experiments.dimension.${e.dimension}`)} · {t('experiments.list.variantCount', { count: e.variantCount })}
                </td>
                <td>{metricLabel(e.primaryMetric, t)}</td>
                <td>
                  <span className="badge">{t(`experiments.status.${e.status}`)}</span>
                </td>
                <td>{dates.dateTime(e.createdAt)}</td>
                <td>
                  <div className="row">
                    <button type="button" className="secondary" aria-label={t('experiments.list.openPlan', { name: e.name })} onClick={() => props.onPlan(e.id)}>
                      {t('experiments.list.openPlanShort')}
                    </button>
                    {e.status !== 'draft' && (
                      <button type="button" className="secondary" aria-label={t('experiments.list.openResults', { name: e.name })} onClick={() => props.onResults(e.id)}>
                        {t('experiments.list.openResultsShort')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <CreateExperimentForm workspaceId={workspaceId} onCreated={props.onPlan} />

      <section className="card wide" aria-labelledby="manual-entry-title">
        <h2 id="manual-entry-title">{t('experiments.manual.cardTitle')}</h2>
        <p>{t('experiments.manual.cardBody')}</p>
        <button type="button" className="secondary" onClick={props.onManual}>
          {t('experiments.manual.open')}
        </button>
      </section>
    </>
  );
}
