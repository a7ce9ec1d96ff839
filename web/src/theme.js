// Light and dark themes: the OS preference (prefers-color-scheme) until the
// user picks one with the toggle; the pick survives reloads.
const STORAGE_KEY = 'medallion.theme';
const listeners = new Set();
const media = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice() {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null; // storage disabled: follow the OS
  }
}

export function currentTheme() {
  return storedChoice() ?? (media.matches ? 'dark' : 'light');
}

function apply() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener(theme);
}

export function onThemeChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setTheme(theme) {
  try {
    window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Not persisted; still applied for this page.
  }
  apply();
}

export function toggleTheme() {
  setTheme(currentTheme() === 'dark' ? 'light' : 'dark');
}

// Colours the charts need that CSS variables cannot reach (canvas).
export function chartPalette() {
  const style = getComputedStyle(document.documentElement);
  const v = (name) => style.getPropertyValue(name).trim();
  return { text: v('--text'), muted: v('--muted'), grid: v('--grid'), accent: v('--accent'), good: v('--good'), bad: v('--bad') };
}

export function initTheme() {
  media.addEventListener('change', () => {
    if (!storedChoice()) apply();
  });
  apply();
}
