// Line chart over time, drawn by uPlot (MIT; vendored at build time from
// npm into /vendor/uplot/, never fetched from elsewhere). Loaded on first
// use, so pages without a chart do not pay for it.
//   await lineChart(el, { times: [unix seconds...], series: [{ label, values, colour }], height: 200,
//                         xRange: [from, to] (unix seconds; default: the data's), yRange: [0, 100] });
import { currentLang, hospitalTimeZone, t } from '../i18n.js';

let loaded = null;

function loadUplot() {
  if (!loaded) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/vendor/uplot/uPlot.min.css';
    document.head.append(link);
    loaded = import('/vendor/uplot/uPlot.esm.js').then((m) => m.default);
  }
  return loaded;
}

const COLOURS = ['#0b5cad', '#a4161a', '#1d6b36', '#7a4d00'];

export async function lineChart(el, { times, series, height = 200, xRange = null, yRange = null }) {
  const uPlot = await loadUplot();
  el.classList.add('chart');
  // Times in the page's language and the hospital's time zone (uPlot's own
  // labels are English, in the browser's zone).
  const tz = hospitalTimeZone();
  const tick = new Intl.DateTimeFormat(currentLang(), { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const full = new Intl.DateTimeFormat(currentLang(), { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' });
  const opts = {
    width: Math.max(200, el.clientWidth - 16),
    height,
    series: [
      { label: t('chart.time'), value: (u, ts) => (ts == null ? '--' : full.format(new Date(ts * 1000))) },
      ...series.map((s, i) => ({ label: s.label, stroke: s.colour ?? COLOURS[i % COLOURS.length], width: 2 })),
    ],
    axes: [{ values: (u, splits) => splits.map((ts) => tick.format(new Date(ts * 1000))) }, {}],
    // A fixed window keeps the axis readable with few points (one sample
    // would otherwise span a second).
    scales: {
      x: xRange ? { time: true, auto: false, range: xRange } : { time: true },
      ...(yRange ? { y: { auto: false, range: yRange } } : {}),
    },
  };
  const plot = new uPlot(opts, [times, ...series.map((s) => s.values)], el);
  const resize = () => plot.setSize({ width: Math.max(200, el.clientWidth - 16), height });
  window.addEventListener('resize', resize);
  return plot;
}
