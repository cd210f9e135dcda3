//! What users rely on from extraction, measured on the seeds against ../shared/gold and on the
//! CoNLL-2003 dev set when ../shared is there (as on CI and development machines); the seeds'
//! structural guarantees (no boilerplate node, evidence that slices to its sentence) always.

use std::collections::BTreeSet;
use std::fs;

use crate::util::*;

fn gold_report() -> Option<serde_json::Value> {
    let shared = shared()?;
    let out = kgraph()
        .args(["eval", "gold"])
        .arg(shared.join("gold"))
        .arg("seeds")
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("eval gold --json gives JSON"))
}

fn score(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

#[test]
fn seeds_entities_meet_the_gold_bar() {
    let Some(r) = gold_report() else {
        eprintln!("skipping: ../shared/gold is not there");
        return;
    };
    for t in ["person", "organization", "place"] {
        let s = &r["entities"][t];
        assert!(score(s, "precision") >= 0.90, "{t} precision {s}");
        assert!(score(s, "recall") >= 0.90, "{t} recall {s}");
    }
    assert!(
        score(&r["entities"]["event"], "recall") >= 0.60,
        "event recall {}",
        r["entities"]["event"]
    );
    let splits = r["splits"].as_array().unwrap();
    assert!(
        splits.is_empty(),
        "gold entities split over several nodes: {splits:?}"
    );
}

#[test]
fn seeds_relations_meet_the_gold_bar() {
    let Some(r) = gold_report() else {
        eprintln!("skipping: ../shared/gold is not there");
        return;
    };
    let s = &r["relations"];
    assert!(score(s, "precision") >= 0.80, "relation precision {s}");
    assert!(score(s, "recall") >= 0.50, "relation recall {s}");
}

#[test]
fn conll_dev_f1_is_at_least_075() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared/eval is not there");
        return;
    };
    let file = shared.join("eval").join("conll2003-dev.txt");
    if !file.is_file() {
        eprintln!("skipping: {} is not there", file.display());
        return;
    }
    let out = kgraph()
        .args(["eval", "conll"])
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = score(&v["overall"], "f1");
    assert!(
        f1 >= 0.75,
        "CoNLL-2003 dev overall F1 {f1}: {}",
        v["overall"]
    );
    for t in ["PER", "ORG", "LOC"] {
        assert!(v["types"][t].is_object(), "no score for {t}");
    }
}

/// The graph of the seeds, read back.
fn seeds_graph() -> serde_json::Value {
    let dir = build(&[&root().join("seeds")]);
    serde_json::from_slice(&fs::read(dir.path().join("graph.json")).unwrap()).unwrap()
}

fn labels(g: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_edges_analysts_look_for_exist_with_evidence() {
    let g = seeds_graph();
    let lab = labels(&g);
    let edges: Vec<(String, String, String, usize)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                lab[e["source"].as_str().unwrap()].clone(),
                e["relation"].as_str().unwrap().to_string(),
                lab[e["target"].as_str().unwrap()].clone(),
                e["evidence"].as_array().unwrap().len(),
            )
        })
        .collect();
    let has = |s: &str, r: &str, t: &str| {
        edges
            .iter()
            .any(|(a, b, c, n)| a.contains(s) && b == r && c.contains(t) && *n > 0)
    };
    let wanted = [
        ("Héctor Guerrero Flores", "leader_of", "Tren de Aragua"),
        ("Tren de Aragua", "operates_in", "Colombia"),
        ("Tren de Aragua", "operates_in", "Ecuador"),
        ("Tren de Aragua", "operates_in", "Peru"),
        ("Tren de Aragua", "operates_in", "Chile"),
        ("Treasury", "sanctioned", "Tren de Aragua"),
        (
            "State Department",
            "offered_reward_for",
            "Héctor Guerrero Flores",
        ),
        ("Ronna Rísquez", "reports_on", "Tren de Aragua"),
        ("Terrorism Confinement Center", "located_in", "Tecoluca"),
        (
            "Invocation of the Alien Enemies Act",
            "carried_out_by",
            "Donald Trump",
        ),
        ("Ronald Ojeda", "victim_of", "Kidnapping of Ronald Ojeda"),
    ];
    let missing: Vec<_> = wanted.iter().filter(|(s, r, t)| !has(s, r, t)).collect();
    assert!(missing.is_empty(), "missing edges: {missing:?}");
    // allied_with is symmetric: stored once, either way round.
    assert!(
        has("National Liberation Army", "allied_with", "Tren de Aragua")
            || has("Tren de Aragua", "allied_with", "National Liberation Army")
    );
    // The ELN is one node with its acronym.
    let eln: Vec<&serde_json::Value> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["label"] == "National Liberation Army")
        .collect();
    assert!(eln[0]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "ELN"));
}

/// Every evidence item of a seeds graph: its document's text, its span and the item itself.
fn evidence(g: &serde_json::Value) -> Vec<(String, usize, usize, serde_json::Value)> {
    let mut out = Vec::new();
    for e in g["edges"].as_array().unwrap() {
        for ev in e["evidence"].as_array().unwrap() {
            let text =
                fs::read_to_string(root().join("seeds").join(ev["doc"].as_str().unwrap())).unwrap();
            let (s, t) = (
                ev["start"].as_u64().unwrap() as usize,
                ev["end"].as_u64().unwrap() as usize,
            );
            out.push((text, s, t, ev.clone()));
        }
    }
    out
}

#[test]
fn every_evidence_span_slices_to_its_sentence() {
    let g = seeds_graph();
    let items = evidence(&g);
    for (text, s, t, ev) in &items {
        assert_eq!(&text[*s..*t], ev["text"].as_str().unwrap());
    }
    assert!(items.len() > 50, "only {} evidence items", items.len());
}

/// Byte ranges of the seeds' boilerplate lines, found by hand-written rules independent of the
/// segmenter: navigation, timestamps, credits, bylines, rails, and every repeat of a line.
fn boilerplate_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        let start = pos;
        pos += line.len();
        if l.is_empty() {
            continue;
        }
        let repeat = !seen.insert(l.to_string());
        let nav = [
            "Skip to Content",
            "News",
            "Next Article",
            "Recommended Articles",
            "Back to list",
            "POLITICS",
            "Hot · Posts",
        ]
        .iter()
        .any(|n| l.starts_with(n) && l.len() < 45);
        let stamp = l.contains("Last Updated") || l.starts_with("Mar 31, 2025");
        let credit = l.starts_with("Credit:") || (l.starts_with("(AP Photo") && l.ends_with(')'));
        let byline = l.ends_with("reported from Miami.") || l.starts_with("Follow AP");
        if repeat || nav || stamp || credit || byline {
            out.push((start, pos));
        }
        // Photo credits at the end of a caption: "(AP Photo/…)", "(… via AP)".
        if let Some(open) = l.rfind('(') {
            let inner = &l[open..];
            if inner.contains("AP Photo") || inner.contains("via AP") {
                let off = start + line.find(inner).unwrap();
                out.push((off, off + inner.len()));
            }
        }
    }
    out
}

#[test]
fn no_mention_or_evidence_comes_from_boilerplate() {
    let out = kgraph().args(["extract", "seeds"]).output().unwrap();
    let mut checked = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let m: serde_json::Value = serde_json::from_str(line).unwrap();
        let text =
            fs::read_to_string(root().join("seeds").join(m["doc"].as_str().unwrap())).unwrap();
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        for (a, b) in boilerplate_ranges(&text) {
            assert!(
                e <= a || s >= b,
                "mention {line} lies in boilerplate {:?}",
                &text[a..b]
            );
        }
        checked += 1;
    }
    assert!(checked > 100);
    let g = seeds_graph();
    for (text, s, t, ev) in evidence(&g) {
        for (a, b) in boilerplate_ranges(&text) {
            assert!(
                t <= a || s >= b,
                "evidence {:?} touches boilerplate {:?}",
                ev["text"],
                &text[a..b]
            );
        }
    }
    // And no node is named like a navigation widget.
    for n in g["nodes"].as_array().unwrap() {
        let l = n["label"].as_str().unwrap();
        assert!(
            ![
                "Skip",
                "Content",
                "Facebook",
                "Feature Image",
                "News",
                "Next Article",
                "AP Photo",
                "Credit"
            ]
            .contains(&l),
            "node {l}"
        );
    }
}

#[test]
fn graph_json_follows_its_schema() {
    let Some(py) = python() else { return };
    let dir = build(&[&root().join("seeds")]);
    let script = "import json,sys,jsonschema\n\
                  jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\n\
                  jsonschema.validate(json.load(open(sys.argv[4])), json.load(open(sys.argv[3])))\n\
                  print('ok')";
    let out = std::process::Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(root().join("schemas/graph.schema.json"))
        .arg(dir.path().join("graph.json"))
        .arg(root().join("schemas/ontology.schema.json"))
        .arg(root().join("schemas/ontology.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn explain_shows_relations_with_their_sentences() {
    let out = kgraph()
        .args(["explain", "Guerrero", "seeds"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Héctor Guerrero Flores (person, person:hector-guerrero-flores)"),
        "{text}"
    );
    assert!(text.contains("-> leader_of -> Tren de Aragua"), "{text}");
    assert!(text.contains("leadership"), "{text}");
    let out = kgraph()
        .args(["explain", "Nobody Atall", "seeds"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cooccurrence_is_separate_and_off_by_default() {
    let plain = seeds_graph();
    assert!(plain["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["relation"] != "co_occurs_with"));
    let dir = tempdir();
    kgraph()
        .args(["build", "--quiet", "--cooccurrence", "seeds", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let g: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("graph.json")).unwrap()).unwrap();
    let co: Vec<&serde_json::Value> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["relation"] == "co_occurs_with")
        .collect();
    assert!(!co.is_empty());
    assert!(
        co.iter()
            .all(|e| e["source"].as_str() < e["target"].as_str()),
        "stored once, smaller id first"
    );
    // The typed relations are the same with or without it.
    let typed = |g: &serde_json::Value| -> Vec<String> {
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["relation"] != "co_occurs_with")
            .map(|e| format!("{} {} {}", e["source"], e["relation"], e["target"]))
            .collect()
    };
    assert_eq!(typed(&plain), typed(&g));
}
