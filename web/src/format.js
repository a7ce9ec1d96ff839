// Number and time formatting shared by tiles, tables and chart labels.

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export function count(n) {
  if (n === null || n === undefined) return '–';
  return Math.abs(n) >= 100000 ? compact.format(n) : whole.format(n);
}

export function currency(n) {
  if (n === null || n === undefined) return '–';
  return Math.abs(n) >= 1e6 ? `$${compact.format(n)}` : money.format(n);
}

export function percent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function decimal(n, digits = 2) {
  if (n === null || n === undefined) return '–';
  return n.toFixed(digits);
}

// Seconds as "850 ms", "12.3 s", "4 min", "2.1 h".
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function clock(date = new Date()) {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}
