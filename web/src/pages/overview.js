// Overview: pipeline health, Bronze -> Silver -> Gold with row counts,
// versions and freshness, consumer lag and throughput, updated live.
import { getJson } from '../api.js';
import { deep, field, num, rows } from '../data.js';
import { bytes, clock, count, duration } from '../format.js';
import { ChartPanel } from '../panel.js';
import { element, Tiles } from '../widgets.js';

const LAYERS = ['bronze', 'silver', 'gold'];
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

// Seconds from fields spelled in seconds or milliseconds.
function seconds(body, secondKeys, msKeys) {
  const s = num(deep(body, ...secondKeys));
  if (s !== null) return s;
  const ms = num(deep(body, ...msKeys));
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
    const liveChart = new ChartPanel(root, { id: 'live', title: 'Throughput and freshness (live)', empty: 'Waiting for the pipeline to report' });

    return {
      async refresh() {
        const [pipeline, tablesBody] = await Promise.all([getJson('/api/v1/pipeline'), getJson('/api/v1/tables')]);
        const tables = rows(tablesBody, 'tables');

        for (const layer of LAYERS) {
          const mine = tables.filter((t) => field(t, 'layer') === layer);
          const fromPipeline = deep(pipeline, layer);
          const rowsTotal = mine.length ? mine.reduce((sum, t) => sum + (num(field(t, 'rows', 'num_records')) ?? 0), 0)
                                        : num(deep(fromPipeline, 'rows', 'count'));
          const { big, cells } = stages[layer];
          big.textContent = count(rowsTotal);
          cells.tables.textContent = mine.length ? String(mine.length) : '–';
          const versions = mine.map((t) => num(field(t, 'version'))).filter((v) => v !== null);
          cells.version.textContent = versions.length ? String(Math.max(...versions)) : '–';
          const size = mine.reduce((sum, t) => sum + (num(field(t, 'size_bytes', 'size')) ?? 0), 0);
          cells.size.textContent = mine.length ? bytes(size) : '–';
          const commits = mine.map((t) => num(field(t, 'last_commit_ms'))).filter((v) => v);
          cells.commit.textContent = commits.length ? clock(new Date(Math.max(...commits))) : '–';
        }

        const throughput = num(deep(pipeline, 'throughput_eps', 'events_per_second', 'throughput_per_s', 'throughput'));
        const lag = num(deep(pipeline, 'consumer_lag', 'lag_records', 'lag'));
        const p50 = seconds(pipeline, ['freshness_p50_s', 'p50_s', 'p50_seconds'], ['freshness_p50_ms', 'p50_ms']);
        const p99 = seconds(pipeline, ['freshness_p99_s', 'p99_s', 'p99_seconds'], ['freshness_p99_ms', 'p99_ms']);
        const quarantined = num(deep(pipeline, 'quarantined', 'quarantine_rows', 'quarantined_rows'));
        tiles.set('throughput', throughput === null ? '–' : `${count(throughput)}/s`, 'events into Bronze');
        tiles.set('lag', count(lag), 'records behind');
        tiles.set('freshness-p50', duration(p50), 'event → Gold');
        tiles.set('freshness-p99', duration(p99), 'event → Gold');
        tiles.set('quarantined', count(quarantined), 'rows held back');

        tablesChart.update(tableRowsOption(tables));

        if (pipeline) {
          history.push({ t: Date.now(), throughput, p50, p99 });
          if (history.length > HISTORY_POINTS) history.shift();
        }
        liveChart.update(liveOption());
      },
    };
  },
};

function tableRowsOption(tables) {
  const sorted = [...tables]
    .filter((t) => num(field(t, 'rows')) !== null)
    .sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || String(a.name).localeCompare(String(b.name)));
  if (!sorted.length) return null;
  const colours = { bronze: '#b87333', silver: '#8c96a0', gold: '#d4a72c' };
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'log', name: 'rows', logBase: 10, min: 1 },
    yAxis: { type: 'category', inverse: true, data: sorted.map((t) => `${t.layer}/${t.name}`), axisLabel: { fontSize: 11 } },
    series: [
      {
        type: 'bar',
        name: 'rows',
        data: sorted.map((t) => ({ value: Math.max(1, num(t.rows)), itemStyle: { color: colours[t.layer] ?? '#5b8def' } })),
      },
    ],
  };
}

function liveOption() {
  const samples = history.filter((h) => h.throughput !== null || h.p50 !== null);
  if (!samples.length) return null;
  const pair = (key) => samples.map((h) => [h.t, h[key]]);
  return {
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: [
      { type: 'value', name: 'events/s', min: 0 },
      { type: 'value', name: 'seconds', min: 0, splitLine: { show: false } },
    ],
    series: [
      { type: 'line', name: 'throughput', showSymbol: samples.length < 3, data: pair('throughput') },
      { type: 'line', name: 'freshness p50', yAxisIndex: 1, showSymbol: samples.length < 3, data: pair('p50') },
      { type: 'line', name: 'freshness p99', yAxisIndex: 1, showSymbol: samples.length < 3, data: pair('p99') },
    ],
  };
}
