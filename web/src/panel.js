// A card holding one ECharts chart, with a "no data yet" state instead of an
// empty canvas. Pages hand it a complete option on every refresh; it keeps
// the chart instance (setOption, no re-creation) so refreshes do not flicker.
import echarts from './echarts.js';
import { currentTheme, onThemeChange } from './theme.js';

const livePanels = new Set();

// A data item with a value: 5, [x, 5], [x, y, 5], {value: 5}; not null,
// '-' or [x, null] (ECharts' ways of saying "nothing here").
function hasValue(item) {
  if (item === null || item === undefined || item === '-') return false;
  if (Array.isArray(item)) return item.length > 0 && hasValue(item[item.length - 1]);
  if (typeof item === 'object') return 'value' in item ? hasValue(item.value) : true;
  return true;
}

// Data points in an option's series (heatmap cells, bars, pie slices...).
function pointCount(option) {
  const series = option && option.series ? [].concat(option.series) : [];
  let total = 0;
  for (const s of series) {
    if (Array.isArray(s.data)) total += s.data.filter(hasValue).length;
  }
  return total;
}

export class ChartPanel {
  // parent: element to append to; title: card heading; empty: what to say
  // while there is no data (e.g. which command produces it).
  constructor(parent, { id, title, empty = 'No data yet', height = 280, wide = false }) {
    this.id = id;
    this.option = null;
    this.card = document.createElement('section');
    this.card.className = wide ? 'card wide' : 'card';
    this.card.dataset.panel = id;
    const heading = document.createElement('h2');
    heading.textContent = title;
    this.toolbar = document.createElement('div');
    this.toolbar.className = 'card-tools';
    const head = document.createElement('div');
    head.className = 'card-head';
    head.append(heading, this.toolbar);
    this.body = document.createElement('div');
    this.body.className = 'chart';
    this.body.style.height = `${height}px`;
    this.emptyNote = document.createElement('div');
    this.emptyNote.className = 'empty';
    this.emptyNote.textContent = empty;
    this.card.append(head, this.body, this.emptyNote);
    parent.append(this.card);
    this.chart = null;
    this.disposed = false;
    this.resizeObserver = new ResizeObserver(() => this.chart && this.chart.resize());
    this.resizeObserver.observe(this.body);
    this.unsubscribe = onThemeChange(() => this.rebuild());
    this.showEmpty(true);
    livePanels.add(this);
  }

  // option: an ECharts option without colours/background, or null for "no data".
  update(option) {
    if (this.disposed) return; // a refresh that outlived its page
    this.option = option && pointCount(option) > 0 ? option : null;
    if (!this.option) {
      this.showEmpty(true);
      return;
    }
    this.showEmpty(false);
    if (!this.chart) this.chart = echarts.init(this.body, currentTheme() === 'dark' ? 'dark' : null);
    // replaceMerge: series that vanished (e.g. a category) disappear too.
    this.chart.setOption(withThemeDefaults(this.option), { replaceMerge: ['series', 'xAxis', 'yAxis', 'grid', 'visualMap'] });
  }

  points() {
    return this.option ? pointCount(this.option) : 0;
  }

  // For charts with one row per item (a bar per table): the resize observer
  // redraws the chart at the new height.
  setHeight(height) {
    const px = `${Math.round(height)}px`;
    if (this.body.style.height !== px) this.body.style.height = px;
  }

  showEmpty(empty) {
    this.card.classList.toggle('is-empty', empty);
    this.body.hidden = empty;
    this.emptyNote.hidden = !empty;
  }

  rebuild() {
    if (this.chart) {
      this.chart.dispose();
      this.chart = null;
    }
    if (this.option) this.update(this.option);
  }

  dispose() {
    this.disposed = true;
    this.unsubscribe();
    this.resizeObserver.disconnect();
    if (this.chart) this.chart.dispose();
    livePanels.delete(this);
  }
}

// Heatmap ramps from the card colour up to the accent, so empty cells
// recede in either theme instead of glaring white on dark.
const HEAT_RAMP = { light: ['#eef3fb', '#8fb0ec', '#2f5fc4'], dark: ['#1c2636', '#3d63a8', '#8db4ff'] };

// Transparent background (the card paints it) so both themes match the page.
function withThemeDefaults(option) {
  const themed = {
    backgroundColor: 'transparent',
    animationDurationUpdate: 300,
    ...option,
    tooltip: { confine: true, trigger: 'axis', ...(option.tooltip || {}) },
  };
  if (option.visualMap && !option.visualMap.inRange) {
    themed.visualMap = { ...option.visualMap, inRange: { color: HEAT_RAMP[currentTheme()] } };
  }
  return themed;
}

// Called when the page changes: the old page's charts go with it.
export function disposeAllPanels() {
  for (const panel of [...livePanels]) panel.dispose();
}

// Every visible chart and its data points: the e2e test reads this
// (window.medallionCharts()) to check that each chart drew real data.
export function describePanels() {
  return [...livePanels].map((p) => ({ id: p.id, points: p.points(), empty: p.option === null }));
}
