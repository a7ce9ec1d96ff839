// Customers: RFM segments and the VIP list from Gold customer_rfm.
import { getJson } from '../api.js';
import { field, num, rows } from '../data.js';
import { count, currency } from '../format.js';
import { ChartPanel } from '../panel.js';
import { TableCard, Tiles } from '../widgets.js';

function segments(body) {
  return rows(body, 'segments')
    .map((r) => ({ segment: String(r.segment ?? '?'), customers: num(r.customers), revenue: num(r.monetary) }))
    .filter((r) => r.customers !== null && r.customers > 0);
}

function pieOption(list) {
  if (!list.length) return null;
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${count(p.value)} customers (${p.percent}%)` },
    // No legend: the labels name every slice, and a legend beside them left
    // the labels too little room (they were cut to "loyal: 22....").
    series: [
      {
        type: 'pie',
        name: 'customers',
        radius: ['35%', '62%'],
        center: ['50%', '50%'],
        avoidLabelOverlap: true,
        percentPrecision: 1,
        label: { formatter: '{b} {d}%' },
        data: list.map((s) => ({ name: s.segment, value: s.customers })),
      },
    ],
  };
}

function revenueOption(list) {
  const withRevenue = list.filter((s) => s.revenue !== null).sort((a, b) => b.revenue - a.revenue);
  if (!withRevenue.length) return null;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => currency(v) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => currency(v) } },
    yAxis: { type: 'category', inverse: true, data: withRevenue.map((s) => s.segment) },
    series: [{ type: 'bar', name: 'revenue', data: withRevenue.map((s) => Math.round(s.revenue)) }],
  };
}

export default {
  id: 'customers',
  title: 'Customers',
  create(root) {
    const tiles = new Tiles(root, [
      { key: 'customers', label: 'Customers scored' },
      { key: 'vips', label: 'VIP customers' },
      { key: 'segments', label: 'Segments' },
    ]);
    const pie = new ChartPanel(root, { id: 'rfm-segments', title: 'RFM segments', empty: 'No gold/customer_rfm rows yet (medallion gold)', height: 300 });
    const revenue = new ChartPanel(root, { id: 'segment-revenue', title: 'Revenue by segment', empty: 'No revenue per segment yet', height: 300 });
    const vips = new TableCard(root, {
      id: 'vip-list',
      title: 'VIP customers',
      wide: true,
      empty: 'No VIP customers yet',
      columns: [
        { key: 'customer_id', label: 'Customer' },
        { key: 'segment', label: 'Segment' },
        { key: 'monetary', label: 'Revenue', numeric: true, format: (v) => currency(num(v)) },
        { key: 'frequency', label: 'Orders', numeric: true, format: (v) => count(num(v)) },
        { key: 'recency_days', label: 'Days since last order', numeric: true, format: (v) => count(num(v)) },
        { key: 'last_order_date', label: 'Last order' },
        { key: 'rfm_score', label: 'RFM score', numeric: true },
      ],
    });

    return {
      async refresh() {
        const body = await getJson('/api/v1/customers');
        const list = segments(body);
        const asOf = field(body, 'as_of');
        tiles.set('customers', count(num(field(body, 'customers'))), asOf ? `RFM as of ${asOf}` : '');
        tiles.set('vips', count(num(field(body, 'vip_count'))));
        tiles.set('segments', list.length ? String(list.length) : '–');
        pie.update(pieOption(list));
        revenue.update(revenueOption(list));
        vips.update(rows(body, 'vips'));
      },
    };
  },
};
