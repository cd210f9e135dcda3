// Measures the frame time of a graph.html in headless Chromium: `node bench-view.js FILE [FRAMES]`.
// Forced full redraws timed with performance.now() (each flushed by reading a pixel), per stage
// too; frames drawn while panning (the last full frame moved); the interval between animation
// frames while redrawing fully on every frame; and full redraws zoomed in 2.7 times.
'use strict';

const { open } = require('./chromium');

async function main() {
  const file = process.argv[2];
  const frames = Number(process.argv[3] || 120);
  const started = Date.now();
  const { page, problems, close } = await open(file, { width: 1280, height: 800 });
  const loadMs = Date.now() - started;
  try {
    await page.evaluate(() => window.kgraph.fit());
    const fitted = await page.evaluate((n) => window.kgraph.bench(n), frames);
    const stages = await page.evaluate((n) => window.kgraph.bench(n, true), frames);
    const panning = await page.evaluate((n) => window.kgraph.benchPan(n), frames);
    const animated = await page.evaluate((n) => window.kgraph.benchAnimated(n), frames);
    // Zoomed in on one node, as when reading a neighbourhood.
    const zoomed = await page.evaluate((n) => {
      document.getElementById('zoom-in').click();
      document.getElementById('zoom-in').click();
      document.getElementById('zoom-in').click();
      return window.kgraph.bench(n, true);
    }, frames);
    if (process.argv[4]) await page.screenshot({ path: process.argv[4] });
    console.log(JSON.stringify({ file, loadMs, fitted, stages: stages.stages, panning, animated, zoomed, problems }, null, 1));
    if (problems.length) process.exitCode = 1;
  } finally {
    await close();
  }
}

main().catch((err) => { console.error(err.stack || String(err)); process.exit(1); });
