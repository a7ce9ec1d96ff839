// Sales: revenue by city x hour, product x day, category growth, top 10
// countries, from the Gold tables behind /api/v1/sales and /api/v1/kpis.
import { getJson } from '../api.js';
import { distinct, field, latest, num, rows, sumBy } from '../data.js';
import { count, currency, percent } from '../format.js';
import { ChartPanel } from '../panel.js';
import { Tiles } from '../widgets.js';

const HEAT_CITIES = 12;
const HEAT_PRODUCTS = 12;
const HEAT_DAYS = 14;

function topKeys(sums, n) {
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k]) => k);
}

// The colour scale tops out at the 95th percentile: one outlier cell would
// otherwise wash every other cell out to the palest shade.
function scaleTop(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.max(1, sorted[Math.floor((sorted.length - 1) * 0.95)] ?? 1);
}

function heatmap(xLabels, yLabels, cells, valueName, format) {
  const values = cells.map((c) => c[2]);
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${yLabels[p.value[1]]} · ${xLabels[p.value[0]]}<br>${valueName}: ${format(p.value[2])}` },
    grid: { left: 8, right: 84, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: xLabels, splitArea: { show: true } },
    yAxis: { type: 'category', data: yLabels, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 11 } },
    visualMap: {
      min: 0,
      max: scaleTop(values),
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemHeight: 160,
      formatter: (v) => format(v),
    },
    series: [{ type: 'heatmap', name: valueName, data: cells, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}

// City x hour of the latest day: when orders come in, and where.
function cityHourOption(cells, day) {
  const cities = topKeys(sumBy(cells, (r) => r.city, (r) => r.revenue), HEAT_CITIES);
  if (!cities.length) return null;
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const data = cells
    .filter((r) => cities.includes(r.city) && num(r.hour) !== null && num(r.revenue) !== null)
    .map((r) => [num(r.hour), cities.indexOf(r.city), Math.round(num(r.revenue))]);
  return heatmap(hours, cities, data, `revenue on ${day ?? 'the latest day'}`, currency);
}

// Units of the best sellers over the last days.
function productDayOption(cells, ranked) {
  const days = distinct(cells.map((r) => r.event_date)).sort().slice(-HEAT_DAYS);
  const products = (ranked.length ? ranked : topKeys(sumBy(cells, (r) => r.product_id, (r) => r.units), HEAT_PRODUCTS))
    .slice(0, HEAT_PRODUCTS);
  if (!products.length || !days.length) return null;
  const data = cells
    .filter((r) => products.includes(r.product_id) && days.includes(r.event_date) && num(r.units) !== null)
    .map((r) => [days.indexOf(r.event_date), products.indexOf(r.product_id), num(r.units)]);
  return heatmap(days.map((d) => d.slice(5)), products, data, 'units', count);
}

// Week-over-week growth per category (day-over-day while there is less than
// a week of history) on the last full day: the day still being filled would
// show every category falling.
function categoryGrowthOption(categoryDaily, dayInProgress) {
  const full = categoryDaily.filter((r) => !dayInProgress || r.event_date < dayInProgress);
  const day = latest(full.length ? full : categoryDaily, 'event_date');
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

function topCountriesOption(countries) {
  const top = countries.filter((c) => c.country && num(c.revenue) !== null).slice(0, 10);
  if (!top.length) return null;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => currency(v) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => currency(v), hideOverlap: true } },
    yAxis: { type: 'category', inverse: true, data: top.map((c) => c.country) },
    series: [{ type: 'bar', name: 'revenue', data: top.map((c) => Math.round(num(c.revenue))) }],
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
    const productDay = new ChartPanel(root, { id: 'product-day', title: 'Units by product and day (best sellers)', empty: 'No Gold sales_daily rows yet', height: 320 });
    const growth = new ChartPanel(root, { id: 'category-growth', title: 'Category growth', empty: 'Growth needs two days of Gold category_daily' });
    const countries = new ChartPanel(root, { id: 'top-countries', title: 'Top 10 countries by revenue (last 14 days)', empty: 'No Gold country_daily rows yet' });

    return {
      async refresh() {
        const [sales, kpis] = await Promise.all([getJson('/api/v1/sales'), getJson('/api/v1/kpis')]);
        const revenue = num(field(kpis, 'revenue_today'));
        const orders = num(field(kpis, 'orders_today'));
        // Today is still being filled, so a percentage against the whole day
        // before would read as a collapse: show that day's total beside it.
        const previousDay = num(field(kpis, 'revenue_prev_day'));
        const asOf = field(kpis, 'as_of');
        tiles.set('revenue-today', currency(revenue),
          previousDay === null ? (asOf ?? '') : `${asOf} so far; the whole day before: ${currency(previousDay)}`);
        tiles.set('orders-today', count(orders), asOf ?? '');
        tiles.set('aov', revenue !== null && orders ? currency(revenue / orders) : '–');
        const top = rows(kpis, 'top_countries')[0];
        tiles.set('top-country', top ? String(top.country) : '–', top ? currency(num(top.revenue)) : '');

        cityHour.update(cityHourOption(rows(sales, 'city_hour'), field(sales, 'as_of')));
        const ranked = Array.isArray(field(sales, 'products')) ? sales.products.map(String) : [];
        productDay.update(productDayOption(rows(sales, 'product_day'), ranked));
        growth.update(categoryGrowthOption(rows(sales, 'category_growth'), asOf));
        countries.update(topCountriesOption(rows(sales, 'top_countries')));
      },
    };
  },
};
