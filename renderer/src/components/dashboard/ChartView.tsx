import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useT } from '../../i18n/useT';

// Only the pieces the dashboard's bar and line charts use: a small bundle, and nothing injects styles (CSP).
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export const COLOURS = { sent: '#4b5563', delivered: '#1d4ed8', seen: '#047857', replied: '#b45309', other: '#7c3aed' } as const;

/**
 * A chart with its table: the canvas is an image whose label says what it shows and whose
 * description carries the figures; the toggle swaps in the same numbers as a table, which
 * is what keyboard and screen-reader users (and anyone copying figures) get.
 */
export function ChartView(props: {
  title: string;
  /** The figures in a sentence or two: the canvas's accessible description. */
  description: string;
  config: () => ChartConfiguration;
  table: ReactNode;
  /** Extra re-draw trigger when the config closure changes. */
  deps: readonly unknown[];
  tall?: boolean;
}) {
  const t = useT();
  const [asTable, setAsTable] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const descriptionId = useId();
  const { config, deps } = props;

  useEffect(() => {
    const element = canvas.current;
    if (!element || asTable) return;
    const chart = new Chart(element, config());
    return () => chart.destroy();
    // The caller names what the config depends on; the closure itself is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [asTable, ...deps]);

  return (
    <figure className="chart-figure">
      <figcaption className="chart-head">
        <span className="chart-title">{props.title}</span>
        <button type="button" className="secondary small" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
          {asTable ? t('monitoring.chart.showChart') : t('monitoring.chart.showTable')}
        </button>
      </figcaption>
      {asTable ? (
        <div className="table-scroll">{props.table}</div>
      ) : (
        <div className={props.tall ? 'chart-box tall' : 'chart-box'}>
          <canvas ref={canvas} role="img" aria-label={props.title} aria-describedby={descriptionId}>
            {props.description}
          </canvas>
          <p id={descriptionId} className="visually-hidden">
            {props.description}
          </p>
        </div>
      )}
    </figure>
  );
}
