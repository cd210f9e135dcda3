// Checks a graph.html in headless Chromium through its real UI, as the test suite's
// tests/kgraph/html.rs asks: `node check-view.js '<json config>'`. Prints what it saw as JSON;
// exits 1 with the reason when a check fails.
//
// Config: {"html": path, "graph_json": path (the node count and evidence to expect),
//          "search": "Guerrero", "expect_selected": id, "require_edges": bool,
//          "canvas_edge_click": bool, "show_labels": [label, ..], "screenshot": path}
'use strict';

const fs = require('fs');
const { open } = require('./chromium');

function fail(message) {
  const err = new Error(message);
  err.check = true;
  throw err;
}

function squash(s) { return String(s).replace(/\s+/g, ' ').trim(); }

async function main() {
  const config = JSON.parse(process.argv[2]);
  const graph = JSON.parse(fs.readFileSync(config.graph_json, 'utf8'));
  const seen = {};
  const { page, problems, close } = await open(config.html);
  try {
    // 1. Every node of graph.json is drawn, and the status line says so.
    seen.drawn = await page.evaluate(() => window.kgraph.nodeCount());
    if (seen.drawn !== graph.nodes.length) fail(`drew ${seen.drawn} nodes, graph.json has ${graph.nodes.length}`);
    seen.status = await page.textContent('#status');
    if (!seen.status.includes(`${graph.nodes.length} ent`)) fail(`status line "${seen.status}" does not give ${graph.nodes.length} entities`);

    // 2. The type filter hides a type and brings it back.
    const type = graph.nodes[0].type;
    const ofType = graph.nodes.filter((n) => n.type === type).length;
    await page.click(`#type-filters input[data-type="${type}"]`);
    seen.filtered = await page.evaluate(() => window.kgraph.draw().nodes);
    if (seen.filtered !== graph.nodes.length - ofType) fail(`hiding ${type} left ${seen.filtered} nodes, expected ${graph.nodes.length - ofType}`);
    await page.click(`#type-filters input[data-type="${type}"]`);
    if ((await page.evaluate(() => window.kgraph.draw().nodes)) !== graph.nodes.length) fail('showing the type again did not restore every node');

    // 2b. The relation filter and the minimum weight hide edges and bring them back.
    if (graph.edges.length) {
      const relation = graph.edges[0].relation;
      const others = graph.edges.filter((e) => e.relation !== relation).length;
      await page.click(`#relation-filters input[data-relation="${relation}"]`);
      seen.relationFiltered = await page.evaluate(() => window.kgraph.draw().edges);
      if (seen.relationFiltered !== others) fail(`hiding ${relation} left ${seen.relationFiltered} edges, expected ${others}`);
      await page.click(`#relation-filters input[data-relation="${relation}"]`);
      const top = Math.min(50, Math.max(...graph.edges.map((e) => e.weight)));
      const heavy = graph.edges.filter((e) => e.weight >= top).length;
      const setWeight = (v) => page.$eval('#min-weight', (el, value) => {
        el.value = String(value);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, v);
      await setWeight(top);
      seen.weightFiltered = await page.evaluate(() => window.kgraph.draw().edges);
      if (seen.weightFiltered !== heavy) fail(`minimum weight ${top} left ${seen.weightFiltered} edges, expected ${heavy}`);
      await setWeight(1);
      if ((await page.evaluate(() => window.kgraph.draw().edges)) !== graph.edges.length) fail('clearing the filters did not restore every edge');
    }

    // 3. Search through the real box: type, press Enter, the entity is selected and described.
    await page.click('#search');
    await page.keyboard.type(config.search);
    await page.keyboard.press('Enter');
    seen.selected = await page.evaluate(() => window.kgraph.selected());
    if (seen.selected !== config.expect_selected) fail(`searching "${config.search}" selected ${seen.selected}, expected ${config.expect_selected}`);
    const node = graph.nodes.find((n) => n.id === config.expect_selected);
    seen.panelTitle = squash(await page.textContent('#panel h1'));
    if (!seen.panelTitle.includes(node.label)) fail(`details panel title "${seen.panelTitle}" lacks "${node.label}"`);
    const panelText = squash(await page.textContent('#panel'));
    for (const alias of node.aliases) if (!panelText.includes(squash(alias))) fail(`details panel lacks alias "${alias}"`);
    for (const doc of node.docs) if (!panelText.includes(doc)) fail(`details panel lacks document "${doc}"`);

    // 4. Clicking the node on the canvas selects it too (after clearing with Escape).
    await page.click('#canvas', { position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    const point = await page.evaluate((id) => window.kgraph.nodePoint(id), config.expect_selected);
    await page.mouse.click(point.x, point.y);
    seen.canvasSelected = await page.evaluate(() => window.kgraph.selected());
    if (seen.canvasSelected !== config.expect_selected) fail(`clicking the node on the canvas selected ${seen.canvasSelected}`);

    // 5. EDGE EVIDENCE: the panel lists the entity's relations; clicking one shows its evidence.
    //    On the seeds this needs relation extraction: until relations land, the entity has none
    //    and this step fails (require_edges) with a message saying so.
    const expected = graph.edges.filter((e) => e.source === config.expect_selected || e.target === config.expect_selected);
    const buttons = await page.$$('#panel .rel');
    seen.relationsListed = buttons.length;
    if (buttons.length !== expected.length) fail(`the panel lists ${buttons.length} relations, graph.json has ${expected.length}`);
    if (!expected.length) {
      if (config.require_edges) fail(`${node.label} has no relations in graph.json, so no edge evidence can be clicked (relation extraction has not produced any yet)`);
    } else {
      await buttons[0].click();
      const picked = await page.evaluate(() => window.kgraph.selectedEdge());
      if (!picked) fail('clicking a relation in the panel selected no edge');
      seen.panelEdge = picked;
      const edge = graph.edges.find((e) => e.source === picked.source && e.target === picked.target && e.relation === picked.relation);
      if (!edge) fail(`the selected edge ${JSON.stringify(picked)} is not in graph.json`);
      const evidenceText = squash(await page.textContent('#panel .evidence'));
      seen.evidence = evidenceText;
      const first = squash(edge.evidence[0].text);
      if (!evidenceText.includes(first)) fail(`the evidence panel does not show "${first}"`);
      if (!evidenceText.includes(edge.evidence[0].doc)) fail(`the evidence panel does not name document ${edge.evidence[0].doc}`);
    }

    // 6. Clicking an edge on the canvas shows its evidence.
    if (config.canvas_edge_click && graph.edges.length) {
      await page.keyboard.press('Escape');
      await page.evaluate(() => window.kgraph.fit());
      // The panel's edge, or else the first edge with a stretch no node covers.
      const candidates = [seen.panelEdge ? seen.panelEdge.index : 0].concat(graph.edges.map((_, i) => i));
      let index = -1;
      let mid = null;
      for (const i of candidates) {
        mid = await page.evaluate((j) => window.kgraph.edgePoint(j), i);
        if (mid) { index = i; break; }
      }
      if (!mid) fail('every edge is covered by nodes all along its middle, so none can be clicked');
      await page.mouse.click(mid.x, mid.y);
      const clicked = await page.evaluate(() => window.kgraph.selectedEdge());
      if (!clicked || clicked.index !== index) {
        const other = await page.evaluate(() => window.kgraph.selected());
        fail(`clicking edge ${index} on the canvas at ${JSON.stringify(mid)} selected edge ${JSON.stringify(clicked)}, node ${other}`);
      }
      const edge = graph.edges.find((e) => e.source === clicked.source && e.target === clicked.target && e.relation === clicked.relation);
      if (!squash(await page.textContent('#panel .evidence')).includes(squash(edge.evidence[0].text))) fail('the canvas edge click did not show its evidence');
      seen.canvasEdge = clicked;
    }

    // 7. Labels (hostile ones included) show as plain text in the panel.
    seen.labels = [];
    for (const label of config.show_labels || []) {
      const n = graph.nodes.find((x) => x.label === label);
      if (!n) fail(`no node labelled ${JSON.stringify(label)} in graph.json`);
      await page.evaluate((id) => window.kgraph.select(id), n.id);
      const shown = await page.evaluate(() => document.querySelector('#panel h1').firstChild.textContent.trim());
      if (shown !== label) fail(`the panel shows ${JSON.stringify(shown)} for ${JSON.stringify(label)}`);
      seen.labels.push(shown);
    }

    if (config.screenshot) await page.screenshot({ path: config.screenshot });
    await page.waitForTimeout(100);
    if (problems.length) fail(problems.join('\n'));
    seen.ok = true;
    console.log(JSON.stringify(seen, null, 1));
  } catch (err) {
    // Keep a picture of the failure beside where the screenshot would have gone.
    if (config.screenshot) await page.screenshot({ path: config.screenshot.replace(/\.png$/, '') + '-failed.png' }).catch(() => {});
    throw err;
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err.check ? `check-view: ${err.message}` : err.stack || String(err));
  process.exit(1);
});
