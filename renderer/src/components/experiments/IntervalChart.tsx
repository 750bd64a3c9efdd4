import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type Plugin } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { VariantReading } from '../../../../shared/domain/experiments';
import { useT } from '../../i18n/useT';
import type { ExperimentFormats } from './format';

// Only what a bar chart with a tooltip needs: keeps the bundle small and nothing registers styles.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const CONTROL_COLOUR = '#6b7280';
const VARIANT_COLOUR = '#1d4ed8';
const WHISKER_COLOUR = '#111827';

/** Draws each bar's interval as a whisker; Chart.js has no error bars of its own. */
function whiskerPlugin(intervals: readonly (readonly [number, number] | null)[]): Plugin<'bar'> {
  return {
    id: 'relaisIntervalWhiskers',
    afterDatasetsDraw(chart) {
      const meta = chart.getDatasetMeta(0);
      const y = chart.scales.y;
      if (!y) return;
      const { ctx } = chart;
      ctx.save();
      ctx.strokeStyle = WHISKER_COLOUR;
      ctx.lineWidth = 2;
      meta.data.forEach((bar, index) => {
        const interval = intervals[index];
        if (!interval) return;
        const x = bar.x;
        const top = y.getPixelForValue(interval[1] * 100);
        const bottom = y.getPixelForValue(interval[0] * 100);
        const cap = 10;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top);
        ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom);
        ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

/**
 * The primary metric per variant, bars with interval whiskers. The canvas is
 * an image with a full text alternative; the table next to it carries the same
 * numbers for keyboard and screen-reader users.
 */
export function IntervalChart(props: { variants: readonly VariantReading[]; level: number; metricName: string; locale: string; f: ExperimentFormats; controlName: string }) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const { variants, level, metricName, locale, f, controlName } = props;

  const description = t('experiments.chart.label', {
    metric: metricName,
    values: variants
      .map((v) => t('experiments.chart.bar', { variant: v.name, rate: f.rate(v.rate), level: f.level(level), low: f.rate(v.ciLow), high: f.rate(v.ciHigh) }))
      .join(' '),
  });

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const highest = Math.max(0.05, ...variants.map((v) => v.ciHigh ?? v.rate ?? 0));
    const chart = new Chart(element, {
      type: 'bar',
      data: {
        labels: variants.map((v) => v.name),
        datasets: [
          {
            label: metricName,
            data: variants.map((v) => (v.rate ?? 0) * 100),
            backgroundColor: variants.map((v) => (v.name === controlName ? CONTROL_COLOUR : VARIANT_COLOUR)),
            maxBarThickness: 90,
          },
        ],
      },
      options: {
        locale,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: {
            min: 0,
            // A round maximum keeps Chart.js's ticks evenly spaced (no crowded last tick).
            max: Math.min(100, Math.ceil((highest * 110) / 10) * 10),
            title: { display: true, text: t('experiments.chart.axis', { metric: metricName }) },
            ticks: { callback: (value) => f.axisRate(Number(value) / 100) },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const v = variants[item.dataIndex];
                return v ? t('experiments.chart.bar', { variant: v.name, rate: f.rate(v.rate), level: f.level(level), low: f.rate(v.ciLow), high: f.rate(v.ciHigh) }) : '';
              },
            },
          },
        },
      },
      plugins: [whiskerPlugin(variants.map((v) => (v.ciLow === null || v.ciHigh === null ? null : [v.ciLow, v.ciHigh])))],
    });
    return () => chart.destroy();
  }, [variants, level, metricName, locale, f, controlName, t]);

  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={description}>
        {description}
      </canvas>
    </div>
  );
}
