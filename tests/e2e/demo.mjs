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
const HISTORY_DAYS = 15;

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
  await waitFor('the demo to finish its history backfill', () => proc.log().includes('backfill:'), {
    proc,
    timeoutMs: 240000,
    intervalMs: 500,
  });
  await waitFor('medallion demo /health', async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  }, { proc, timeoutMs: 30000 });
  return { url, lake, proc };
}
