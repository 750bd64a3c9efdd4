import { useT } from '../../i18n/useT';
import type { DashboardFormats } from './format';

/** "51–100 of 1 234" with previous / next; the parent owns the offset. */
export function Pager(props: { total: number; offset: number; limit: number; shown: number; f: DashboardFormats; onOffset(o: number): void; label: string }) {
  const t = useT();
  const { total, offset, limit, shown, f } = props;
  if (total === 0) return null;
  return (
    <nav className="pager row" aria-label={props.label}>
      <span>{t('monitoring.pager.range', { from: f.count(offset + 1), to: f.count(offset + shown), total: f.count(total) })}</span>
      <button type="button" className="secondary small" disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - limit))}>
        {t('monitoring.pager.previous')}
      </button>
      <button type="button" className="secondary small" disabled={offset + shown >= total} onClick={() => props.onOffset(offset + limit)}>
        {t('monitoring.pager.next')}
      </button>
    </nav>
  );
}
