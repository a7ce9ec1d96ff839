// Sales: revenue by city x hour, product x day, category growth, top 10
// countries, from the Gold tables behind /api/v1/sales and /api/v1/kpis.
import { getJson } from '../api.js';
import { deep, distinct, field, latest, num, rows, sumBy } from '../data.js';
import { count, currency, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { Tiles } from '../widgets.js';

const HEAT_CITIES = 12;
const HEAT_PRODUCTS = 12;
const HEAT_DAYS = 14;

function hourOf(row) {
  const h = field(row, 'hour_of_day');
  if (num(h) !== null) return num(h);
  const stamp = field(row, 'hour', 'window_start');
  if (typeof stamp === 'string' && stamp.length >= 13) return Number(stamp.slice(11, 13));
  return num(stamp);
}

function topKeys(sums, n) {
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k]) => k);
}

function heatmap(xLabels, yLabels, cells, valueName) {
  const values = cells.map((c) => c[2]);
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${yLabels[p.value[1]]} · ${xLabels[p.value[0]]}<br>${valueName}: ${currency(p.value[2])}` },
    grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: xLabels, splitArea: { show: true } },
    yAxis: { type: 'category', data: yLabels, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 11 } },
    visualMap: {
      min: 0,
      max: Math.max(1, ...values),
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      formatter: (v) => currency(v),
    },
    series: [{ type: 'heatmap', name: valueName, data: cells, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}

// City x hour of the latest day: when do orders come in, where.
function cityHourOption(cityHourly) {
  const day = latest(cityHourly, 'event_date');
  const today = cityHourly.filter((r) => day === undefined || r.event_date === day);
  const cities = topKeys(sumBy(today, (r) => r.city, (r) => r.revenue), HEAT_CITIES);
  if (!cities.length) return null;
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const cell = new Map();
  for (const r of today) {
    const y = cities.indexOf(r.city);
    const x = hourOf(r);
    if (y < 0 || x === null || x < 0 || x > 23) continue;
    cell.set(`${x},${y}`, (cell.get(`${x},${y}`) ?? 0) + (num(r.revenue) ?? 0));
  }
  const cells = [...cell.entries()].map(([k, v]) => [...k.split(',').map(Number), Math.round(v)]);
  return heatmap(hours, cities, cells, 'revenue');
}

// Top products x last days.
function productDayOption(productDaily) {
  const days = distinct(productDaily.map((r) => r.event_date)).sort().slice(-HEAT_DAYS);
  const recent = productDaily.filter((r) => days.includes(r.event_date));
  const products = topKeys(sumBy(recent, (r) => r.product_id, (r) => r.revenue), HEAT_PRODUCTS);
  if (!products.length || !days.length) return null;
  const cells = [];
  for (const r of recent) {
    const y = products.indexOf(r.product_id);
    if (y < 0) continue;
    cells.push([days.indexOf(r.event_date), y, Math.round(num(r.revenue) ?? 0)]);
  }
  const label = (p) => `product ${p}`;
  return heatmap(days.map((d) => d.slice(5)), products.map(label), cells, 'revenue');
}

// Latest week-over-week growth per category (day-over-day while there is
// less than a week of history).
function categoryGrowthOption(categoryDaily) {
  const day = latest(categoryDaily, 'event_date');
  const today = categoryDaily.filter((r) => r.event_date === day);
  const hasWeek = today.some((r) => num(r.revenue_wow_growth) !== null);
  const key = hasWeek ? 'revenue_wow_growth' : 'revenue_dod_growth';
  const list = today.filter((r) => num(r[key]) !== null).sort((a, b) => num(b[key]) - num(a[key]));
  if (!list.length) return null;
  return {
    title: { text: `${day} vs ${hasWeek ? 'a week' : 'a day'} before`, left: 'center', top: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => percent(v) },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: list.map((r) => r.category), axisLabel: { interval: 0, rotate: list.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => percent(v, 0) } },
    series: [
      {
        type: 'bar',
        name: hasWeek ? 'week-over-week' : 'day-over-day',
        data: list.map((r) => ({ value: num(r[key]), itemStyle: { color: num(r[key]) >= 0 ? '#3ba272' : '#ee6666' } })),
      },
    ],
  };
}

function topCountriesOption(countryDaily) {
  const sums = sumBy(countryDaily, (r) => r.country, (r) => r.revenue);
  const top = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (!top.length) return null;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => currency(v) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => currency(v) } },
    yAxis: { type: 'category', inverse: true, data: top.map(([c]) => c) },
    series: [{ type: 'bar', name: 'revenue', data: top.map(([, v]) => Math.round(v)) }],
  };
}

export default {
  id: 'sales',
  title: 'Sales',
  create(root) {
    const tiles = new Tiles(root, [
      { key: 'revenue-today', label: 'Revenue today' },
      { key: 'orders-today', label: 'Orders today' },
      { key: 'aov', label: 'Average order' },
      { key: 'top-country', label: 'Top country' },
    ]);
    const cityHour = new ChartPanel(root, { id: 'city-hour', title: 'Revenue by city and hour (latest day, UTC)', empty: 'No Gold revenue_city_hourly rows yet', height: 320 });
    const productDay = new ChartPanel(root, { id: 'product-day', title: 'Revenue by product and day (top products)', empty: 'No Gold revenue_product_daily rows yet', height: 320 });
    const growth = new ChartPanel(root, { id: 'category-growth', title: 'Category growth', empty: 'Growth needs two days of Gold category_daily' });
    const countries = new ChartPanel(root, { id: 'top-countries', title: 'Top 10 countries by revenue', empty: 'No Gold country_daily rows yet' });

    return {
      async refresh() {
        const [sales, kpis] = await Promise.all([getJson('/api/v1/sales'), getJson('/api/v1/kpis')]);
        const cityHourly = rows(deep(sales, 'revenue_city_hourly', 'city_hourly') ?? []);
        const productDaily = rows(deep(sales, 'revenue_product_daily', 'product_daily') ?? []);
        const categoryDaily = rows(deep(sales, 'category_daily', 'category_growth') ?? []);
        const countryDaily = rows(deep(sales, 'country_daily', 'countries', 'top_countries') ?? []);

        const revenue = num(deep(kpis, 'revenue_today', 'revenue'));
        const orders = num(deep(kpis, 'orders_today', 'orders'));
        tiles.set('revenue-today', currency(revenue));
        tiles.set('orders-today', count(orders));
        tiles.set('aov', revenue !== null && orders ? currency(revenue / orders) : '–');
        const topCountries = rows(deep(kpis, 'top_countries') ?? []);
        const top = topCountries[0];
        tiles.set('top-country', top ? String(field(top, 'country', 'name')) : '–', top ? currency(num(field(top, 'revenue'))) : '');

        cityHour.update(cityHourOption(cityHourly));
        productDay.update(productDayOption(productDaily));
        growth.update(categoryGrowthOption(categoryDaily));
        countries.update(topCountriesOption(countryDaily));
      },
    };
  },
};
