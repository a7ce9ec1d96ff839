// Forecast: one product's actual demand against the forecasts made for it
// (with the interval), the registered model versions and the champion's
// backtest against the seasonal-naive baseline.
import { getJson } from '../api.js';
import { field, isObject, num, rows } from '../data.js';
import { decimal, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { Picker, TableCard, Tiles } from '../widgets.js';

const SHOWN_METRICS = [
  ['wape', 'WAPE'],
  ['smape', 'sMAPE'],
  ['mase', 'MASE'],
];

function seriesOption(body) {
  const actual = rows(body, 'actuals')
    .map((r) => [r.event_date, num(r.units)])
    .filter((p) => p[0] && p[1] !== null);
  const forecast = rows(body, 'forecasts')
    .map((r) => ({ date: r.target_date, value: num(r.forecast), lower: num(r.lower), upper: num(r.upper) }))
    .filter((p) => p.date && p.value !== null);
  if (!actual.length && !forecast.length) return null;
  const band = forecast.filter((p) => p.lower !== null && p.upper !== null);
  // The newest day of sales is the one the stream is still filling: drawn
  // as one more point of the same line it looked like demand collapsing.
  // It gets its own dashed segment and legend entry instead.
  const latestDay = field(body, 'to');
  const partial = actual.length >= 2 && actual[actual.length - 1][0] === latestDay ? actual.slice(-2) : [];
  const complete = partial.length ? actual.slice(0, -1) : actual;
  const series = [
    { type: 'line', name: 'actual', data: complete, showSymbol: complete.length < 40, lineStyle: { width: 2 } },
    { type: 'line', name: 'forecast', data: forecast.map((p) => [p.date, p.value]), showSymbol: forecast.length < 40, lineStyle: { type: 'dashed', width: 2 } },
  ];
  if (partial.length) {
    series.push({ type: 'line', name: 'latest day so far', data: partial, symbol: 'emptyCircle', lineStyle: { type: 'dotted', width: 2 } });
  }
  if (band.length) {
    // The interval as a stacked pair: an invisible lower line, then the
    // width (upper - lower) filled on top of it.
    const hidden = { lineStyle: { opacity: 0 }, symbol: 'none', stack: 'interval', tooltip: { show: false } };
    series.push(
      { ...hidden, type: 'line', name: 'lower', data: band.map((p) => [p.date, p.lower]) },
      { ...hidden, type: 'line', name: 'interval', data: band.map((p) => [p.date, p.upper - p.lower]), areaStyle: { opacity: 0.25 } },
    );
  }
  return {
    legend: { top: 0, data: ['actual', ...(partial.length ? ['latest day so far'] : []), 'forecast', ...(band.length ? ['interval'] : [])] },
    tooltip: { trigger: 'axis', valueFormatter: (v) => decimal(v, 1) },
    grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'units / day', min: 0 },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }],
    series,
  };
}

// The champion's overall backtest next to the seasonal-naive baseline on
// the same folds: the bar a model must clear.
function backtestOption(backtest) {
  if (!isObject(backtest)) return null;
  const model = isObject(backtest.overall) ? backtest.overall : backtest;
  const naive = isObject(backtest.seasonal_naive) && isObject(backtest.seasonal_naive.overall) ? backtest.seasonal_naive.overall : null;
  const shown = SHOWN_METRICS.filter(([key]) => num(model[key]) !== null);
  if (!shown.length) return null;
  const series = [{ type: 'bar', name: String(field(backtest, 'model_kind') ?? 'champion'), data: shown.map(([key]) => num(model[key])) }];
  if (naive) series.push({ type: 'bar', name: 'seasonal naive', data: shown.map(([key]) => num(naive[key])) });
  return {
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => decimal(v, 3) },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: shown.map(([, label]) => label) },
    // Left-aligned over the axis: centred on it, the name ran off the card.
    yAxis: { type: 'value', name: 'lower is better', nameTextStyle: { align: 'left' } },
    series,
  };
}

export default {
  id: 'forecast',
  title: 'Forecast',
  create(root) {
    let product = '';
    const tiles = new Tiles(root, [
      { key: 'champion', label: 'Champion model' },
      { key: 'wape', label: 'Backtest WAPE' },
      { key: 'vs-naive', label: 'vs seasonal naive' },
      { key: 'next', label: 'Next forecast' },
    ]);
    const chart = new ChartPanel(root, {
      id: 'forecast-series',
      title: 'Demand: actual vs forecast',
      empty: 'No sales or forecasts yet: medallion gold, then train and predict',
      height: 300,
      wide: true,
    });
    const picker = new Picker(chart.toolbar, {
      label: 'Product',
      onChange: (value) => {
        product = value;
        view.refresh();
      },
    });
    const backtest = new ChartPanel(root, { id: 'backtest', title: 'Backtest: champion vs seasonal naive', empty: 'No champion model with backtest metrics yet' });
    const versions = new TableCard(root, {
      id: 'model-versions',
      title: 'Model versions',
      empty: 'No models registered yet',
      columns: [
        { key: 'version', label: 'Version', numeric: true },
        { key: 'kind', label: 'Kind' },
        { key: 'champion', label: 'Champion', format: (v) => (v ? '★ champion' : '') },
        { key: 'wape', label: 'WAPE', numeric: true, format: (v) => decimal(num(v), 3) },
        { key: 'created_at', label: 'Created (UTC)', format: (v) => String(v ?? '').replace('T', ' ').slice(0, 19) },
      ],
    });

    const view = {
      async refresh() {
        const query = product ? `?product_id=${encodeURIComponent(product)}` : '';
        const body = await getJson(`/api/v1/forecast/series${query}`);
        const products = Array.isArray(field(body, 'products')) ? body.products.map(String) : [];
        if (field(body, 'product_id') !== undefined && !products.includes(String(body.product_id))) products.unshift(String(body.product_id));
        product = picker.setOptions(products) || product;
        chart.update(seriesOption(body));

        const champion = field(body, 'champion');
        const metrics = field(body, 'backtest');
        const overall = isObject(metrics) && isObject(metrics.overall) ? metrics.overall : {};
        const naive = isObject(metrics) && isObject(metrics.seasonal_naive) ? metrics.seasonal_naive.overall ?? {} : {};
        tiles.set('champion', champion ? `v${champion.version}` : '–', champion ? String(champion.kind ?? '') : 'none promoted');
        tiles.set('wape', num(overall.wape) === null ? '–' : percent(num(overall.wape)));
        const gain = num(overall.wape) !== null && num(naive.wape) ? 1 - num(overall.wape) / num(naive.wape) : null;
        tiles.set('vs-naive', gain === null ? '–' : `${gain >= 0 ? '−' : '+'}${percent(Math.abs(gain), 0)}`, gain === null ? '' : 'WAPE, same folds');
        const next = rows(body, 'forecasts').find((f) => body.to && f.target_date > body.to);
        tiles.set('next', next ? decimal(num(next.forecast), 1) : '–', next ? `units on ${next.target_date}` : '');

        backtest.update(backtestOption(metrics));
        versions.update([...rows(body, 'models')].sort((a, b) => (num(b.version) ?? 0) - (num(a.version) ?? 0)));
      },
    };
    return view;
  },
};
