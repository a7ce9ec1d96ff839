// Overview: pipeline health, Bronze -> Silver -> Gold with row counts,
// versions and freshness, consumer lag and throughput, updated live.
import { getJson } from '../api.js';
import { field, num, rows, timeMs } from '../data.js';
import { bytes, clock, count, duration } from '../format.js';
import { ChartPanel } from '../panel.js';
import { element, Tiles } from '../widgets.js';

const LAYERS = ['bronze', 'silver', 'gold'];
const LAYER_COLOURS = { bronze: '#b87333', silver: '#8c96a0', gold: '#d4a72c' };
const HISTORY_POINTS = 120; // 10 minutes at one sample per refresh

// Samples of the live figures, kept across page switches so the trend line
// does not restart each time the Overview is opened.
const history = [];

function stage(parent, layer, title) {
  const box = element('div', 'stage');
  box.dataset.stage = layer;
  const big = element('div', 'big', '–');
  big.dataset.metric = `${layer}-rows`;
  const list = element('dl');
  const cells = {};
  for (const [key, label] of [['tables', 'tables'], ['version', 'latest version'], ['size', 'size'], ['commit', 'last commit']]) {
    const dd = element('dd', null, '–');
    list.append(element('dt', null, label), dd);
    cells[key] = dd;
  }
  box.append(element('h3', null, title), big, element('div', 'muted', 'rows'), list);
  parent.append(box);
  return { big, cells };
}

function msToSeconds(ms) {
  return ms === null ? null : ms / 1000;
}

export default {
  id: 'overview',
  title: 'Overview',
  create(root) {
    const tiles = new Tiles(root, [
      { key: 'throughput', label: 'Throughput' },
      { key: 'lag', label: 'Consumer lag' },
      { key: 'freshness-p50', label: 'Freshness p50' },
      { key: 'freshness-p99', label: 'Freshness p99' },
      { key: 'quarantined', label: 'Quarantined' },
    ]);
    const flow = element('div', 'flow');
    root.append(flow);
    const stages = {};
    LAYERS.forEach((layer, i) => {
      if (i) flow.append(element('div', 'arrow', '→'));
      stages[layer] = stage(flow, layer, layer[0].toUpperCase() + layer.slice(1));
    });
    const tablesChart = new ChartPanel(root, { id: 'table-rows', title: 'Rows per table', empty: 'No Delta tables in the lake yet' });
    const liveChart = new ChartPanel(root, { id: 'live', title: 'Rows added per layer since this dashboard opened (live)', empty: 'Waiting for the first tables' });

    return {
      async refresh() {
        const [pipeline, tablesBody] = await Promise.all([getJson('/api/v1/pipeline'), getJson('/api/v1/tables')]);
        const tables = rows(tablesBody, 'tables');
        const layers = rows(pipeline, 'layers');

        const layerRows = {};
        for (const layer of LAYERS) {
          const mine = tables.filter((t) => t.layer === layer);
          const summary = layers.find((l) => l.layer === layer);
          layerRows[layer] = mine.length ? mine.reduce((sum, t) => sum + (num(t.rows) ?? 0), 0) : num(field(summary, 'rows'));
          const { big, cells } = stages[layer];
          big.textContent = count(layerRows[layer]);
          cells.tables.textContent = mine.length ? String(mine.length) : '–';
          const versions = mine.map((t) => num(t.version)).filter((v) => v !== null);
          cells.version.textContent = versions.length ? String(Math.max(...versions)) : '–';
          cells.size.textContent = mine.length ? bytes(mine.reduce((sum, t) => sum + (num(t.size_bytes) ?? 0), 0)) : '–';
          const commits = mine.map((t) => timeMs(t.last_commit)).filter((v) => v !== null);
          cells.commit.textContent = commits.length ? clock(new Date(Math.max(...commits))) : '–';
        }

        // Rates and freshness exist only while ingest / the stream job run
        // and report; a lake at rest shows dashes, not zeros.
        const throughput = num(field(pipeline, 'throughput_rows_per_s', 'ingest_rows_per_s'));
        const lag = num(field(pipeline, 'consumer_lag'));
        const p50 = msToSeconds(num(field(pipeline, 'freshness_p50_ms')));
        const p99 = msToSeconds(num(field(pipeline, 'freshness_p99_ms')));
        const quarantined = tables.filter((t) => t.layer === 'silver' && String(t.name).endsWith('_quarantine'))
          .reduce((sum, t) => sum + (num(t.rows) ?? 0), 0);
        const missing = !pipeline ? '' : throughput === null ? 'no job reporting' : 'not reported';
        tiles.set('throughput', throughput === null ? '–' : `${count(throughput)}/s`, throughput === null ? missing : 'rows per second');
        tiles.set('lag', count(lag), lag === null ? missing : 'records behind');
        tiles.set('freshness-p50', duration(p50), p50 === null ? missing : 'event → Gold');
        tiles.set('freshness-p99', duration(p99), p99 === null ? missing : 'event → Gold');
        tiles.set('quarantined', tables.length ? count(quarantined) : '–', 'rows held out of Silver');

        // ~20 px a table: with a fixed height the names overlapped once the
        // lake held two dozen tables.
        tablesChart.setHeight(Math.max(280, 48 + 20 * tables.length));
        tablesChart.update(tableRowsOption(tables));

        if (tables.length || layers.length) {
          history.push({ t: Date.now(), throughput, ...layerRows });
          if (history.length > HISTORY_POINTS) history.shift();
        }
        liveChart.update(liveOption());
      },
    };
  },
};

function tableRowsOption(tables) {
  const sorted = [...tables]
    .filter((t) => num(t.rows) !== null)
    .sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || String(a.name).localeCompare(String(b.name)));
  if (!sorted.length) return null;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (items) => `${items[0].name}: ${count(items[0].data.rows)} rows` },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'log', logBase: 10, min: 1, axisLabel: { formatter: (v) => count(v) } },
    yAxis: { type: 'category', inverse: true, data: sorted.map((t) => `${t.layer}/${t.name}`), axisLabel: { fontSize: 11 } },
    series: [
      {
        type: 'bar',
        name: 'rows',
        // A log axis has no 0: an empty table draws at 1 and its label says 0.
        data: sorted.map((t) => ({ value: Math.max(1, num(t.rows)), rows: num(t.rows), itemStyle: { color: LAYER_COLOURS[t.layer] ?? '#5b8def' } })),
        label: { show: true, position: 'right', fontSize: 10, formatter: (p) => count(p.data.rows) },
      },
    ],
  };
}

// Rows each layer gained since the first sample (and throughput when
// reported): the lake growing while you watch. Gains, not totals: 80 000
// rows growing by 500 is a flat line on a totals axis.
function liveOption() {
  if (!history.length) return null;
  const pair = (key) => history.map((h) => [h.t, h[key]]);
  const first = history[0];
  const gained = (layer) => history.map((h) => [h.t, h[layer] === null || first[layer] === null ? null : h[layer] - first[layer]]);
  const few = history.length < 3;
  const series = LAYERS.map((layer) => ({
    type: 'line',
    name: layer,
    showSymbol: few,
    data: gained(layer),
    itemStyle: { color: LAYER_COLOURS[layer] },
  }));
  const withRate = history.some((h) => h.throughput !== null);
  if (withRate) series.push({ type: 'line', name: 'rows/s', yAxisIndex: 1, showSymbol: few, lineStyle: { type: 'dashed' }, data: pair('throughput') });
  return {
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    // At least 20 s wide: one sample alone would otherwise span days.
    xAxis: { type: 'time', min: Math.min(history[0].t, history[history.length - 1].t - 20000), max: history[history.length - 1].t, axisLabel: { hideOverlap: true } },
    yAxis: [
      { type: 'value', name: 'rows added', minInterval: 1, axisLabel: { formatter: (v) => count(v) } },
      { type: 'value', name: 'rows/s', min: 0, show: withRate, splitLine: { show: false } },
    ],
    series,
  };
}
