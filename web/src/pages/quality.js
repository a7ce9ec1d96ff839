// Quality: pass rate of each expectation in the latest validation runs, and
// what was quarantined, by rule, with sample rows.
import { getJson } from '../api.js';
import { field, isObject, num, rows } from '../data.js';
import { count, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { TableCard, Tiles } from '../widgets.js';

// "between" for expect_column_values_to_be_between: the bars are narrow.
function shortExpectation(name) {
  return String(name)
    .replace(/^expect_(column_(values?_)?)?/, '')
    .replace(/^(to_)?(be_)?/, '')
    .replaceAll('_', ' ');
}

// "quantity · between"; the suite is in the tooltip.
function expectationLabel(r) {
  return [r.column, shortExpectation(r.expectation ?? '?')].filter(Boolean).join(' · ');
}

// A quarantine rule as the Silver job names it, "quantity:
// expect_column_values_to_be_between(min_value=1, ...)", shortened to
// "quantity: between(min_value=1, …)".
function shortRule(rule) {
  const text = String(rule).replace(/expect_[a-z_]+/g, (name) => shortExpectation(name));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

// Share of rows that met the expectation over every validated batch (the
// share of runs that passed when row counts are unknown).
function passRate(r) {
  return num(r.row_pass_rate) ?? num(r.pass_rate);
}

function passRateOption(expectations) {
  const list = expectations
    .map((r) => ({ label: expectationLabel(r), suite: r.suite, rate: passRate(r), runs: num(r.runs), passed: num(r.runs_passed) }))
    .filter((r) => r.rate !== null);
  if (!list.length) return null;
  list.sort((a, b) => a.rate - b.rate || a.label.localeCompare(b.label));
  const lowest = Math.min(...list.map((r) => r.rate));
  const min = Math.max(0, Math.floor(lowest * 20) / 20 - 0.05);
  const span = 1 - min;
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items) => {
        const r = list[items[0].dataIndex];
        return `${r.suite ? `${r.suite}: ` : ''}${r.label}<br>rows passing: ${percent(r.rate, 2)}<br>batches passed: ${count(r.passed)} of ${count(r.runs)}`;
      },
    },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    // Zoomed to the interesting part: most expectations sit near 100%.
    xAxis: { type: 'value', min, max: 1, interval: span <= 0.2 ? 0.05 : span <= 0.5 ? 0.1 : 0.2, axisLabel: { formatter: (v) => percent(v, 0) } },
    yAxis: { type: 'category', inverse: true, data: list.map((r) => r.label), axisLabel: { fontSize: 11, width: 260, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: 'rows passing',
        data: list.map((r) => ({ value: r.rate, itemStyle: { color: r.rate >= 0.999 ? '#3ba272' : r.rate >= 0.95 ? '#e6a23c' : '#ee6666' } })),
      },
    ],
  };
}

function quarantineOption(byRule) {
  const list = byRule.filter((r) => num(r.rows) !== null).sort((a, b) => num(b.rows) - num(a.rows)).slice(0, 15);
  if (!list.length) return null;
  const several = new Set(list.map((r) => r.table)).size > 1;
  const label = (r) => (several ? `${String(r.table).replace(/^silver\//, '')} · ${shortRule(r.rule)}` : shortRule(r.rule));
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: list.map(label), axisLabel: { fontSize: 11, width: 240, overflow: 'truncate' } },
    series: [{ type: 'bar', name: 'quarantined rows', data: list.map((r) => num(r.rows)), itemStyle: { color: '#ee6666' } }],
  };
}

function sampleRows(samples) {
  return samples.map((r) => ({
    table: String(r.table ?? '').replace(/^silver\//, ''),
    rules: Array.isArray(r.rules) ? r.rules.map(shortRule).join(', ') : String(r.reason ?? ''),
    source: r.source ?? '',
    value: r.value ?? '',
  }));
}

export default {
  id: 'quality',
  title: 'Quality',
  create(root) {
    const tiles = new Tiles(root, [
      { key: 'expectations', label: 'Expectations' },
      { key: 'failing', label: 'Failing' },
      { key: 'quarantined', label: 'Quarantined rows' },
      { key: 'validated', label: 'Last validation' },
    ]);
    const rates = new ChartPanel(root, { id: 'pass-rates', title: 'Rows passing each expectation (all validated batches)', empty: 'No validation results yet (gold/quality_metrics, written by silver)', height: 320 });
    const quarantine = new ChartPanel(root, { id: 'quarantine', title: 'Quarantined rows by rule', empty: 'Nothing quarantined yet', height: 320 });
    const samples = new TableCard(root, {
      id: 'quarantine-samples',
      title: 'Quarantine samples',
      wide: true,
      empty: 'No quarantined rows to show',
      maxRows: 20,
      columns: [
        { key: 'table', label: 'Table' },
        { key: 'rules', label: 'Rules failed', wrap: true },
        { key: 'source', label: 'Kafka source' },
        { key: 'value', label: 'Record', wrap: true, format: (v) => (v.length > 120 ? `${v.slice(0, 117)}…` : v) },
      ],
    });

    return {
      async refresh() {
        const body = await getJson('/api/v1/quality');
        const expectations = rows(body, 'expectations');
        const quarantined = isObject(field(body, 'quarantine')) ? body.quarantine : {};
        const failing = expectations.filter((r) => r.last_success === false).length;
        const latestRun = expectations.map((r) => r.last_evaluated_at).filter(Boolean).sort().pop();
        tiles.set('expectations', expectations.length ? count(expectations.length) : '–');
        tiles.set('failing', expectations.length ? count(failing) : '–', expectations.length ? 'in the latest batch' : '');
        tiles.set('quarantined', count(num(quarantined.total)));
        tiles.set('validated', latestRun ? String(latestRun).replace('T', ' ').slice(0, 19) : '–', latestRun ? 'UTC' : '');
        rates.update(passRateOption(expectations));
        quarantine.update(quarantineOption(rows(quarantined, 'by_rule')));
        samples.update(sampleRows(rows(quarantined, 'samples')));
      },
    };
  },
};
