//! Node positions shared by every view that draws the graph (GEXF `viz:position`, GraphML
//! x/y, the HTML view): deterministic, so the same graph is always drawn the same way.
//!
//! A spring-electrical layout in the manner of Fruchterman and Reingold: every pair of nodes
//! repels (force k²/d), every edge pulls its ends together (force d²/k), a weak pull towards the
//! centre keeps separate components together, and each step's move is capped by a temperature
//! that cools linearly. Repulsion is approximated with a Barnes–Hut quadtree, so one step costs
//! O(n log n): coarsely in the first four fifths of the steps, when the moves are big, more
//! finely in the last fifth.
//!
//! Bounded work: each connected component is simulated on its own, for `STEPS` (300) steps
//! when it has up to `FULL_STEPS_UP_TO` (1,000) nodes, and for `300 × 1,000 / n` steps (at
//! least `MIN_STEPS`, 30) when it has `n` more: the work of a big component stays about that
//! of a 1,000-node one (until 10,000 nodes), so the ~150,000 nodes of a 200 MB corpus take
//! seconds, not hours. The cooling schedule spans whatever number of steps a component gets.
//! Measured on the synthetic corpus (graphs of 4,000 to 15,000 nodes), the drawings made with
//! the bound at 1,000 have the same ratio of mean edge length to mean distance between nodes
//! (within 5%) as with 300 steps up to 5,000 nodes, in a quarter to a half of the time.
//!
//! Reproducibility: start positions are a hash of each node's id (no random state), the number
//! of steps depends only on the component's size, and every sum is taken in a fixed order (nodes in id order, edges in
//! (source, relation, target) order, tree cells in a fixed order). Each node's repulsion is
//! computed on its own, so the worker threads used change nothing. Only `+ - * / sqrt` are used
//! (all correctly rounded in IEEE 754), so the numbers do not depend on the platform's maths
//! library either. Coordinates are rounded to 0.01, and no two nodes share a spot.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::graph::KnowledgeGraph;

/// Steps of the simulation of a component of up to [`FULL_STEPS_UP_TO`] nodes.
const STEPS: usize = 300;
/// Components of more nodes get fewer steps (see [`steps_for`]).
const FULL_STEPS_UP_TO: usize = 1_000;
/// The fewest steps a component gets, however big.
const MIN_STEPS: usize = 30;
/// Barnes–Hut opening criterion: a cell whose side is below `THETA` times its distance counts as
/// one body at its centre of mass. 1.2 is the value Gephi's ForceAtlas2 starts with; on the
/// 134,000-node graph of the 200 MB benchmark it takes about a quarter less time than 0.9, and
/// the tests below hold its layouts to the same shape checks.
const THETA: f64 = 1.2;
/// The opening criterion of the first steps, while the temperature is high and the moves are
/// big: a coarser approximation then costs nothing in the end result, and a cell opened less
/// often makes those steps about three times cheaper.
const THETA_COARSE: f64 = 3.0;
/// The coarse criterion is used for the first `COARSE_NUM / COARSE_DEN` of the steps (4/5), the
/// finer one for the rest. On the 134,000-node graph of the 200 MB benchmark this halves the
/// layout time, and the ratio of mean edge length to mean distance between nodes stays the same
/// (0.0616 against 0.0615; other changes of the simulation move it by ±2%).
const COARSE_NUM: usize = 4;
const COARSE_DEN: usize = 5;
/// Bodies kept in a quadtree leaf (all pairs inside are exact).
const LEAF: usize = 8;
/// Maximum quadtree depth (points closer than side / 2^depth share a leaf).
const MAX_DEPTH: usize = 32;
/// Pull towards the centre, relative to the spring constant.
const GRAVITY: f64 = 0.5;

/// Positions by node id, centred on the origin, in a square of side 1000 for graphs of up to
/// about 600 nodes, growing with the square root of the node count beyond that (so a big graph
/// keeps room between its nodes). Coordinates are rounded to 0.01 and pairwise distinct.
pub fn positions(graph: &KnowledgeGraph) -> BTreeMap<String, (f64, f64)> {
    let nodes = graph.nodes();
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let edges: Vec<(usize, usize)> = graph
        .edges()
        .iter()
        .filter_map(|e| Some((*index.get(e.source)?, *index.get(e.target)?)))
        .collect();
    compute(&ids, &edges)
}

/// The positions of nodes `ids` (in id order) joined by `edges` (indices into `ids`), in the
/// order of `ids`: what [`positions`] gives, without the map.
pub fn place(ids: &[&str], edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    let xy = layout(ids, edges);
    fit_and_round(&xy, side_for(ids.len()))
}

/// The positions of nodes `ids` (in id order) joined by `edges`, by id.
fn compute(ids: &[&str], edges: &[(usize, usize)]) -> BTreeMap<String, (f64, f64)> {
    ids.iter()
        .zip(place(ids, edges))
        .map(|(id, p)| (id.to_string(), p))
        .collect()
}

/// Side of the square the layout is scaled into.
fn side_for(n: usize) -> f64 {
    (40.0 * (n as f64).sqrt()).max(1000.0)
}

/// The raw layout of nodes `0..ids.len()` (in id order) joined by `edges`, in units where the
/// ideal edge length is 1: each connected component laid out on its own, then the components
/// packed in rows, biggest first (so lone nodes do not drift far out and shrink the rest).
pub(crate) fn layout(ids: &[&str], edges: &[(usize, usize)]) -> Vec<[f64; 2]> {
    let n = ids.len();
    let components = components(n, edges);
    let mut member_of = vec![(0usize, 0usize); n];
    for (c, members) in components.iter().enumerate() {
        for (local, &node) in members.iter().enumerate() {
            member_of[node] = (c, local);
        }
    }
    let mut local_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); components.len()];
    for &(a, b) in edges {
        let ((ca, la), (_, lb)) = (member_of[a], member_of[b]);
        local_edges[ca].push((la, lb));
    }
    let shapes: Vec<Vec<[f64; 2]>> = components
        .par_iter()
        .zip(&local_edges)
        .map(|(members, edges)| {
            let names: Vec<&str> = members.iter().map(|&m| ids[m]).collect();
            spring(&names, edges)
        })
        .collect();
    // Bounding boxes with a margin of one edge length; shelf packing, biggest first.
    let boxes: Vec<([f64; 2], [f64; 2])> = shapes.iter().map(|s| bounding_box(s)).collect();
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(components[c].len()), components[c][0]));
    let area: f64 = boxes
        .iter()
        .map(|(lo, hi)| (hi[0] - lo[0] + 2.0) * (hi[1] - lo[1] + 2.0))
        .sum();
    let widest = boxes
        .iter()
        .map(|(lo, hi)| hi[0] - lo[0] + 2.0)
        .fold(0.0, f64::max);
    let row_width = widest.max(area.sqrt() * 1.1);
    let mut pos = vec![[0.0, 0.0]; n];
    let (mut x, mut y, mut row_height) = (0.0, 0.0, 0.0f64);
    for c in order {
        let (lo, hi) = boxes[c];
        let (w, h) = (hi[0] - lo[0] + 2.0, hi[1] - lo[1] + 2.0);
        if x > 0.0 && x + w > row_width {
            x = 0.0;
            y -= row_height;
            row_height = 0.0;
        }
        for (local, &node) in components[c].iter().enumerate() {
            let p = shapes[c][local];
            pos[node] = [x + 1.0 + p[0] - lo[0], y - 1.0 - (hi[1] - p[1])];
        }
        x += w;
        row_height = row_height.max(h);
    }
    pos
}

/// Connected components (ignoring direction), each a sorted list of node indices, listed by
/// their smallest index.
fn components(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(a, b) in edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            // The smaller index becomes the root, so roots are each component's first node.
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut slot = vec![usize::MAX; n];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        if slot[r] == usize::MAX {
            slot[r] = out.len();
            out.push(Vec::new());
        }
        out[slot[r]].push(i);
    }
    out
}

fn bounding_box(points: &[[f64; 2]]) -> ([f64; 2], [f64; 2]) {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for a in 0..2 {
            lo[a] = lo[a].min(p[a]);
            hi[a] = hi[a].max(p[a]);
        }
    }
    if points.is_empty() {
        return ([0.0; 2], [0.0; 2]);
    }
    (lo, hi)
}

/// The spring-electrical layout of one connected component.
fn spring(ids: &[&str], edges: &[(usize, usize)]) -> Vec<[f64; 2]> {
    let n = ids.len();
    match n {
        0 | 1 => return vec![[0.0, 0.0]; n],
        // A lone pair: side by side at the ideal distance, no simulation needed.
        2 => return vec![[0.0, 0.0], [1.0, 0.0]],
        _ => {}
    }
    let k = 1.0;
    let spread = (n as f64).sqrt() * k;
    let mut pos: Vec<[f64; 2]> = ids.iter().map(|id| start_position(id, spread)).collect();
    // Springs between distinct pairs only, each once, in a fixed order.
    let springs: Vec<(usize, usize)> = edges
        .iter()
        .filter(|(a, b)| a != b)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let t0 = spread * 0.1;
    let steps = steps_for(n);
    let mut tree = QuadTree::default();
    let mut disp = Vec::new();
    for step in 0..steps {
        let temperature = t0 * (1.0 - step as f64 / steps as f64) + k * 0.01;
        let theta = if step * COARSE_DEN < steps * COARSE_NUM {
            THETA_COARSE
        } else {
            THETA
        };
        tree.build(&pos);
        tree.repulsions(k, theta, &mut disp);
        for &(a, b) in &springs {
            let dx = pos[a][0] - pos[b][0];
            let dy = pos[a][1] - pos[b][1];
            let d = (dx * dx + dy * dy).sqrt();
            // Force d²/k along the unit vector: (d/k) times the difference.
            let f = d / k;
            disp[a][0] -= dx * f;
            disp[a][1] -= dy * f;
            disp[b][0] += dx * f;
            disp[b][1] += dy * f;
        }
        for (p, d) in pos.iter_mut().zip(&mut disp) {
            d[0] -= GRAVITY * p[0];
            d[1] -= GRAVITY * p[1];
            let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if len > 0.0 && len.is_finite() {
                let step_len = len.min(temperature);
                p[0] += d[0] / len * step_len;
                p[1] += d[1] / len * step_len;
            }
        }
    }
    pos
}

/// Steps of the simulation of a component of `n` nodes: [`STEPS`] up to [`FULL_STEPS_UP_TO`]
/// nodes, then inversely proportional to `n` (the same work as a component of
/// `FULL_STEPS_UP_TO` nodes), never fewer than [`MIN_STEPS`].
fn steps_for(n: usize) -> usize {
    if n <= FULL_STEPS_UP_TO {
        STEPS
    } else {
        (STEPS * FULL_STEPS_UP_TO / n).max(MIN_STEPS)
    }
}

/// A point in the square of side `2 * spread` picked by a hash of `id`: the same id always
/// starts at the same spot, whatever the other nodes are.
fn start_position(id: &str, spread: f64) -> [f64; 2] {
    // FNV-1a over the bytes, then two splitmix64 outputs as coordinates.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let x = splitmix(&mut h);
    let y = splitmix(&mut h);
    [
        spread * (2.0 * unit(x) - 1.0),
        spread * (2.0 * unit(y) - 1.0),
    ]
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A u64 as a number in [0, 1) with 53 bits.
fn unit(v: u64) -> f64 {
    (v >> 11) as f64 / (1u64 << 53) as f64
}

/// Centres the layout on the middle of its bounding box, scales its larger extent to `side`,
/// rounds to 0.01 and moves any node that would share a spot with an earlier one (in id order)
/// by 0.01 steps until it is alone.
fn fit_and_round(xy: &[[f64; 2]], side: f64) -> Vec<(f64, f64)> {
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in xy {
        for a in 0..2 {
            lo[a] = lo[a].min(finite(p[a]));
            hi[a] = hi[a].max(finite(p[a]));
        }
    }
    let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let scale = if extent > 0.0 && extent.is_finite() {
        side / extent
    } else {
        1.0
    };
    let mid = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let mut taken: BTreeSet<(i64, i64)> = BTreeSet::new();
    xy.iter()
        .map(|p| {
            let mut cx = ((finite(p[0]) - mid[0]) * scale * 100.0).round() as i64;
            let cy = ((finite(p[1]) - mid[1]) * scale * 100.0).round() as i64;
            while !taken.insert((cx, cy)) {
                cx += 1;
            }
            // `+ 0.0` turns -0.0 into 0.0 so it prints as "0".
            (cx as f64 / 100.0 + 0.0, cy as f64 / 100.0 + 0.0)
        })
        .collect()
}

/// A Barnes–Hut quadtree over the current positions. Cells live in one vector in depth-first
/// order (each cell before its children, children by quadrant), so the force walk needs no stack:
/// opening a cell goes on to the next one, and a cell taken whole (or a leaf) jumps to `next`,
/// the first cell after its subtree. Every cell owns a range of `order` (body indices grouped by
/// cell, in index order within each cell), and `sorted` holds the bodies' positions in that same
/// order, so a leaf's bodies are read from one contiguous run of memory and neighbouring bodies
/// share the cells they visit. The buffers are kept from one step to the next.
#[derive(Default)]
struct QuadTree {
    cells: Vec<Cell>,
    /// Body indices in tree order, and their positions in the same order (moved with them while
    /// the tree is built, so building and the force loop read positions one after another).
    order: Vec<u32>,
    sorted: Vec<[f64; 2]>,
    scratch: Vec<u32>,
    scratch_pos: Vec<[f64; 2]>,
    quadrants: Vec<u8>,
    /// Repulsions by rank (position in `order`), before they are put back in body order.
    by_rank: Vec<[f64; 2]>,
}

#[derive(Clone, Copy)]
struct Cell {
    /// Centre of mass.
    com: [f64; 2],
    /// Square of the side of the cell (the opening test compares it with a squared distance).
    side2: f64,
    /// The cell's bodies: `order[start..end]` (so its mass is `end - start`).
    start: u32,
    end: u32,
    /// The first cell after this one's subtree (`cells.len()` for the last).
    next: u32,
    leaf: bool,
}

impl QuadTree {
    /// Rebuilds the tree over `pos`, reusing the buffers of the last build.
    fn build(&mut self, pos: &[[f64; 2]]) {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in pos {
            for a in 0..2 {
                lo[a] = lo[a].min(p[a]);
                hi[a] = hi[a].max(p[a]);
            }
        }
        let side = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-9);
        let n = pos.len();
        self.cells.clear();
        self.order.clear();
        self.order.extend(0..n as u32);
        self.sorted.clear();
        self.sorted.extend_from_slice(pos);
        self.scratch.resize(n, 0);
        self.scratch_pos.resize(n, [0.0; 2]);
        self.quadrants.resize(n, 0);
        self.split(0, n, lo, side, 0);
    }

    /// Makes the cell for bodies `order[start..end]` in the square at `corner` with `side`, and
    /// after it the cells of its subtree.
    fn split(&mut self, start: usize, end: usize, corner: [f64; 2], side: f64, depth: usize) {
        let me = self.cells.len();
        let (mut mx, mut my) = (0.0, 0.0);
        for p in &self.sorted[start..end] {
            mx += p[0];
            my += p[1];
        }
        let mass = (end - start) as f64;
        let leaf = end - start <= LEAF || depth >= MAX_DEPTH;
        self.cells.push(Cell {
            com: [mx / mass, my / mass],
            side2: side * side,
            start: start as u32,
            end: end as u32,
            next: 0,
            leaf,
        });
        if !leaf {
            let half = side / 2.0;
            let mid = [corner[0] + half, corner[1] + half];
            // A stable partition into the four quadrants (a counting sort through `scratch`),
            // so each child's bodies stay in index order.
            let mut bounds = [0usize; 5];
            for (p, q) in self.sorted[start..end]
                .iter()
                .zip(&mut self.quadrants[start..end])
            {
                *q = u8::from(p[0] >= mid[0]) + 2 * u8::from(p[1] >= mid[1]);
                bounds[usize::from(*q) + 1] += 1;
            }
            for q in 0..4 {
                bounds[q + 1] += bounds[q];
            }
            let mut fill = bounds;
            for ((&b, &p), &q) in self.order[start..end]
                .iter()
                .zip(&self.sorted[start..end])
                .zip(&self.quadrants[start..end])
            {
                let q = usize::from(q);
                self.scratch[fill[q]] = b;
                self.scratch_pos[fill[q]] = p;
                fill[q] += 1;
            }
            self.order[start..end].copy_from_slice(&self.scratch[..end - start]);
            self.sorted[start..end].copy_from_slice(&self.scratch_pos[..end - start]);
            for q in 0..4 {
                let (s, e) = (start + bounds[q], start + bounds[q + 1]);
                if s < e {
                    let c = [
                        corner[0] + half * (q % 2) as f64,
                        corner[1] + half * (q / 2) as f64,
                    ];
                    self.split(s, e, c, half, depth + 1);
                }
            }
        }
        self.cells[me].next = self.cells.len() as u32;
    }

    /// The repulsive displacement on every body, by body index, into `out`. Bodies are visited
    /// in tree order (neighbours one after another, for the caches); each body's sum is its own,
    /// so the order of visits and the worker threads change nothing.
    fn repulsions(&mut self, k: f64, theta: f64, out: &mut Vec<[f64; 2]>) {
        let mut by_rank = std::mem::take(&mut self.by_rank);
        (0..self.order.len())
            .into_par_iter()
            .map(|r| self.repulsion(r, k, theta))
            .collect_into_vec(&mut by_rank);
        out.clear();
        out.resize(by_rank.len(), [0.0, 0.0]);
        for (&b, &f) in self.order.iter().zip(&by_rank) {
            out[b as usize] = f;
        }
        self.by_rank = by_rank;
    }

    /// Adds to `f` the repulsion on body `i` at `p` from the bodies at `ranks`, in rank order.
    #[inline(always)]
    fn leaf_repulsion(
        &self,
        i: usize,
        p: [f64; 2],
        k2: f64,
        ranks: std::ops::Range<usize>,
        f: &mut [f64; 2],
    ) {
        let first = ranks.start;
        for (rank, q) in (first..).zip(&self.sorted[ranks]) {
            let (mut dx, mut dy) = (p[0] - q[0], p[1] - q[1]);
            let mut d2 = dx * dx + dy * dy;
            if d2 < 1e-12 {
                // Same spot: push apart along a direction fixed by the pair.
                let j = self.order[rank] as usize;
                dx = if i < j { 0.01 } else { -0.01 };
                dy = if (i + j) % 2 == 0 { 0.01 } else { -0.01 };
                d2 = dx * dx + dy * dy;
            }
            let s = k2 / d2;
            f[0] += s * dx;
            f[1] += s * dy;
        }
    }

    /// The repulsive displacement on the body at rank `r` of `order`: k²/d from every other
    /// body, far cells as one. Cells are visited depth first, children by quadrant.
    fn repulsion(&self, r: usize, k: f64, theta: f64) -> [f64; 2] {
        let i = self.order[r] as usize;
        let p = self.sorted[r];
        let k2 = k * k;
        let theta2 = theta * theta;
        let mut f = [0.0, 0.0];
        let cells = &self.cells[..];
        let mut c = 0;
        while let Some(cell) = cells.get(c) {
            if cell.leaf {
                let (s, e) = (cell.start as usize, cell.end as usize);
                // The body itself is skipped: the ranks before it, then those after it (the
                // same bodies in the same order as one loop testing each rank against `r`).
                if (s..e).contains(&r) {
                    self.leaf_repulsion(i, p, k2, s..r, &mut f);
                    self.leaf_repulsion(i, p, k2, r + 1..e, &mut f);
                } else {
                    self.leaf_repulsion(i, p, k2, s..e, &mut f);
                }
                c = cell.next as usize;
                continue;
            }
            let (dx, dy) = (p[0] - cell.com[0], p[1] - cell.com[1]);
            let d2 = dx * dx + dy * dy;
            if cell.side2 < theta2 * d2 {
                let mass = (cell.end - cell.start) as f64;
                let s = mass * k2 / d2;
                f[0] += s * dx;
                f[1] += s * dy;
                c = cell.next as usize;
            } else {
                c += 1;
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Certainty, EntityType, Evidence, Node};

    /// A graph of `n` people, each joined to the next `links` people around a ring.
    fn ring(n: usize, links: usize) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let names: Vec<String> = (0..n).map(|i| format!("P{i:04}")).collect();
        for name in &names {
            g.add_node(Node::new(EntityType::Person, name));
        }
        for i in 0..n {
            for l in 1..=links {
                let (a, b) = (
                    crate::graph::node_id(EntityType::Person, &names[i]),
                    crate::graph::node_id(EntityType::Person, &names[(i + l) % n]),
                );
                let ev = Evidence {
                    doc: "d".into(),
                    start: i,
                    end: i + 1,
                    text: "t".into(),
                    rule: "r".into(),
                };
                g.add_edge(&a, "knows", &b, Certainty::Stated, [ev]);
            }
        }
        g
    }

    /// Two cliques of `n` joined by one edge, plus `isolated` lone nodes.
    fn two_clusters(n: usize, isolated: usize) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let mut add = |name: String| {
            let node = Node::new(EntityType::Organization, &name);
            let id = node.id.clone();
            g.add_node(node);
            id
        };
        let a: Vec<String> = (0..n).map(|i| add(format!("A{i}"))).collect();
        let b: Vec<String> = (0..n).map(|i| add(format!("B{i}"))).collect();
        for i in 0..isolated {
            add(format!("Lone{i}"));
        }
        for group in [&a, &b] {
            for x in group.iter() {
                for y in group.iter() {
                    if x < y {
                        let ev = Evidence {
                            doc: "d".into(),
                            start: 0,
                            end: 1,
                            text: "t".into(),
                            rule: "r".into(),
                        };
                        g.add_edge(x, "allied_with", y, Certainty::Stated, [ev]);
                    }
                }
            }
        }
        let ev = Evidence {
            doc: "d".into(),
            start: 0,
            end: 1,
            text: "t".into(),
            rule: "r".into(),
        };
        g.add_edge(&a[0], "allied_with", &b[0], Certainty::Alleged, [ev]);
        g
    }

    /// The layout of `g` computed afresh (the cache would make repeated runs trivially equal).
    fn fresh(g: &KnowledgeGraph) -> BTreeMap<String, (f64, f64)> {
        let nodes = g.nodes();
        let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        let at = |id: &str| ids.iter().position(|x| *x == id).unwrap();
        let edges: Vec<(usize, usize)> = g
            .edges()
            .iter()
            .map(|e| (at(e.source), at(e.target)))
            .collect();
        compute(&ids, &edges)
    }

    fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn same_graph_same_positions_bit_for_bit() {
        for g in [ring(60, 2), two_clusters(8, 5), KnowledgeGraph::new()] {
            let a = fresh(&g);
            let b = fresh(&g);
            assert_eq!(positions(&g), a, "the cached and fresh layouts differ");
            assert_eq!(a.len(), g.node_count());
            for (id, p) in &a {
                let q = b[id];
                assert_eq!(
                    (p.0.to_bits(), p.1.to_bits()),
                    (q.0.to_bits(), q.1.to_bits()),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn thread_count_does_not_change_positions() {
        let mut g = ring(300, 3);
        g.merge(two_clusters(6, 40));
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fresh(&g))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn positions_are_finite_rounded_and_in_the_square() {
        for g in [ring(60, 2), two_clusters(8, 5), ring(2, 1)] {
            let side = side_for(g.node_count());
            for (id, (x, y)) in positions(&g) {
                for v in [x, y] {
                    assert!(v.is_finite(), "{id}: {v}");
                    assert!(v.abs() <= side / 2.0 + 0.01, "{id}: {v}");
                    assert_eq!(
                        (v * 100.0).round() / 100.0,
                        v,
                        "{id}: {v} is not rounded to 0.01"
                    );
                }
            }
        }
    }

    #[test]
    fn connected_nodes_are_closer_than_average() {
        for g in [ring(60, 2), two_clusters(8, 5)] {
            let p = positions(&g);
            let edges = g.edges();
            let edge_mean = edges
                .iter()
                .map(|e| dist(p[e.source], p[e.target]))
                .sum::<f64>()
                / edges.len() as f64;
            let pts: Vec<(f64, f64)> = p.values().copied().collect();
            let (mut sum, mut count) = (0.0, 0.0);
            for i in 0..pts.len() {
                for j in i + 1..pts.len() {
                    sum += dist(pts[i], pts[j]);
                    count += 1.0;
                }
            }
            let pair_mean = sum / count;
            assert!(
                edge_mean < pair_mean * 0.6,
                "edges {edge_mean:.1} vs all pairs {pair_mean:.1}"
            );
        }
    }

    #[test]
    fn clusters_stay_apart() {
        let g = two_clusters(8, 0);
        let p = positions(&g);
        let centre = |prefix: &str| {
            let v: Vec<(f64, f64)> = p
                .iter()
                .filter(|(id, _)| id.starts_with(prefix))
                .map(|(_, &q)| q)
                .collect();
            (
                v.iter().map(|q| q.0).sum::<f64>() / v.len() as f64,
                v.iter().map(|q| q.1).sum::<f64>() / v.len() as f64,
            )
        };
        let (a, b) = (centre("organization:a"), centre("organization:b"));
        let spread = p
            .iter()
            .filter(|(id, _)| id.starts_with("organization:a"))
            .map(|(_, &q)| dist(q, a))
            .fold(0.0, f64::max);
        assert!(
            dist(a, b) > spread,
            "cluster centres {:.1} apart, cluster radius {spread:.1}",
            dist(a, b)
        );
    }

    #[test]
    fn no_two_nodes_share_a_spot() {
        // Nodes with no edges at all, and a ring: every rounded position is distinct.
        let mut lone = KnowledgeGraph::new();
        for i in 0..500 {
            lone.add_node(Node::new(EntityType::Place, &format!("Place {i}")));
        }
        for g in [lone, ring(200, 1)] {
            let p = positions(&g);
            let spots: BTreeSet<(i64, i64)> = p
                .values()
                .map(|&(x, y)| ((x * 100.0).round() as i64, (y * 100.0).round() as i64))
                .collect();
            assert_eq!(spots.len(), p.len());
        }
    }

    #[test]
    fn steps_are_bounded_above_a_thousand_nodes() {
        for (n, steps) in [
            (3, 300),
            (1_000, 300),
            (1_001, 299),
            (4_000, 75),
            (10_000, 30),
            (150_000, 30),
        ] {
            assert_eq!(steps_for(n), steps, "{n} nodes");
        }
    }

    #[test]
    fn components_table() {
        for (n, edges, expected) in [
            (0, vec![], vec![]),
            (3, vec![], vec![vec![0], vec![1], vec![2]]),
            (
                5,
                vec![(4, 1), (3, 0)],
                vec![vec![0, 3], vec![1, 4], vec![2]],
            ),
            (4, vec![(3, 2), (1, 0), (2, 1)], vec![vec![0, 1, 2, 3]]),
        ] {
            assert_eq!(components(n, &edges), expected, "{edges:?}");
        }
    }

    #[test]
    fn lone_nodes_stay_near_the_rest() {
        // Lone nodes used to be pushed far out by the whole graph's repulsion, shrinking the
        // connected part to a dot once scaled to fit.
        let mut g = ring(400, 3);
        for i in 0..3 {
            g.add_node(Node::new(EntityType::Place, &format!("Lone {i}")));
        }
        let p = positions(&g);
        let ring_pts: Vec<(f64, f64)> = p
            .iter()
            .filter(|(id, _)| id.starts_with("person:"))
            .map(|(_, &q)| q)
            .collect();
        let extent = |pts: &[(f64, f64)]| {
            let xs = pts.iter().map(|q| q.0);
            let ys = pts.iter().map(|q| q.1);
            let w = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
            let h = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
            w.max(h)
        };
        let all: Vec<(f64, f64)> = p.values().copied().collect();
        assert!(
            extent(&ring_pts) > 0.8 * extent(&all),
            "the connected part fills {:.0} of {:.0}",
            extent(&ring_pts),
            extent(&all)
        );
    }

    #[test]
    fn coincident_rounding_is_resolved_in_id_order() {
        let placed = fit_and_round(&[[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], 1000.0);
        assert_eq!(
            placed,
            vec![(-500.0, -500.0), (-499.99, -500.0), (500.0, 500.0)]
        );
    }

    #[test]
    fn start_positions_depend_only_on_the_id() {
        for (id, spread) in [("person:a", 3.0), ("place:caracas", 10.0)] {
            let p = start_position(id, spread);
            assert_eq!(p, start_position(id, spread));
            assert!(p[0].abs() <= spread && p[1].abs() <= spread);
        }
        assert_ne!(
            start_position("person:a", 1.0),
            start_position("person:b", 1.0)
        );
    }
}
