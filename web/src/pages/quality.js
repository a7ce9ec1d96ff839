// Quality: pass rate of each expectation in the latest validation runs, and
// what was quarantined, by rule, with sample rows.
import { getJson } from '../api.js';
import { deep, field, isObject, num, rows } from '../data.js';
import { count, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { TableCard, Tiles } from '../widgets.js';

function expectationLabel(r) {
  const name = field(r, 'expectation', 'expectation_type', 'rule', 'name') ?? '?';
  const column = field(r, 'column');
  const suite = field(r, 'suite', 'table', 'entity');
  return [suite, column, String(name).replace(/^expect_/, '')].filter(Boolean).join(' · ');
}

function passRate(r) {
  const rate = num(field(r, 'pass_rate', 'success_rate'));
  if (rate !== null) return rate > 1 ? rate / 100 : rate;
  const total = num(field(r, 'element_count', 'evaluated', 'rows', 'checked'));
  const bad = num(field(r, 'unexpected_count', 'failed', 'failures'));
  if (total && bad !== null) return (total - bad) / total;
  const success = field(r, 'success');
  return typeof success === 'boolean' ? (success ? 1 : 0) : null;
}

function passRateOption(results) {
  const list = results.map((r) => ({ label: expectationLabel(r), rate: passRate(r) })).filter((r) => r.rate !== null);
  if (!list.length) return null;
  list.sort((a, b) => a.rate - b.rate);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => percent(v, 2) },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: (v) => Math.max(0, Math.floor(v.min * 10) / 10), max: 1, axisLabel: { formatter: (v) => percent(v, 0) } },
    yAxis: { type: 'category', inverse: true, data: list.map((r) => r.label), axisLabel: { fontSize: 11, width: 260, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: 'pass rate',
        data: list.map((r) => ({ value: r.rate, itemStyle: { color: r.rate >= 0.999 ? '#3ba272' : r.rate >= 0.95 ? '#fac858' : '#ee6666' } })),
      },
    ],
  };
}

function quarantineOption(byRule) {
  if (!byRule.length) return null;
  const sorted = [...byRule].sort((a, b) => b.count - a.count).slice(0, 15);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: 'rows', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: sorted.map((r) => r.rule), axisLabel: { fontSize: 11, width: 240, overflow: 'truncate' } },
    series: [{ type: 'bar', name: 'quarantined rows', data: sorted.map((r) => r.count), itemStyle: { color: '#ee6666' } }],
  };
}

// {rule: n} or [{rule, count}] -> [{rule, count}].
function quarantineByRule(body) {
  const raw = deep(body, 'quarantine_by_rule', 'by_rule', 'quarantine');
  if (isObject(raw) && !Array.isArray(raw) && Object.values(raw).every((v) => num(v) !== null)) {
    return Object.entries(raw).map(([rule, n]) => ({ rule, count: num(n) }));
  }
  return rows(raw ?? [], 'by_rule', 'rules')
    .map((r) => ({ rule: String(field(r, 'rule', 'reason', 'expectation') ?? '?'), count: num(field(r, 'count', 'rows', 'quarantined')) }))
    .filter((r) => r.count !== null);
}

function sampleRows(body) {
  return rows(deep(body, 'samples', 'quarantine_samples') ?? []).map((r) => {
    const rule = field(r, 'rule', 'reason', 'reasons', '_reason');
    const record = field(r, 'row', 'record', 'value', 'raw');
    const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !['rule', 'reason', 'reasons', '_reason', 'table'].includes(k)));
    return {
      table: field(r, 'table', 'entity') ?? '',
      rule: Array.isArray(rule) ? rule.join(', ') : String(rule ?? ''),
      record: typeof record === 'string' ? record : JSON.stringify(record ?? rest),
    };
  });
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
    const rates = new ChartPanel(root, { id: 'pass-rates', title: 'Pass rate per expectation (latest run)', empty: 'No validation results yet (run silver)', height: 320 });
    const quarantine = new ChartPanel(root, { id: 'quarantine', title: 'Quarantined rows by rule', empty: 'Nothing quarantined yet', height: 320 });
    const samples = new TableCard(root, {
      id: 'quarantine-samples',
      title: 'Quarantine samples',
      wide: true,
      empty: 'No quarantined rows to show',
      maxRows: 20,
      columns: [
        { key: 'table', label: 'Table' },
        { key: 'rule', label: 'Rule' },
        { key: 'record', label: 'Row', format: (v) => (v.length > 160 ? `${v.slice(0, 157)}…` : v) },
      ],
    });

    return {
      async refresh() {
        const body = await getJson('/api/v1/quality');
        const results = rows(deep(body, 'results', 'expectations', 'latest') ?? []);
        const byRule = quarantineByRule(body);
        const failing = results.filter((r) => field(r, 'success') === false || (passRate(r) ?? 1) < 1).length;
        tiles.set('expectations', results.length ? count(results.length) : '–');
        tiles.set('failing', results.length ? count(failing) : '–');
        tiles.set('quarantined', count(byRule.length ? byRule.reduce((s, r) => s + r.count, 0) : num(deep(body, 'quarantined_total'))));
        const when = deep(body, 'run_time', 'validated_at', 'computed_at', 'time');
        tiles.set('validated', when ? String(when).replace('T', ' ').slice(0, 19) : '–', when ? 'UTC' : '');
        rates.update(passRateOption(results));
        quarantine.update(quarantineOption(byRule));
        samples.update(sampleRows(body));
      },
    };
  },
};
