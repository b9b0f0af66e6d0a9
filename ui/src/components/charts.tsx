// Throughput and wait/run time per minute, from the counters the completion scripts keep.
// Loaded in its own chunk after the first paint.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type MinuteStats } from '../api';
import { formatDuration } from '../format';
import { m, num } from '../messages';
import { navigate, overviewRoute, RANGES, type Route } from '../router';
import { useStore } from '../store';
import { themeStore } from '../theme';

const REFRESH_EVERY = 30_000;

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

interface SeriesSpec {
  label: string;
  color: string;
  fill?: boolean;
  /** Join points across minutes without a value (averages of minutes with no jobs). */
  spanGaps?: boolean;
}

function Plot(props: {
  data: uPlot.AlignedData;
  series: SeriesSpec[];
  label: string;
  formatValue: (v: number) => string;
  theme: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { series, formatValue, theme } = props;

  useEffect(() => {
    const el = box.current!;
    const text = cssVar('--text-muted');
    const grid = cssVar('--border');
    const axis: uPlot.Axis = {
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height: 200,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ ...axis }, { ...axis, size: 56, values: (_u, values) => values.map((v) => formatValue(v)) }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          width: 2,
          fill: s.fill ? `${cssVar(s.color)}22` : undefined,
          points: { size: 5 },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatValue(v)),
          spanGaps: s.spanGaps === true,
        })),
      ],
    };
    const u = new uPlot(options, props.data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 200);
      if (Math.abs(width - u.width) > 1) u.setSize({ width, height: 200 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt when the theme changes (colors are read from CSS variables).
  }, [theme, series, formatValue]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  return <div class="plot" ref={box} role="img" aria-label={props.label} />;
}

const countFormat = (v: number) => (Number.isInteger(v) ? num(v) : v.toFixed(1));
const timeFormat = (v: number) => (v === 0 ? '0' : formatDuration(v));

export function Charts({ route }: { route: Route }) {
  const [rows, setRows] = useState<MinuteStats[] | null>(null);
  const [failed, setFailed] = useState(false);
  const theme = useStore(themeStore);

  useEffect(() => {
    let live = true;
    const load = () => {
      if (document.hidden) return;
      api.throughput(route.range, route.type).then(
        (r) => live && (setRows(r), setFailed(false)),
        () => live && setFailed(true),
      );
    };
    load();
    const timer = setInterval(load, REFRESH_EVERY);
    document.addEventListener('visibilitychange', load);
    return () => {
      live = false;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', load);
    };
  }, [route.range, route.type]);

  const throughputSeries = useMemo<SeriesSpec[]>(
    () => [
      { label: m.completedSeries, color: '--complete', fill: true },
      { label: m.failedSeries, color: '--failed' },
    ],
    [],
  );
  const timeSeries = useMemo<SeriesSpec[]>(
    () => [
      { label: m.waitSeries, color: '--delayed', spanGaps: true },
      { label: m.runSeries, color: '--active', spanGaps: true },
    ],
    [],
  );

  const { throughput, times, totals } = useMemo(() => {
    const list = rows ?? [];
    const x = list.map((r) => r.at / 1_000);
    const sum = { complete: 0, failed: 0, waitMs: 0, runMs: 0 };
    for (const r of list) {
      sum.complete += r.complete;
      sum.failed += r.failed;
      sum.waitMs += r.waitMs;
      sum.runMs += r.runMs;
    }
    const avg = (total: number, n: number) => (n > 0 ? total / n : null);
    return {
      throughput: [x, list.map((r) => r.complete), list.map((r) => r.failed)] as uPlot.AlignedData,
      times: [
        x,
        list.map((r) => avg(r.waitMs, r.complete)),
        list.map((r) => avg(r.runMs, r.complete)),
      ] as uPlot.AlignedData,
      totals: sum,
    };
  }, [rows]);

  const summary = m.chartSummary(route.range, totals.complete, totals.failed);
  const perMinute = rows && rows.length > 0 ? totals.complete / rows.length : 0;
  return (
    <section class="card charts" aria-labelledby="charts-heading">
      <div class="card-head">
        <h2 id="charts-heading">
          {m.chartsHeading}
          {route.type ? ` · ${route.type}` : ''}
        </h2>
        <div class="segmented" role="group" aria-label={m.rangeLabel}>
          {RANGES.map((range) => (
            <button
              key={range}
              type="button"
              aria-pressed={route.range === range}
              onClick={() => navigate(overviewRoute({ range }), { replace: true })}
            >
              {m.rangeName(range)}
            </button>
          ))}
        </div>
      </div>
      {failed && <p class="error-text">{m.chartsFailed}</p>}
      <dl class="totals" data-testid="chart-totals">
        <div>
          <dt>{m.totals.complete}</dt>
          <dd data-testid="total-complete">{num(totals.complete)}</dd>
        </div>
        <div>
          <dt>{m.totals.failed}</dt>
          <dd data-testid="total-failed">{num(totals.failed)}</dd>
        </div>
        <div>
          <dt>{m.totals.perMinute}</dt>
          <dd>{perMinute.toFixed(perMinute < 10 ? 1 : 0)}</dd>
        </div>
        <div>
          <dt>{m.totals.wait}</dt>
          <dd>{totals.complete ? formatDuration(totals.waitMs / totals.complete) : '—'}</dd>
        </div>
        <div>
          <dt>{m.totals.run}</dt>
          <dd>{totals.complete ? formatDuration(totals.runMs / totals.complete) : '—'}</dd>
        </div>
      </dl>
      <div class="chart-grid">
        <figure class="chart">
          <figcaption>{m.throughputChart}</figcaption>
          <Plot
            data={throughput}
            series={throughputSeries}
            label={`${m.throughputChart}. ${summary}`}
            formatValue={countFormat}
            theme={theme}
          />
        </figure>
        <figure class="chart">
          <figcaption>{m.timesChart}</figcaption>
          <Plot data={times} series={timeSeries} label={m.timesChart} formatValue={timeFormat} theme={theme} />
        </figure>
      </div>
    </section>
  );
}
