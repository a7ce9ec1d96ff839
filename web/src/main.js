// The dashboard shell: nav bar, hash routing (#/sales), theme toggle and the
// 5-second refresh that re-fetches the current page's data and updates its
// charts in place (no page reload).
import './style.css';
import { clearFailures, failedRequests } from './api.js';
import { clock } from './format.js';
import { describePanels, disposeAllPanels } from './panel.js';
import { currentTheme, initTheme, onThemeChange, toggleTheme } from './theme.js';
import overview from './pages/overview.js';
import sales from './pages/sales.js';
import forecast from './pages/forecast.js';
import quality from './pages/quality.js';
import markets from './pages/markets.js';
import customers from './pages/customers.js';

const REFRESH_MS = 5000;
const pages = [overview, sales, forecast, quality, markets, customers];
const pageRoot = document.getElementById('page');
const nav = document.getElementById('nav');
const updated = document.getElementById('updated');
const banner = document.getElementById('banner');
const themeButton = document.getElementById('theme-toggle');

let active = null; // { page, view }
let refreshing = null;
let refreshCount = 0; // completed refreshes of the page on screen

function pageFromHash() {
  const id = window.location.hash.replace(/^#\/?/, '');
  return pages.find((p) => p.id === id) ?? null;
}

function renderNav() {
  for (const page of pages) {
    const link = document.createElement('a');
    link.href = `#/${page.id}`;
    link.textContent = page.title;
    link.dataset.page = page.id;
    nav.append(link);
  }
}

function showBanner() {
  const failed = failedRequests();
  banner.hidden = failed.length === 0;
  if (failed.length) {
    const list = failed.map((f) => `${f.path} (${f.reason})`).join(', ');
    banner.textContent = `Some data could not be loaded: ${list}. Retrying every ${REFRESH_MS / 1000} s.`;
  }
}

// One refresh at a time; a request made meanwhile (a page switch) runs as
// soon as the current one ends instead of being dropped.
let refreshAgain = false;

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const current = active;
      if (!current) break;
      clearFailures();
      try {
        await current.view.refresh();
      } catch (err) {
        // A page bug must not stop the refresh loop; the console (and the
        // e2e test, which fails on console errors) still hears about it.
        console.error(`refresh of ${current.page.id} failed:`, err);
      }
      if (current === active) {
        refreshCount += 1;
        updated.textContent = `Updated ${clock()}`;
        showBanner();
      }
    } while (refreshAgain);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function route() {
  const page = pageFromHash();
  if (!page) {
    window.location.replace(`#/${pages[0].id}`);
    return;
  }
  if (active && active.page === page) return;
  disposeAllPanels();
  refreshCount = 0;
  pageRoot.replaceChildren();
  pageRoot.className = `page page-${page.id}`;
  document.title = `${page.title} · medallion`;
  for (const link of nav.children) link.classList.toggle('active', link.dataset.page === page.id);
  active = { page, view: page.create(pageRoot) };
  refresh();
}

function updateThemeButton(theme) {
  themeButton.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
  themeButton.setAttribute('aria-pressed', String(theme === 'dark'));
}

initTheme();
renderNav();
updateThemeButton(currentTheme());
onThemeChange(updateThemeButton);
themeButton.addEventListener('click', toggleTheme);
window.addEventListener('hashchange', route);
setInterval(() => {
  if (!document.hidden) refresh();
}, REFRESH_MS);
route();

// For the browser tests (tests/e2e): what each chart drew, and which page
// is on screen with how many of its refreshes have completed.
window.medallionCharts = describePanels;
window.medallionState = () => ({ page: active ? active.page.id : null, refreshes: refreshCount });
