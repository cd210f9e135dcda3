//! graph.html in a real browser (Debian's headless Chromium driven by playwright-core from
//! tests/browser/), its determinism, and `--render svg`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use kgraph::export::{self, html::Html, json::Json};
use kgraph::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};

use crate::util::*;

/// node and the browser scripts' dependencies, or None (skipped unless tools are required).
fn browser() -> Option<PathBuf> {
    let node = tool("node")?;
    tool("chromium")?;
    let modules = root().join("tests/browser/node_modules/playwright-core");
    if !modules.is_dir() {
        assert!(
            !tools_required(),
            "tests/browser/node_modules is missing (run tests/install-tools.sh)"
        );
        eprintln!(
            "skipping a check: tests/browser/node_modules is missing (run tests/install-tools.sh)"
        );
        return None;
    }
    Some(node)
}

/// Runs tests/browser/check-view.js with `config`; panics with its report when a check fails.
fn check_view(node: &Path, config: serde_json::Value) -> serde_json::Value {
    let out = Command::new(node)
        .arg("check-view.js")
        .arg(config.to_string())
        .current_dir(root().join("tests/browser"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser check failed:\n{stderr}\n{stdout}"
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check-view.js printed no report ({e}): {stdout}"))
}

/// Where screenshots go: target/screenshots/ (not committed).
fn screenshot(name: &str) -> PathBuf {
    let dir = root().join("target").join("screenshots");
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn graph_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("graph.json")).unwrap()).unwrap()
}

#[test]
fn seeds_view_in_chromium() {
    let Some(node) = browser() else { return };
    let dir = build(&[&root().join("seeds")]);
    let relations = graph_json(dir.path())["edges"].as_array().unwrap().len();
    // EDGE EVIDENCE STEP: goes live as soon as relation extraction yields any edge on the seeds;
    // from then on Héctor Guerrero Flores must have an edge whose evidence the panel shows.
    if relations == 0 {
        eprintln!("seeds_view_in_chromium: the seeds graph has no relations yet, so the edge-evidence click is not checked");
    }
    let seen = check_view(
        &node,
        serde_json::json!({
            "html": dir.path().join("graph.html"),
            "graph_json": dir.path().join("graph.json"),
            "search": "Guerrero",
            "expect_selected": "person:hector-guerrero-flores",
            "require_edges": relations > 0,
            "canvas_edge_click": relations > 0,
            "screenshot": screenshot("seeds.png"),
        }),
    );
    assert_eq!(seen["selected"], "person:hector-guerrero-flores");
    assert!(
        seen["panelTitle"]
            .as_str()
            .unwrap()
            .contains("Guerrero Flores"),
        "{seen}"
    );
}

fn evidence(doc: &str, start: usize, text: &str) -> Evidence {
    Evidence {
        doc: doc.into(),
        start,
        end: start + text.len(),
        text: text.into(),
        rule: "test".into(),
    }
}

/// A small graph with evidenced stated and alleged edges, an event, and hostile text.
fn hand_made_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    g.meta.documents = 3;
    let mut add = |etype, label: &str, aliases: &[&str], docs: &[&str]| {
        let mut n = Node::new(etype, label);
        n.mentions = 2 + docs.len() as u64;
        n.aliases.extend(aliases.iter().map(|a| a.to_string()));
        n.docs.extend(docs.iter().map(|d| d.to_string()));
        let id = n.id.clone();
        g.add_node(n);
        id
    };
    let hector = add(
        EntityType::Person,
        "Héctor Guerrero Flores",
        &["Guerrero", "Niño Guerrero"],
        &["a.txt", "b.txt"],
    );
    let tren = add(
        EntityType::Organization,
        "Tren de Aragua",
        &["TdA"],
        &["a.txt"],
    );
    let caracas = add(EntityType::Place, "Caracas", &[], &["b.txt"]);
    let tocoron = add(EntityType::Place, "Tocorón", &[], &["b.txt"]);
    let hostile = add(
        EntityType::Organization,
        "</script><script>alert(1)</script>",
        &["<b>bold</b> & \u{2028}"],
        &["c.txt"],
    );
    let raid = add(EntityType::Event, "Tocorón prison raid", &[], &["b.txt"]);
    if let Some(n) = g.nodes_mut().find(|n| n.id == raid) {
        n.date = Some("2023-09-20".into());
        n.place = Some(tocoron.clone());
    }
    let leads = (0..7).map(|i| {
        evidence("a.txt", 100 * i, &format!("Héctor Guerrero Flores, known as Niño Guerrero, leads the Tren de Aragua gang (report {i})."))
    });
    g.add_edge(&hector, "leader_of", &tren, Certainty::Stated, leads);
    g.add_edge(
        &hector,
        "located_in",
        &caracas,
        Certainty::Alleged,
        [evidence(
            "b.txt",
            10,
            "Guerrero is believed to be hiding near Caracas.",
        )],
    );
    g.add_edge(
        &tren,
        "allied_with",
        &hostile,
        Certainty::Stated,
        [evidence(
            "c.txt",
            0,
            "They signed </script><script>alert(2)</script> a deal \u{2029} & left.",
        )],
    );
    g.add_edge(
        &raid,
        "located_in",
        &tocoron,
        Certainty::Stated,
        [evidence("b.txt", 50, "Troops raided Tocorón prison.")],
    );
    g
}

#[test]
fn hand_made_graph_view_in_chromium() {
    let Some(node) = browser() else { return };
    let dir = tempdir();
    let graph = hand_made_graph();
    for exporter in [&Json as &dyn export::Exporter, &Html] {
        export::write_to_dir(exporter, &graph, dir.path()).unwrap();
    }
    let seen = check_view(
        &node,
        serde_json::json!({
            "html": dir.path().join("graph.html"),
            "graph_json": dir.path().join("graph.json"),
            "search": "Guerrero",
            "expect_selected": "person:hector-guerrero-flores",
            "require_edges": true,
            "canvas_edge_click": true,
            "show_labels": ["</script><script>alert(1)</script>"],
            "screenshot": screenshot("hand-made.png"),
        }),
    );
    assert_eq!(seen["relationsListed"], 2, "{seen}");
    assert_eq!(
        seen["relationFiltered"], 2,
        "hiding located_in leaves two edges: {seen}"
    );
    assert_eq!(
        seen["weightFiltered"], 1,
        "only leader_of has weight 7: {seen}"
    );
    let evidence = seen["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("leads the Tren de Aragua gang (report 0)"),
        "{evidence}"
    );
    assert!(
        !evidence.contains("(report 5)"),
        "only five of seven sentences are embedded: {evidence}"
    );
    assert_eq!(seen["canvasEdge"]["relation"], "leader_of", "{seen}");
    assert_eq!(
        seen["labels"][0], "</script><script>alert(1)</script>",
        "{seen}"
    );
}

#[test]
fn graph_html_is_the_same_for_any_run_and_thread_count() {
    let one = tempdir();
    let two = tempdir();
    for (dir, n) in [(&one, "1"), (&two, "2")] {
        kgraph()
            .args(["build", "--quiet", "--threads", n, "seeds", "-o"])
            .arg(dir.path())
            .assert()
            .success();
    }
    let a = fs::read(one.path().join("graph.html")).unwrap();
    assert!(
        a == fs::read(two.path().join("graph.html")).unwrap(),
        "graph.html differs between --threads 1 and 2"
    );
    let again = build(&[&root().join("seeds")]);
    assert!(
        a == fs::read(again.path().join("graph.html")).unwrap(),
        "graph.html differs between two builds"
    );
}

#[test]
fn render_svg_without_graphviz_says_so_and_goes_on() {
    let empty = tempdir();
    for (strict, code) in [(false, 0), (true, 1)] {
        let dir = tempdir();
        let mut c = kgraph();
        c.env("PATH", empty.path())
            .args(["build", "--quiet", "seeds", "--render", "svg", "-o"])
            .arg(dir.path());
        if strict {
            c.arg("--strict");
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(code), "strict={strict}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("kgraph: --render svg needs Graphviz's dot, which is not installed; skipped graph.svg"),
            "{err}"
        );
        assert!(dir.path().join("graph.html").is_file());
        assert!(!dir.path().join("graph.svg").exists());
    }
}

#[test]
fn render_svg_with_graphviz_writes_graph_svg() {
    if tool("dot").is_none() {
        return;
    }
    let dir = tempdir();
    let out = kgraph()
        .args(["build", "--quiet", "seeds", "--render", "svg", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    if !dir.path().join("graph.dot").is_file() {
        // Until the DOT exporter writes graph.dot, --render svg says it has nothing to render.
        assert!(err.contains("needs graph.dot"), "{err}");
        eprintln!(
            "skipping a check: this build writes no graph.dot yet, so graph.svg cannot be rendered"
        );
        return;
    }
    let svg = fs::read_to_string(dir.path().join("graph.svg")).unwrap();
    assert!(svg.contains("<svg"), "{}", &svg[..svg.len().min(300)]);
    assert!(
        svg.contains("Guerrero"),
        "graph.svg lacks the seeds' labels"
    );
}
