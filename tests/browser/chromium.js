// Opens a local page in Debian's headless Chromium with the network blocked, collecting every
// console error, page error, dialog and attempted request, for the view check and the benchmark.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.KGRAPH_CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling home, which a closed network
// answers with a flood of errors.
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches Chromium on a fresh profile and opens `file` (a path) as a file:// URL. */
async function open(file, viewport) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kgraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: viewport || { width: 1280, height: 800 },
    offline: true,
  });
  const problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    problems.push(`network request blocked: ${url}`);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (dialog) => { problems.push(`dialog opened: ${dialog.message()}`); dialog.dismiss().catch(() => {}); });
  await page.goto(pathToFileURL(path.resolve(file)).href);
  await page.waitForFunction(() => window.kgraph && window.kgraph.stats().frames > 0, null, { timeout: 60000 });
  async function close() {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { page, problems, close };
}

module.exports = { open };
