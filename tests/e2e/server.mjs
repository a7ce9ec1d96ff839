// `medallion serve` over the test lake, serving the built dashboard
// (web/dist) on a free loopback port.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, freePort, start, waitFor } from './processes.mjs';

export const DIST = path.join(REPO, 'web', 'dist');

export async function startServer(medallion, lakeRoot, workDir) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html missing: run \`npm run build\` in web/ (scripts/setup does)`);
  }
  const port = await freePort();
  // The lake root goes through the config file so this works whichever
  // spelling (flag or lake.root) the serve command reads.
  const config = path.join(workDir, 'medallion.yaml');
  fs.writeFileSync(config, `lake:\n  root: ${lakeRoot}\nserve:\n  static_dir: ${DIST}\n`);
  const args = ['--config', config, '--log-format', 'json', 'serve', '--bind', '127.0.0.1', '--port', String(port), '--static-dir', DIST];
  const proc = start(medallion, args, path.join(workDir, 'logs', 'serve.log'));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('medallion serve /health', async () => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  }, { proc, timeoutMs: 30000 });
  return { url, proc };
}
