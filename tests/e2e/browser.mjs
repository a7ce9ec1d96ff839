// Debian's Chromium driven by playwright-core (from web/node_modules), headless.
// No browser is ever downloaded: CHROMIUM_PATH or /usr/bin/chromium.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from './processes.mjs';

export async function launchChromium() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (scripts/setup does) or set CHROMIUM_PATH`);
  }
  const requireFromWeb = createRequire(path.join(REPO, 'web', 'package.json'));
  let playwright;
  try {
    playwright = requireFromWeb('playwright-core');
  } catch {
    throw new Error('playwright-core missing: run `npm ci` in web/ (scripts/setup does)');
  }
  return playwright.chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}
