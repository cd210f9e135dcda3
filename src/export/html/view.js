// kgraph view: draws the graph embedded in #kgraph-data on a canvas (positions computed by
// kgraph), with search, filters, and a details panel showing each edge's evidence.
// Plain ES2017, no libraries, no network. Panel text is set with textContent, never parsed as HTML.
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('kgraph-data').textContent);
  var STYLES = {
    person: { color: '#3b6fb6', shape: 'circle' },
    organization: { color: '#d0812d', shape: 'square' },
    place: { color: '#3a9a5b', shape: 'triangle' },
    event: { color: '#b8475b', shape: 'diamond' }
  };
  var OTHER = { color: '#7d848c', shape: 'circle' };
  var EDGE_COLOR = '#9aa3ad';
  var FOCUS_EDGE = '#39434e';
  var PICKED_EDGE = '#e0572b';
  var MAX_LABELS = 250;
  var LABEL_MIN_RADIUS = 7; // screen pixels: smaller nodes get a label only when in focus

  function style(type) { return STYLES[type] || OTHER; }
  function fold(s) { return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // ---- the graph ----------------------------------------------------------------------------
  var nodes = DATA.nodes.map(function (n, i) {
    return {
      i: i, id: n.id, label: n.label, type: n.type, aliases: n.aliases || [], docs: n.docs || [],
      mentions: n.mentions || 0, x: +n.x || 0, y: +n.y || 0, date: n.date || null, place: n.place || null,
      deg: 0, r: 1, out: [], inc: [], visible: true,
      keys: [fold(n.label)].concat((n.aliases || []).map(fold))
    };
  });
  var byId = new Map();
  nodes.forEach(function (n) { byId.set(n.id, n); });
  var edges = [];
  DATA.edges.forEach(function (e) {
    var s = byId.get(e.source), t = byId.get(e.target);
    if (!s || !t) return;
    var edge = {
      i: edges.length, s: s, t: t, relation: e.relation, weight: e.weight || 0,
      alleged: e.certainty === 'alleged', certainty: e.certainty,
      evidence: e.evidence || [], total: e.evidence_total || 0, visible: true
    };
    edges.push(edge);
    s.deg++; t.deg++;
    s.out.push(edge); t.inc.push(edge);
  });

  // World extent and node sizes: the radius grows with the square root of the degree, in units
  // of the median distance between a node and its nearest neighbour, so any graph looks alike.
  var bounds = extent(nodes);
  var spacing = nearestSpacing();
  var maxR = 0;
  nodes.forEach(function (n) {
    n.r = spacing * Math.min(0.6, 0.18 + 0.07 * Math.sqrt(n.deg));
    if (n.r > maxR) maxR = n.r;
  });

  function nearestSpacing() {
    var typical = Math.sqrt(Math.max(1e-9, (bounds.w || 1) * (bounds.h || 1)) / Math.max(1, nodes.length));
    var cells = new Map();
    nodes.forEach(function (n) {
      var k = Math.floor(n.x / typical) + ',' + Math.floor(n.y / typical);
      if (!cells.has(k)) cells.set(k, []);
      cells.get(k).push(n);
    });
    var found = [];
    nodes.forEach(function (n) {
      var cx = Math.floor(n.x / typical), cy = Math.floor(n.y / typical), best = Infinity;
      for (var ring = 1; ring <= 3 && best === Infinity; ring++) {
        for (var i = cx - ring; i <= cx + ring; i++) {
          for (var j = cy - ring; j <= cy + ring; j++) {
            (cells.get(i + ',' + j) || []).forEach(function (m) {
              if (m !== n) best = Math.min(best, Math.hypot(m.x - n.x, m.y - n.y));
            });
          }
        }
      }
      if (best < Infinity && best > 0) found.push(best);
    });
    if (!found.length) return typical;
    found.sort(function (a, b) { return a - b; });
    return found[Math.floor(found.length / 2)];
  }

  // Nodes by decreasing size: labels go to the biggest first.
  var bySize = nodes.slice().sort(function (a, b) { return b.r - a.r || b.mentions - a.mentions || a.i - b.i; });

  function extent(list) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    list.forEach(function (n) {
      if (n.x < x0) x0 = n.x; if (n.x > x1) x1 = n.x;
      if (n.y < y0) y0 = n.y; if (n.y > y1) y1 = n.y;
    });
    if (!list.length) { x0 = y0 = -1; x1 = y1 = 1; }
    return { x0: x0, y0: y0, x1: x1, y1: y1, w: x1 - x0, h: y1 - y0 };
  }

  // A uniform grid over world coordinates, for finding the node under the pointer.
  var grid = (function () {
    var size = Math.max(maxR * 2, spacing, 1e-6);
    var cells = new Map();
    function key(cx, cy) { return cx + ',' + cy; }
    nodes.forEach(function (n) {
      var k = key(Math.floor(n.x / size), Math.floor(n.y / size));
      var list = cells.get(k);
      if (!list) cells.set(k, list = []);
      list.push(n);
    });
    return {
      // The nearest visible node within `tol` (world units) beyond its own radius.
      nearest: function (x, y, tol) {
        var reach = maxR + tol;
        var cx0 = Math.floor((x - reach) / size), cx1 = Math.floor((x + reach) / size);
        var cy0 = Math.floor((y - reach) / size), cy1 = Math.floor((y + reach) / size);
        var best = null, bestD = Infinity;
        if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > cells.size) {
          cells.forEach(function (list) { list.forEach(check); });
        } else {
          for (var cx = cx0; cx <= cx1; cx++) {
            for (var cy = cy0; cy <= cy1; cy++) {
              var list = cells.get(key(cx, cy));
              if (list) list.forEach(check);
            }
          }
        }
        function check(n) {
          if (!n.visible) return;
          var d = Math.hypot(n.x - x, n.y - y);
          if (d <= n.r + tol && d - n.r < bestD) { best = n; bestD = d - n.r; }
        }
        return best;
      }
    };
  })();

  // ---- state --------------------------------------------------------------------------------
  var canvas = document.getElementById('canvas');
  var ctx = canvas.getContext('2d');
  var cam = { x: 0, y: 0, scale: 1 };
  var W = 0, H = 0, dpr = 1;
  var picked = null; // {node} or {edge}
  var hover = null;
  var typeOn = {}, relationOn = {}, minWeight = 1;
  var stats = { frames: 0, quick: 0, nodes: 0, edges: 0, labels: 0, ms: 0, quickMs: 0 };
  var pending = false;
  var timeStages = false;

  function toScreen(x, y) { return [(x - cam.x) * cam.scale + W / 2, (cam.y - y) * cam.scale + H / 2]; }
  function toWorld(sx, sy) { return [(sx - W / 2) / cam.scale + cam.x, cam.y - (sy - H / 2) / cam.scale]; }
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }

  function resize() {
    var rect = canvas.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    W = Math.max(1, rect.width); H = Math.max(1, rect.height);
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  }

  function fit() {
    var shown = nodes.filter(function (n) { return n.visible; });
    var b = extent(shown.length ? shown : nodes);
    cam.x = (b.x0 + b.x1) / 2; cam.y = (b.y0 + b.y1) / 2;
    var w = b.w + 2 * maxR, h = b.h + 2 * maxR;
    cam.scale = Math.min((W - 48) / Math.max(w, 1e-6), (H - 48) / Math.max(h, 1e-6));
    if (!(cam.scale > 0) || !isFinite(cam.scale)) cam.scale = 1;
    redraw();
  }

  function zoomAt(sx, sy, factor, live) {
    var before = toWorld(sx, sy);
    cam.scale = Math.min(1e4, Math.max(1e-4, cam.scale * factor));
    var after = toWorld(sx, sy);
    cam.x += before[0] - after[0]; cam.y += before[1] - after[1];
    if (live) interact(); else redraw();
  }

  function applyFilters() {
    nodes.forEach(function (n) { n.visible = typeOn[n.type] !== false; });
    edges.forEach(function (e) {
      e.visible = e.s.visible && e.t.visible && relationOn[e.relation] !== false && e.weight >= minWeight;
    });
    redraw();
  }

  // The nodes and edges in focus: the picked node with its neighbours, or a picked edge's ends.
  function focus() {
    if (!picked) return null;
    var set = new Set();
    var edgeSet = new Set();
    if (picked.node) {
      set.add(picked.node);
      picked.node.out.concat(picked.node.inc).forEach(function (e) {
        if (!e.visible) return;
        edgeSet.add(e); set.add(e.s); set.add(e.t);
      });
    } else {
      set.add(picked.edge.s); set.add(picked.edge.t); edgeSet.add(picked.edge);
    }
    return { nodes: set, edges: edgeSet };
  }

  // ---- drawing ------------------------------------------------------------------------------
  function shapePath(shape, x, y, r) {
    switch (shape) {
      case 'square': ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7); break;
      case 'triangle': ctx.moveTo(x, y - r * 1.1); ctx.lineTo(x + r, y + r * 0.75); ctx.lineTo(x - r, y + r * 0.75); ctx.closePath(); break;
      case 'diamond': ctx.moveTo(x, y - r * 1.15); ctx.lineTo(x + r * 1.15, y); ctx.lineTo(x, y + r * 1.15); ctx.lineTo(x - r * 1.15, y); ctx.closePath(); break;
      default: ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, Math.PI * 2);
    }
  }

  function edgeWidth(e) { return 0.6 + Math.min(3, Math.log2(1 + e.weight) * 0.6); }

  function draw() {
    var t0 = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    var f = focus();
    var margin = maxR * cam.scale + 20;
    var nodesDrawn = 0, edgesDrawn = 0, labels = 0;

    // Screen positions of every node, once per frame.
    var sx = new Float64Array(nodes.length), sy = new Float64Array(nodes.length);
    for (var i = 0; i < nodes.length; i++) {
      sx[i] = (nodes[i].x - cam.x) * cam.scale + W / 2;
      sy[i] = (cam.y - nodes[i].y) * cam.scale + H / 2;
    }
    function offscreen(x0, y0, x1, y1) {
      return Math.max(x0, x1) < -margin || Math.min(x0, x1) > W + margin ||
        Math.max(y0, y1) < -margin || Math.min(y0, y1) > H + margin;
    }

    var parts = {};
    var mark = t0;
    // In benchmarks each stage is flushed and timed on its own.
    function lap(name) {
      if (!timeStages) return;
      ctx.getImageData(0, 0, 1, 1);
      var now = performance.now();
      parts[name] = now - mark;
      mark = now;
    }
    lap('setup');
    // Edges, batched by width so thousands take a handful of strokes. With many edges on
    // screen every line is one pixel wide (hairlines are several times cheaper to rasterize)
    // and weight shows as darkness instead. Dashes are cut here rather than with setLineDash,
    // which costs far more on thousands of lines.
    var onScreen = [];
    for (var k = 0; k < edges.length; k++) {
      var e = edges[k];
      if (!e.visible || (f && f.edges.has(e))) continue;
      if (offscreen(sx[e.s.i], sy[e.s.i], sx[e.t.i], sy[e.t.i])) continue;
      onScreen.push(e);
    }
    // Zoomed into a dense graph, lines that merely cross the screen (both ends outside) are
    // dropped: they are clutter there, and most of the drawing time.
    if (onScreen.length > 3000) {
      var inside = function (i) { return sx[i] >= 0 && sx[i] <= W && sy[i] >= 0 && sy[i] <= H; };
      var ends = onScreen.filter(function (e) { return inside(e.s.i) || inside(e.t.i); });
      if (ends.length < onScreen.length) onScreen = ends;
    }
    edgesDrawn = onScreen.length;
    var many = onScreen.length > 1500;
    var batches = new Map();
    onScreen.forEach(function (e) {
      var w = many ? 1 : Math.round(edgeWidth(e) * 2) / 2;
      var level = many ? Math.min(2, Math.floor(Math.log2(e.weight || 1))) : 0;
      var bk = w * 4 + level;
      var batch = batches.get(bk);
      if (!batch) batches.set(bk, batch = { w: w, level: level, list: [] });
      batch.list.push(e);
    });
    // Dense views get fainter lines, so nodes stay readable over thousands of edges.
    var baseAlpha = (f ? 0.3 : 1) * Math.max(0.15, Math.min(0.8, 2000 / Math.max(1, onScreen.length)));
    ctx.strokeStyle = EDGE_COLOR;
    ctx.setLineDash([]);
    batches.forEach(function (batch) {
      ctx.lineWidth = batch.w;
      ctx.globalAlpha = Math.min(1, baseAlpha * (1 + batch.level * 0.35));
      ctx.beginPath();
      batch.list.forEach(function (e) {
        var a = e.s.i, b = e.t.i;
        if (e.alleged) dashed(sx[a], sy[a], sx[b], sy[b]);
        else { ctx.moveTo(sx[a], sy[a]); ctx.lineTo(sx[b], sy[b]); }
      });
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
    if (f) {
      f.edges.forEach(function (e) {
        var a = e.s.i, b = e.t.i;
        var isPicked = picked.edge === e;
        ctx.strokeStyle = isPicked ? PICKED_EDGE : FOCUS_EDGE;
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = edgeWidth(e) + (isPicked ? 2 : 0.6);
        ctx.setLineDash(e.alleged ? [6, 4] : []);
        ctx.beginPath();
        ctx.moveTo(sx[a], sy[a]);
        ctx.lineTo(sx[b], sy[b]);
        ctx.stroke();
        arrow(sx[a], sy[a], sx[b], sy[b], Math.max(1.5, e.t.r * cam.scale), ctx.lineWidth);
        edgesDrawn++;
      });
      ctx.setLineDash([]);
    }

    lap('edges');
    // Nodes: one path per type (and per dimmed / in focus).
    var outline = cam.scale * spacing > 12;
    var dimmed = [], lit = [];
    for (var m = 0; m < nodes.length; m++) {
      var n = nodes[m];
      if (!n.visible) continue;
      var r = Math.max(1.5, n.r * cam.scale);
      if (sx[m] + r < 0 || sx[m] - r > W || sy[m] + r < 0 || sy[m] - r > H) continue;
      (f && !f.nodes.has(n) ? dimmed : lit).push(m);
      nodesDrawn++;
    }
    [dimmed, lit].forEach(function (list, pass) {
      ctx.globalAlpha = pass === 0 && f ? 0.22 : 1;
      var byType = new Map();
      list.forEach(function (idx) {
        var t = nodes[idx].type;
        if (!byType.has(t)) byType.set(t, []);
        byType.get(t).push(idx);
      });
      Array.from(byType.keys()).sort().forEach(function (t) {
        var st = style(t);
        ctx.fillStyle = st.color;
        ctx.beginPath();
        byType.get(t).forEach(function (idx) {
          var rr = Math.max(1.5, nodes[idx].r * cam.scale);
          // Below 2.5 pixels a shape is a dot anyway, and a plain rectangle is far cheaper.
          if (rr < 2.5) ctx.fillRect(sx[idx] - rr, sy[idx] - rr, 2 * rr, 2 * rr);
          else shapePath(st.shape, sx[idx], sy[idx], rr);
        });
        ctx.fill();
        if (outline) { ctx.strokeStyle = '#fff'; ctx.lineWidth = 1; ctx.stroke(); }
      });
    });
    if (picked && picked.node && picked.node.visible) ring(picked.node, PICKED_EDGE, sx[picked.node.i], sy[picked.node.i]);
    lap('nodes');
    // Labels: nodes in focus, then the biggest on screen, without overlaps, up to a cap.
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    var placed = [];
    var candidates = f ? Array.from(f.nodes).concat(bySize) : bySize;
    var seen = new Set();
    for (var c = 0; c < candidates.length && labels < MAX_LABELS; c++) {
      var ln = candidates[c];
      if (seen.has(ln) || !ln.visible) continue;
      seen.add(ln);
      var rs = ln.r * cam.scale;
      var inFocus = f && f.nodes.has(ln);
      if (!inFocus && rs < LABEL_MIN_RADIUS) {
        if (!f) break; // bySize is sorted: no smaller node qualifies either
        continue;
      }
      var lx = sx[ln.i] + Math.max(1.5, rs) + 4, ly = sy[ln.i];
      if (lx > W || lx < -200 || ly < -10 || ly > H + 10) continue;
      var text = ln.label.length > 48 ? ln.label.slice(0, 47) + '…' : ln.label;
      var tw = ctx.measureText(text).width;
      var box = [lx - 2, ly - 8, lx + tw + 2, ly + 8];
      if (!inFocus && placed.some(function (p) { return box[0] < p[2] && box[2] > p[0] && box[1] < p[3] && box[3] > p[1]; })) continue;
      placed.push(box);
      ctx.strokeStyle = 'rgba(247,247,245,0.9)';
      ctx.lineWidth = 3;
      ctx.strokeText(text, lx, ly);
      ctx.fillStyle = inFocus ? '#11161b' : '#2c333a';
      ctx.fillText(text, lx, ly);
      labels++;
    }

    lap('labels');
    stats.parts = parts;
    stats.frames++;
    stats.nodes = nodesDrawn; stats.edges = edgesDrawn; stats.labels = labels;
    stats.ms = performance.now() - t0;
    if (heavy()) takeSnapshot(); else snapCam = null;
    overlay();
  }

  function ring(n, color, x, y) {
    ctx.beginPath();
    shapePath(style(n.type).shape, x, y, Math.max(1.5, n.r * cam.scale) + 3);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    ctx.stroke();
  }

  // What follows the pointer, drawn over the frame: the hovered node's ring and label.
  function overlay() {
    if (!hover || !hover.visible) return;
    var p = toScreen(hover.x, hover.y);
    ring(hover, '#1d232a', p[0], p[1]);
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    var lx = p[0] + Math.max(1.5, hover.r * cam.scale) + 6;
    ctx.strokeStyle = 'rgba(247,247,245,0.95)';
    ctx.lineWidth = 3;
    ctx.strokeText(hover.label, lx, p[1]);
    ctx.fillStyle = '#11161b';
    ctx.fillText(hover.label, lx, p[1]);
  }

  // On a big graph, while the view moves, the last full frame is shifted and scaled (one image
  // draw) and the full redraw follows once the pointer rests; hovering redraws only the overlay.
  var snapshot = document.createElement('canvas');
  var snapCam = null, settle = 0, quickPending = false;
  function heavy() { return stats.nodes + stats.edges > 4000; }
  function takeSnapshot() {
    if (snapshot.width !== canvas.width || snapshot.height !== canvas.height) {
      snapshot.width = canvas.width; snapshot.height = canvas.height;
    }
    var g = snapshot.getContext('2d');
    g.clearRect(0, 0, snapshot.width, snapshot.height);
    g.drawImage(canvas, 0, 0);
    snapCam = { x: cam.x, y: cam.y, scale: cam.scale, W: W, H: H };
  }
  function quickDraw() {
    if (!snapCam || snapCam.W !== W || snapCam.H !== H) { draw(); return; }
    var t0 = performance.now();
    var f = cam.scale / snapCam.scale;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.setTransform(dpr * f, 0, 0, dpr * f,
      dpr * (W / 2 - W / 2 * f + (snapCam.x - cam.x) * cam.scale),
      dpr * (H / 2 - H / 2 * f + (cam.y - snapCam.y) * cam.scale));
    ctx.drawImage(snapshot, 0, 0, W, H);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    overlay();
    stats.quick++;
    stats.quickMs = performance.now() - t0;
  }
  function scheduleQuick() {
    if (quickPending) return;
    quickPending = true;
    requestAnimationFrame(function () { quickPending = false; if (!pending) quickDraw(); });
  }
  // The view moved: a quick frame now and a full one when it rests, or a full one at once.
  function interact() {
    if (!snapCam) { redraw(); return; }
    clearTimeout(settle);
    settle = setTimeout(redraw, 150);
    scheduleQuick();
  }

  function arrow(x0, y0, x1, y1, r, w) {
    var dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
    if (len < r + 8) return;
    var ux = dx / len, uy = dy / len;
    var tipX = x1 - ux * (r + 2), tipY = y1 - uy * (r + 2);
    var size = 5 + w * 1.5;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * size - uy * size * 0.5, tipY - uy * size + ux * size * 0.5);
    ctx.lineTo(tipX - ux * size + uy * size * 0.5, tipY - uy * size - ux * size * 0.5);
    ctx.closePath();
    ctx.fill();
  }

  // Adds a dashed line (5 on, 4 off, in screen pixels) to the current path.
  function dashed(x0, y0, x1, y1) {
    var dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
    if (len === 0) return;
    var ux = dx / len, uy = dy / len;
    for (var d = 0; d < len; d += 9) {
      var e = Math.min(len, d + 5);
      ctx.moveTo(x0 + ux * d, y0 + uy * d);
      ctx.lineTo(x0 + ux * e, y0 + uy * e);
    }
  }

  // ---- picking ------------------------------------------------------------------------------
  function nodeAt(sxp, syp) {
    var p = toWorld(sxp, syp);
    return grid.nearest(p[0], p[1], 4 / cam.scale);
  }

  // The visible edge nearest the point, within 5 pixels.
  function edgeAt(px, py) {
    var best = null, bestD = 5;
    edges.forEach(function (e) {
      if (!e.visible) return;
      var a = toScreen(e.s.x, e.s.y), b = toScreen(e.t.x, e.t.y);
      var dx = b[0] - a[0], dy = b[1] - a[1];
      var l2 = dx * dx + dy * dy;
      var t = l2 > 0 ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / l2)) : 0;
      var d = Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
      if (d < bestD) { best = e; bestD = d; }
    });
    return best;
  }

  function pickNode(n, center) {
    picked = n ? { node: n } : null;
    if (n && center) centerOn(n);
    showPanel();
    redraw();
  }

  function pickEdge(e, center) {
    picked = e ? { edge: e } : null;
    if (e && center) {
      cam.x = (e.s.x + e.t.x) / 2; cam.y = (e.s.y + e.t.y) / 2;
    }
    showPanel();
    redraw();
  }

  // Brings a node to the middle, zooming in (never out) far enough to read its neighbourhood.
  function centerOn(n) {
    cam.x = n.x; cam.y = n.y;
    var want = LABEL_MIN_RADIUS * 1.6 / Math.max(n.r, 1e-9);
    if (cam.scale < want) cam.scale = Math.min(want, 1e4);
  }

  // ---- the details panel ---------------------------------------------------------------------
  var panel = document.getElementById('panel');
  var hint = panel.firstElementChild;

  function nodeLink(n) {
    var b = el('button', 'link', n.label);
    b.type = 'button';
    b.title = n.id;
    b.addEventListener('click', function () { pickNode(n, true); });
    return b;
  }

  function list(items, render) {
    var ul = el('ul');
    items.forEach(function (item) { var li = el('li'); li.appendChild(render(item)); ul.appendChild(li); });
    return ul;
  }

  function showPanel() {
    panel.textContent = '';
    if (!picked) { panel.appendChild(hint); return; }
    if (picked.node) showNode(picked.node); else showEdge(picked.edge);
  }

  function showNode(n) {
    panel.dataset.kind = 'node';
    var badge = el('span', 'badge', n.type);
    var h = el('h1', null, n.label + ' ');
    h.appendChild(badge);
    panel.appendChild(h);
    panel.appendChild(el('p', 'meta', n.id));
    var facts = plural(n.mentions, 'mention', 'mentions') + ' in ' + plural(n.docs.length, 'document', 'documents');
    if (n.date) facts += ' · ' + n.date;
    panel.appendChild(el('p', 'meta', facts));
    if (n.place) {
      var where = el('p', 'meta', 'Place: ');
      var place = byId.get(n.place);
      where.appendChild(place ? nodeLink(place) : document.createTextNode(n.place));
      panel.appendChild(where);
    }
    panel.appendChild(el('h2', null, 'Aliases (' + n.aliases.length + ')'));
    panel.appendChild(list(n.aliases, function (a) { return document.createTextNode(a); }));
    panel.appendChild(el('h2', null, 'Documents (' + n.docs.length + ')'));
    panel.appendChild(list(n.docs, function (d) { return document.createTextNode(d); }));
    var rels = n.out.concat(n.inc);
    panel.appendChild(el('h2', null, 'Relations (' + rels.length + ')'));
    if (!rels.length) panel.appendChild(el('p', 'meta', 'No relations found for this entity.'));
    var ul = el('ul', 'rels');
    rels.forEach(function (e) {
      var outgoing = e.s === n;
      var other = outgoing ? e.t : e.s;
      var b = el('button', 'rel' + (e.alleged ? ' alleged' : ''));
      b.type = 'button';
      b.dataset.edge = String(e.i);
      b.appendChild(document.createTextNode((outgoing ? '→ ' : '← ') + e.relation.replace(/_/g, ' ') + ' ' + other.label + ' '));
      b.appendChild(el('span', 'w', '×' + e.weight + (e.alleged ? ' alleged' : '') + (e.visible ? '' : ' (filtered)')));
      b.title = e.s.label + ' ' + e.relation + ' ' + e.t.label;
      b.addEventListener('click', function () { pickEdge(e, false); });
      var li = el('li');
      li.appendChild(b);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function showEdge(e) {
    panel.dataset.kind = 'edge';
    var h = el('h1');
    h.appendChild(nodeLink(e.s));
    h.appendChild(document.createTextNode(' ' + e.relation.replace(/_/g, ' ') + ' '));
    h.appendChild(nodeLink(e.t));
    panel.appendChild(h);
    var meta = el('p', 'meta');
    meta.appendChild(el('span', 'badge' + (e.alleged ? ' alleged' : ''), e.certainty));
    meta.appendChild(document.createTextNode(' ' + e.relation + ' · weight ' + e.weight + ' · ' +
      plural(e.total, 'sentence', 'sentences')));
    panel.appendChild(meta);
    panel.appendChild(el('h2', null, 'Evidence' + (e.total > e.evidence.length ? ' (first ' + e.evidence.length + ' of ' + e.total + ')' : '')));
    var box = el('div', 'evidence');
    e.evidence.forEach(function (ev) {
      var q = el('blockquote', null, ev.text);
      q.appendChild(el('cite', null, ev.doc));
      box.appendChild(q);
    });
    if (!e.evidence.length) box.appendChild(el('p', 'meta', 'No evidence sentences recorded.'));
    panel.appendChild(box);
    if (e.total > e.evidence.length) {
      panel.appendChild(el('p', 'meta', (e.total - e.evidence.length) + ' more in graph.json.'));
    }
  }

  // ---- search -------------------------------------------------------------------------------
  var search = document.getElementById('search');
  var matchList = document.getElementById('matches');
  var matches = [], active = 0;

  // Best matches first: exact name, name prefix, word prefix, alias, anywhere; then most mentioned.
  function findMatches(q) {
    var f = fold(q).trim();
    if (!f) return [];
    var scored = [];
    nodes.forEach(function (n) {
      var rank = 9;
      n.keys.forEach(function (k, j) {
        var r = 9;
        if (k === f) r = 0;
        else if (k.indexOf(f) === 0) r = 1;
        else if ((' ' + k).indexOf(' ' + f) >= 0) r = 2;
        else if (k.indexOf(f) >= 0) r = 4;
        if (j > 0 && r < 9) r += 0.5; // an alias ranks just below the name
        if (r < rank) rank = r;
      });
      if (rank < 9) scored.push({ n: n, rank: rank });
    });
    scored.sort(function (a, b) { return a.rank - b.rank || b.n.mentions - a.n.mentions || (a.n.label < b.n.label ? -1 : 1); });
    return scored.slice(0, 12).map(function (s) { return s.n; });
  }

  function showMatches() {
    matchList.textContent = '';
    matches.forEach(function (n, j) {
      var li = el('li', null, n.label);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', j === active ? 'true' : 'false');
      li.appendChild(el('span', 'kind', n.type));
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(n); });
      matchList.appendChild(li);
    });
    matchList.hidden = !matches.length;
  }

  function choose(n) {
    matches = []; showMatches();
    if (!n.visible) { typeOn[n.type] = true; syncTypeBoxes(); applyFilters(); }
    pickNode(n, true);
  }

  search.addEventListener('input', function () { matches = findMatches(search.value); active = 0; showMatches(); });
  search.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!matches.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      showMatches();
      ev.preventDefault();
    } else if (ev.key === 'Escape') {
      matches = []; showMatches();
    }
  });
  search.addEventListener('blur', function () { matchList.hidden = true; });
  document.getElementById('search-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var list = matches.length ? matches : findMatches(search.value);
    if (list.length) choose(list[Math.min(active, list.length - 1)]);
  });

  // ---- filters ------------------------------------------------------------------------------
  function checkbox(label, count, swatchType, onChange) {
    var l = el('label');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.addEventListener('change', function () { onChange(box.checked); });
    l.appendChild(box);
    if (swatchType) {
      var sw = el('span', 'swatch ' + swatchType);
      sw.style.background = style(swatchType).color;
      l.appendChild(sw);
    }
    l.appendChild(document.createTextNode(label));
    l.appendChild(el('span', 'count', count));
    return { label: l, box: box };
  }

  var typeBoxes = {};
  function syncTypeBoxes() { Object.keys(typeBoxes).forEach(function (t) { typeBoxes[t].checked = typeOn[t] !== false; }); }

  function countBy(items, key) {
    var m = new Map();
    items.forEach(function (x) { m.set(key(x), (m.get(key(x)) || 0) + 1); });
    return Array.from(m.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
  }

  function buildFilters() {
    var types = document.getElementById('type-filters');
    countBy(nodes, function (n) { return n.type; }).forEach(function (tc) {
      var c = checkbox(tc[0], tc[1], tc[0], function (on) { typeOn[tc[0]] = on; applyFilters(); });
      c.box.dataset.type = tc[0];
      typeBoxes[tc[0]] = c.box;
      types.appendChild(c.label);
    });
    var rels = document.getElementById('relation-filters');
    var relCounts = countBy(edges, function (e) { return e.relation; });
    if (!relCounts.length) rels.appendChild(el('p', 'meta', 'none'));
    relCounts.forEach(function (rc) {
      var c = checkbox(rc[0].replace(/_/g, ' '), rc[1], null, function (on) { relationOn[rc[0]] = on; applyFilters(); });
      c.box.dataset.relation = rc[0];
      rels.appendChild(c.label);
    });
    var slider = document.getElementById('min-weight');
    var out = document.getElementById('min-weight-value');
    var top = edges.reduce(function (m, e) { return Math.max(m, e.weight); }, 1);
    slider.max = String(Math.min(top, 50));
    slider.addEventListener('input', function () {
      minWeight = +slider.value; out.textContent = slider.value; applyFilters();
    });
  }

  // ---- pointer, wheel, keys -----------------------------------------------------------------
  var tip = document.getElementById('tip');
  var drag = null;

  function local(ev) { var r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }

  canvas.addEventListener('pointerdown', function (ev) {
    if (ev.button !== 0) return;
    var p = local(ev);
    drag = { x: p[0], y: p[1], cx: cam.x, cy: cam.y, moved: false };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', function (ev) {
    var p = local(ev);
    if (drag) {
      if (!drag.moved && Math.hypot(p[0] - drag.x, p[1] - drag.y) < 4) return;
      drag.moved = true;
      canvas.classList.add('dragging');
      cam.x = drag.cx - (p[0] - drag.x) / cam.scale;
      cam.y = drag.cy + (p[1] - drag.y) / cam.scale;
      interact();
      return;
    }
    var n = nodeAt(p[0], p[1]);
    if (n !== hover) {
      hover = n;
      canvas.classList.toggle('pointing', !!n);
      if (snapCam) scheduleQuick(); else redraw();
    }
    if (n) {
      tip.textContent = n.label + ' · ' + n.type + ' · ' + plural(n.deg, 'relation', 'relations');
      tip.style.left = (p[0] + 14) + 'px';
      tip.style.top = (p[1] + 10) + 'px';
      tip.hidden = false;
    } else {
      tip.hidden = true;
    }
  });
  canvas.addEventListener('pointerleave', function () {
    tip.hidden = true;
    if (hover) { hover = null; if (snapCam) scheduleQuick(); else redraw(); }
  });
  canvas.addEventListener('pointerup', function (ev) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null;
    canvas.classList.remove('dragging');
    if (moved) return;
    var p = local(ev);
    var n = nodeAt(p[0], p[1]);
    if (n) { pickNode(n, false); return; }
    var e = edgeAt(p[0], p[1]);
    if (e) pickEdge(e, false); else pickNode(null);
  });
  canvas.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var p = local(ev);
    var delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
    zoomAt(p[0], p[1], Math.exp(-delta * 0.0015), true);
  }, { passive: false });
  canvas.addEventListener('dblclick', function (ev) { var p = local(ev); zoomAt(p[0], p[1], 2); });
  document.addEventListener('keydown', function (ev) {
    if (ev.target === search) return;
    if (ev.key === '+' || ev.key === '=') zoomAt(W / 2, H / 2, 1.4);
    else if (ev.key === '-') zoomAt(W / 2, H / 2, 1 / 1.4);
    else if (ev.key === 'f' || ev.key === 'F') fit();
    else if (ev.key === 'Escape') pickNode(null);
  });
  document.getElementById('fit').addEventListener('click', fit);
  document.getElementById('zoom-in').addEventListener('click', function () { zoomAt(W / 2, H / 2, 1.4); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoomAt(W / 2, H / 2, 1 / 1.4); });
  window.addEventListener('resize', function () { resize(); redraw(); });

  // ---- start --------------------------------------------------------------------------------
  var status = document.getElementById('status');
  function updateStatus() {
    var n = nodes.filter(function (x) { return x.visible; }).length;
    var e = edges.filter(function (x) { return x.visible; }).length;
    status.textContent = plural(n, 'entity', 'entities') + ' · ' + plural(e, 'relation', 'relations') +
      (n < nodes.length || e < edges.length ? ' shown of ' + nodes.length + ' · ' + edges.length : '') +
      ' · ' + plural(DATA.graph.documents || 0, 'document', 'documents');
  }
  var baseApply = applyFilters;
  applyFilters = function () { baseApply(); updateStatus(); };

  buildFilters();
  resize();
  fit();
  updateStatus();
  draw();

  // A small hook for tests and benchmarks.
  function pageXY(x, y) { var r = canvas.getBoundingClientRect(); var s = toScreen(x, y); return { x: r.left + s[0], y: r.top + s[1] }; }
  window.kgraph = {
    /** Nodes drawn in the last frame (everything visible after a fit). */
    nodeCount: function () { return stats.nodes; },
    edgeCount: function () { return stats.edges; },
    stats: function () { return Object.assign({}, stats); },
    selected: function () { return picked && picked.node ? picked.node.id : null; },
    selectedEdge: function () {
      return picked && picked.edge ? { index: picked.edge.i, source: picked.edge.s.id, target: picked.edge.t.id, relation: picked.edge.relation } : null;
    },
    select: function (id) { var n = byId.get(id); pickNode(n || null, true); draw(); return !!n; },
    edgesOf: function (id) {
      var n = byId.get(id);
      if (!n) return [];
      return n.out.concat(n.inc).map(function (e) { return { index: e.i, source: e.s.id, target: e.t.id, relation: e.relation, weight: e.weight }; });
    },
    clickEdge: function (i) { var e = edges[i]; pickEdge(e || null, false); draw(); return !!e; },
    /** Page coordinates of a node's centre, and of a point on an edge clear of nodes. */
    nodePoint: function (id) { var n = byId.get(id); return n ? pageXY(n.x, n.y) : null; },
    edgePoint: function (i) {
      var e = edges[i];
      if (!e) return null;
      // The point nearest the middle that no node covers.
      for (var k = 0; k <= 8; k++) {
        var t = 0.5 + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 0.05;
        var x = e.s.x + t * (e.t.x - e.s.x), y = e.s.y + t * (e.t.y - e.s.y);
        var s = toScreen(x, y);
        if (!nodeAt(s[0], s[1])) return pageXY(x, y);
      }
      return null;
    },
    fit: function () { fit(); draw(); },
    draw: function () { draw(); return Object.assign({}, stats); },
    /** Forced redraws with a small pan each, the canvas flushed by reading a pixel: times in ms. */
    bench: function (frames, stages) {
      var times = [];
      var sums = {};
      timeStages = !!stages;
      for (var i = 0; i < frames; i++) {
        cam.x += (i % 2 ? -1 : 1) * 2 / cam.scale;
        var t0 = performance.now();
        draw();
        ctx.getImageData(0, 0, 1, 1);
        times.push(performance.now() - t0);
        Object.keys(stats.parts).forEach(function (k) { sums[k] = (sums[k] || 0) + stats.parts[k] / frames; });
      }
      timeStages = false;
      var result = summary(times);
      if (stages) result.stages = sums;
      return result;
    },
    /** Like bench, for frames drawn while panning a big graph (the last full frame, moved). */
    benchPan: function (frames) {
      var times = [];
      draw();
      for (var i = 0; i < frames; i++) {
        cam.x += (i % 2 ? -1 : 1) * 2 / cam.scale;
        var t0 = performance.now();
        quickDraw();
        ctx.getImageData(0, 0, 1, 1);
        times.push(performance.now() - t0);
      }
      var result = summary(times);
      result.quick = !!snapCam;
      return result;
    },
    /** Redraws on every animation frame for `frames` frames: the intervals between frames in ms. */
    benchAnimated: function (frames) {
      return new Promise(function (resolve) {
        var times = [], last = 0, i = 0;
        function step(now) {
          if (last) times.push(now - last);
          last = now;
          if (i++ >= frames) { resolve(summary(times)); return; }
          cam.x += (i % 2 ? -1 : 1) * 2 / cam.scale;
          draw();
          requestAnimationFrame(step);
        }
        requestAnimationFrame(step);
      });
    }
  };
  function summary(times) {
    var sorted = times.slice().sort(function (a, b) { return a - b; });
    var mean = times.reduce(function (s, t) { return s + t; }, 0) / Math.max(1, times.length);
    return {
      frames: times.length, mean: mean, median: sorted[Math.floor(sorted.length / 2)] || 0,
      p95: sorted[Math.floor(sorted.length * 0.95)] || 0, max: sorted[sorted.length - 1] || 0,
      nodes: stats.nodes, edges: stats.edges, labels: stats.labels
    };
  }
})();
