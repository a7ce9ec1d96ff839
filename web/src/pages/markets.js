// Markets: per symbol, price with its RSI and MACD panels on a shared axis
// of ticks, and how often the direction model called the next move right.
import { getJson } from '../api.js';
import { field, num, rows, timeMs } from '../data.js';
import { count, decimal, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { Picker, TableCard, Tiles } from '../widgets.js';

function symbolsOf(body) {
  return rows(body, 'symbols').map((r) => r.symbol).filter(Boolean).map(String);
}

function pointsOf(body) {
  return rows(body, 'points')
    .map((r) => ({ t: timeMs(r.ts), price: num(r.price), rsi: num(r.rsi_14), macd: num(r.macd), signal: num(r.macd_signal), hist: num(r.macd_hist) }))
    .filter((p) => p.t !== null && p.price !== null)
    .sort((a, b) => a.t - b.t);
}

// "11-27 14:05" (UTC): the tick's place on the category axis.
function tickLabel(ms) {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

function indicatorsOption(symbol, points) {
  if (!points.length) return null;
  // One category per tick rather than a time axis: markets close, and on a
  // time axis each night and weekend was a long straight line joining the
  // sessions and squeezing the trading itself into slivers.
  const labels = points.map((p) => tickLabel(p.t));
  const pick = (key) => points.map((p) => p[key]);
  const grids = [
    { left: 72, right: 16, top: 32, height: '44%' },
    { left: 72, right: 16, top: '61%', height: '12%' },
    { left: 72, right: 16, top: '80%', height: '12%' },
  ];
  const xAxis = grids.map((_, i) => ({
    type: 'category',
    data: labels,
    gridIndex: i,
    boundaryGap: false,
    axisLabel: { show: i === 2, hideOverlap: true },
    axisTick: { show: i === 2, alignWithLabel: true },
  }));
  // Axis names run along the left edge so they never sit on a neighbour's labels.
  const named = (name) => ({ name, nameLocation: 'middle', nameGap: 50, nameRotate: 90 });
  return {
    legend: { top: 0, data: [symbol, 'RSI', 'MACD', 'signal', 'histogram'] },
    tooltip: { trigger: 'axis', axisPointer: { link: [{ xAxisIndex: 'all' }] }, valueFormatter: (v) => (v === null || v === undefined ? '–' : decimal(v, 2)) },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: grids,
    xAxis,
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, ...named('price') },
      { type: 'value', gridIndex: 1, min: 0, max: 100, interval: 50, ...named('RSI') },
      { type: 'value', gridIndex: 2, scale: true, splitNumber: 2, ...named('MACD') },
    ],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1, 2] }],
    series: [
      { type: 'line', name: symbol, data: pick('price'), showSymbol: false, xAxisIndex: 0, yAxisIndex: 0 },
      {
        type: 'line',
        name: 'RSI',
        data: pick('rsi'),
        showSymbol: false,
        xAxisIndex: 1,
        yAxisIndex: 1,
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dotted' }, label: { show: false }, data: [{ yAxis: 30 }, { yAxis: 70 }] },
      },
      { type: 'line', name: 'MACD', data: pick('macd'), showSymbol: false, xAxisIndex: 2, yAxisIndex: 2 },
      { type: 'line', name: 'signal', data: pick('signal'), showSymbol: false, xAxisIndex: 2, yAxisIndex: 2 },
      { type: 'bar', name: 'histogram', data: pick('hist'), xAxisIndex: 2, yAxisIndex: 2, barMaxWidth: 4 },
    ],
  };
}

function gaugeOption(accuracy, scored) {
  if (accuracy === null) return null;
  return {
    tooltip: { trigger: 'item', formatter: () => `direction accuracy: ${percent(accuracy)}` },
    series: [
      {
        type: 'gauge',
        name: 'direction accuracy',
        min: 0,
        max: 100,
        radius: '95%',
        center: ['50%', '58%'],
        splitNumber: 5,
        progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12 } },
        axisLabel: { distance: 20, fontSize: 10 },
        splitLine: { length: 6, distance: 2 },
        axisTick: { show: false },
        pointer: { width: 4 },
        detail: { valueAnimation: true, formatter: '{value}%', fontSize: 22, offsetCenter: [0, '45%'] },
        title: { offsetCenter: [0, '75%'], fontSize: 12 },
        data: [{ value: Math.round(accuracy * 1000) / 10, name: `next move called right (${count(scored)} scored)` }],
      },
    ],
  };
}

export default {
  id: 'markets',
  title: 'Markets',
  create(root) {
    let symbol = '';
    const tiles = new Tiles(root, [
      { key: 'price', label: 'Last price' },
      { key: 'rsi', label: 'RSI (14)' },
      { key: 'macd', label: 'MACD' },
      { key: 'ticks', label: 'Points shown' },
    ]);
    const chart = new ChartPanel(root, { id: 'price-indicators', title: 'Price, RSI and MACD', empty: 'No gold/tick_features yet (ticks through Silver, then medallion gold --ticks)', height: 420 });
    const picker = new Picker(chart.toolbar, {
      label: 'Symbol',
      onChange: (value) => {
        symbol = value;
        view.refresh();
      },
    });
    const gauge = new ChartPanel(root, { id: 'direction-accuracy', title: 'Direction accuracy', empty: 'No scored direction predictions yet (gold/tick_predictions)', height: 240 });
    const symbols = new TableCard(root, {
      id: 'symbols',
      title: 'Symbols',
      wide: true,
      empty: 'No symbols yet',
      columns: [
        { key: 'symbol', label: 'Symbol' },
        { key: 'last_price', label: 'Last price', numeric: true, format: (v) => decimal(num(v), 2) },
        { key: 'rsi_14', label: 'RSI (14)', numeric: true, format: (v) => decimal(num(v), 1) },
        { key: 'ticks', label: 'Ticks', numeric: true, format: (v) => count(num(v)) },
        { key: 'last_ts', label: 'Last tick (UTC)', format: (v) => String(v ?? '').replace('T', ' ').slice(0, 19) },
      ],
    });

    const view = {
      async refresh() {
        const listing = await getJson('/api/v1/ticks');
        symbols.update(rows(listing, 'symbols'));
        const list = symbolsOf(listing);
        if (list.length) symbol = picker.setOptions(list);
        if (!symbol) {
          chart.update(null);
          gauge.update(null);
          return;
        }
        const body = await getJson(`/api/v1/ticks/${encodeURIComponent(symbol)}`);
        const points = pointsOf(body);
        const last = points[points.length - 1];
        tiles.set('price', last ? decimal(last.price, 2) : '–', symbol);
        tiles.set('rsi', last && last.rsi !== null ? decimal(last.rsi, 1) : '–', last && last.rsi !== null ? (last.rsi > 70 ? 'overbought' : last.rsi < 30 ? 'oversold' : 'neutral') : '');
        tiles.set('macd', last && last.macd !== null ? decimal(last.macd, 3) : '–');
        tiles.set('ticks', count(points.length));
        chart.update(indicatorsOption(symbol, points));
        const scored = num(field(body, 'predictions_scored'));
        gauge.update(gaugeOption(num(field(body, 'direction_accuracy')), scored));
      },
    };
    return view;
  },
};
