// The pipeline for the browser tests: `medallion demo` on generated data —
// embedded Kafka, a short history through ingest, the daily DAG backfilled
// (Silver, quality, Gold, train, promote, predict), then a live feed on an
// accelerated clock with the API and the dashboard (web/dist) on a free
// loopback port. The live feed is what makes the numbers move between
// refreshes.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, freePort, start, waitFor } from './processes.mjs';

export const DIST = path.join(REPO, 'web', 'dist');

// Small enough to backfill in about a minute, long enough for weekly
// seasonality, a trained model and a week-over-week growth figure.
// 45 days: the forecasting backtest needs 43 days of Gold before a model can be
// trained and promoted, and the Forecast page needs a champion.
const HISTORY_DAYS = 45;

export async function startDemo(medallion, workDir) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html missing: run \`npm run build\` in web/ (scripts/setup does)`);
  }
  const port = await freePort();
  const lake = path.join(workDir, 'lake');
  const logs = path.join(workDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const args = ['--log-format', 'json', 'demo', '--lake', lake, '--history-days', String(HISTORY_DAYS),
    '--day-seconds', '60', '--duration', '1200', '--bind', '127.0.0.1', '--port', String(port), '--static-dir', DIST,
    '--products', '40', '--seed', '7'];
  const proc = start(medallion, args, path.join(logs, 'demo.log'));
  const url = `http://127.0.0.1:${port}`;
  // The demo prints "ready after ..." once the backfill has a champion and forecasts.
  await waitFor('the demo to be ready (history backfilled)', () => /(^|\r)ready after /m.test(proc.fullLog()), {
    proc,
    timeoutMs: 600000,
    intervalMs: 500,
  });
  await waitFor('medallion demo /health', async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  }, { proc, timeoutMs: 30000 });
  const kafka = /kafka\s+(\S+:\d+)/.exec(proc.fullLog());
  return { url, lake, proc, bootstrap: kafka ? kafka[1] : null, logs };
}
