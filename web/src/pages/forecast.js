// Forecast: actual vs forecast demand with its interval for one product,
// the registered model versions and their backtest metrics.
import { getJson } from '../api.js';
import { deep, distinct, field, isObject, num, rows } from '../data.js';
import { decimal } from '../format.js';
import { ChartPanel } from '../panel.js';
import { Picker, TableCard } from '../widgets.js';

const METRICS = ['mae', 'rmse', 'wape', 'smape', 'mase', 'r2', 'bias'];

function dateOf(row) {
  return field(row, 'date', 'event_date', 'forecast_date', 'ds');
}

function seriesOption(body) {
  const actual = rows(deep(body, 'actual', 'actuals') ?? []);
  const forecast = rows(deep(body, 'forecast', 'predictions') ?? []);
  const points = rows(body, 'points', 'series');
  // One list with both columns is also accepted.
  const actualRows = actual.length ? actual : points.filter((r) => num(field(r, 'actual', 'units')) !== null);
  const forecastRows = forecast.length ? forecast : points.filter((r) => num(field(r, 'forecast', 'yhat', 'prediction')) !== null);
  const a = actualRows.map((r) => [dateOf(r), num(field(r, 'actual', 'units', 'value', 'y'))]).filter((p) => p[0] && p[1] !== null);
  const f = forecastRows.map((r) => ({
    date: dateOf(r),
    value: num(field(r, 'forecast', 'yhat', 'prediction', 'predicted_units', 'value')),
    lower: num(field(r, 'lower', 'yhat_lower', 'lo', 'p10')),
    upper: num(field(r, 'upper', 'yhat_upper', 'hi', 'p90')),
  })).filter((p) => p.date && p.value !== null);
  if (!a.length && !f.length) return null;
  const band = f.filter((p) => p.lower !== null && p.upper !== null);
  const series = [
    { type: 'line', name: 'actual', data: a, showSymbol: a.length < 40, lineStyle: { width: 2 } },
    { type: 'line', name: 'forecast', data: f.map((p) => [p.date, p.value]), showSymbol: f.length < 40, lineStyle: { type: 'dashed', width: 2 } },
  ];
  if (band.length) {
    // The interval as a stacked pair: an invisible lower line, then the
    // width (upper - lower) filled on top of it.
    series.push(
      { type: 'line', name: 'lower', stack: 'interval', data: band.map((p) => [p.date, p.lower]), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
      {
        type: 'line',
        name: 'interval',
        stack: 'interval',
        data: band.map((p) => [p.date, p.upper - p.lower]),
        lineStyle: { opacity: 0 },
        symbol: 'none',
        areaStyle: { opacity: 0.2 },
        tooltip: { show: false },
      },
    );
  }
  return {
    legend: { top: 0, data: ['actual', 'forecast', ...(band.length ? ['interval'] : [])] },
    grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'units', min: 0 },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }],
    series,
  };
}

// Every version of every model, flattened, newest first.
function modelVersions(body) {
  const out = [];
  for (const model of rows(body, 'models')) {
    const name = field(model, 'name', 'model');
    const versions = rows(model, 'versions');
    const aliasesOf = (v) => {
      const own = field(v, 'aliases', 'alias');
      const fromModel = isObject(model.aliases)
        ? Object.entries(model.aliases).filter(([, ver]) => String(ver) === String(field(v, 'version'))).map(([a]) => a)
        : [];
      return distinct([...(Array.isArray(own) ? own : own ? [own] : []), ...fromModel]);
    };
    for (const v of versions.length ? versions : [model]) {
      out.push({
        name,
        version: field(v, 'version'),
        aliases: aliasesOf(v).join(', '),
        kind: field(v, 'kind', 'type', 'algorithm', 'model_type') ?? '',
        created: String(field(v, 'created_at', 'created', 'registered_at') ?? '').replace('T', ' ').slice(0, 19),
        metrics: isObject(field(v, 'metrics', 'backtest')) ? field(v, 'metrics', 'backtest') : {},
      });
    }
  }
  return out.sort((x, y) => String(x.name).localeCompare(String(y.name)) || (num(y.version) ?? 0) - (num(x.version) ?? 0));
}

function metricsOption(versions) {
  const withMetrics = versions.filter((v) => METRICS.some((m) => num(v.metrics[m]) !== null)).slice(0, 8);
  const shown = ['wape', 'smape', 'mase'].filter((m) => withMetrics.some((v) => num(v.metrics[m]) !== null));
  if (!shown.length) return null;
  return {
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => decimal(v, 3) },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: withMetrics.map((v) => `${v.name} v${v.version}`), axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: 'value', name: 'lower is better' },
    series: shown.map((m) => ({ type: 'bar', name: m.toUpperCase(), data: withMetrics.map((v) => num(v.metrics[m])) })),
  };
}

export default {
  id: 'forecast',
  title: 'Forecast',
  create(root) {
    let product = '';
    const chart = new ChartPanel(root, {
      id: 'forecast-series',
      title: 'Demand: actual vs forecast',
      empty: 'No forecast yet: train a model and run predict',
      height: 320,
      wide: true,
    });
    const picker = new Picker(chart.toolbar, {
      label: 'Product',
      onChange: (value) => {
        product = value;
        view.refresh();
      },
    });
    const metrics = new ChartPanel(root, { id: 'backtest', title: 'Backtest metrics by model version', empty: 'No backtest metrics in the registry yet' });
    const versions = new TableCard(root, {
      id: 'model-versions',
      title: 'Model versions',
      empty: 'No models registered yet',
      columns: [
        { key: 'name', label: 'Model' },
        { key: 'version', label: 'Version', numeric: true },
        { key: 'aliases', label: 'Aliases' },
        { key: 'kind', label: 'Kind' },
        { key: 'wape', label: 'WAPE', numeric: true, format: (_, r) => decimal(num(r.metrics.wape), 3) },
        { key: 'mase', label: 'MASE', numeric: true, format: (_, r) => decimal(num(r.metrics.mase), 3) },
        { key: 'created', label: 'Created (UTC)' },
      ],
    });

    const view = {
      async refresh() {
        const query = product ? `?product_id=${encodeURIComponent(product)}` : '';
        const [series, models] = await Promise.all([getJson(`/api/v1/forecast/series${query}`), getJson('/api/v1/models')]);
        const products = deep(series, 'products', 'product_ids');
        if (Array.isArray(products) && products.length) product = picker.setOptions(products);
        else if (!product) {
          const chosen = field(series, 'product_id');
          if (chosen !== undefined) product = picker.setOptions([chosen]);
        }
        chart.update(seriesOption(series));
        const list = modelVersions(models);
        versions.update(list);
        metrics.update(metricsOption(list));
      },
    };
    return view;
  },
};
