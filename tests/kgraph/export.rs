//! Exports checked with the real tools: Graphviz, xmllint (GraphML XSD), jing (GEXF RELAX NG),
//! NetworkX, igraph, pandas and PostgreSQL; on the seeds' build, on a small hand-made graph with
//! exact expectations and on a hostile one. Also the format and filter flags, determinism and
//! the golden files of the seeds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use kgraph::export;
use kgraph::graph::{Certainty, EntityType, Evidence, KnowledgeGraph, Node};

use crate::util::*;

/// Every file a full build writes, relative to the output folder.
const FILES: [&str; 9] = [
    "graph.json",
    "graph.dot",
    "graph.graphml",
    "graph.gexf",
    "nodes.csv",
    "edges.csv",
    "neo4j/nodes.csv",
    "neo4j/relationships.csv",
    "neo4j/README.md",
];

fn ev(doc: &str, start: usize, text: &str) -> Evidence {
    Evidence {
        doc: doc.into(),
        start,
        end: start + text.len(),
        text: text.into(),
        rule: "test".into(),
    }
}

/// A small graph with every feature: four types, an event with a partial date, an alleged
/// edge, weights 1 to 3. Tren de Aragua's two-hop neighbourhood is everything but Washington.
fn sample_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let mut guerrero = Node::new(EntityType::Person, "Héctor Guerrero Flores");
    guerrero.aliases.insert("Niño Guerrero".into());
    guerrero.mentions = 7;
    guerrero.docs.insert("a.txt".into());
    g.add_node(guerrero);
    let mut tda = Node::new(EntityType::Organization, "Tren de Aragua");
    tda.mentions = 12;
    g.add_node(tda);
    g.add_node(Node::new(EntityType::Place, "Tocorón"));
    g.add_node(Node::new(EntityType::Place, "Washington"));
    g.add_node(Node::new(EntityType::Person, "Ronna Rísquez"));
    let mut raid = Node::new(EntityType::Event, "Tocorón raid");
    raid.date = Some("2023-09".into());
    raid.place = Some("place:tocoron".into());
    g.add_node(raid);
    let s1 = "Héctor Guerrero Flores, known as Niño Guerrero, leads the Tren de Aragua.";
    g.add_edge(
        "person:hector-guerrero-flores",
        "leader_of",
        "organization:tren-de-aragua",
        Certainty::Stated,
        [ev("a.txt", 0, s1), ev("b.txt", 10, s1), ev("c.txt", 20, s1)],
    );
    g.add_edge(
        "organization:tren-de-aragua",
        "based_in",
        "place:tocoron",
        Certainty::Alleged,
        [ev("a.txt", 99, "The gang is said to run Tocorón.")],
    );
    g.add_edge(
        "event:tocoron-raid",
        "located_in",
        "place:tocoron",
        Certainty::Stated,
        [ev("b.txt", 5, "The raid on Tocorón.")],
    );
    g.add_edge(
        "person:ronna-risquez",
        "reported_on",
        "organization:tren-de-aragua",
        Certainty::Stated,
        [ev("c.txt", 1, "Rísquez wrote about the gang.")],
    );
    g.add_edge(
        "place:washington",
        "sanctioned",
        "event:tocoron-raid",
        Certainty::Stated,
        [ev("c.txt", 50, "Washington reacted to the raid.")],
    );
    g
}

/// The sample with hostile text in every field a user's documents can reach.
fn hostile_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let labels = [
        "say \"hi\" \\ back\\".to_string(),
        "<b>&amp;</b>\n\r\u{1}\u{0}=cmd|' /C calc'!A0".to_string(),
        "🙂 عربي עברית e\u{301} \u{202e}rtl override\u{202c}".to_string(),
        format!("{}\"\\<&\n", "y".repeat(20 * 1024)),
    ];
    let mut ids = Vec::new();
    for (i, (t, l)) in [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Place,
        EntityType::Event,
    ]
    .iter()
    .zip(&labels)
    .enumerate()
    {
        let mut n = Node::new(*t, l);
        n.aliases.insert(labels[(i + 1) % 4].clone());
        n.docs.insert(labels[(i + 2) % 4].clone());
        if *t == EntityType::Event {
            n.date = Some("2024-02-30/nonsense".into());
        }
        ids.push(n.id.clone());
        g.add_node(n);
    }
    g.add_edge(
        &ids[0],
        "member_of",
        &ids[1],
        Certainty::Alleged,
        labels.iter().enumerate().map(|(i, l)| ev(l, i, l)),
    );
    g.add_edge(
        &ids[1],
        &labels[1],
        &ids[2],
        Certainty::Stated,
        [ev("d", 0, &labels[3])],
    );
    g.add_edge(
        &ids[3],
        "located_in",
        &ids[2],
        Certainty::Stated,
        [ev("d", 1, "x")],
    );
    g
}

/// Writes `graph` in every format into a fresh folder.
fn export_all(graph: &KnowledgeGraph) -> tempfile::TempDir {
    let dir = tempdir();
    for e in export::all() {
        export::write_to_dir(e.as_ref(), graph, dir.path()).unwrap();
    }
    dir
}

fn seeds() -> tempfile::TempDir {
    build(&[&root().join("seeds")])
}

/// (nodes, edges) of a graph.json.
fn json_counts(dir: &Path) -> (usize, usize) {
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("graph.json")).unwrap()).unwrap();
    (
        v["nodes"].as_array().unwrap().len(),
        v["edges"].as_array().unwrap().len(),
    )
}

fn counts(line: &str) -> (usize, usize) {
    let mut it = line.split_whitespace().map(|x| {
        x.parse::<usize>()
            .unwrap_or_else(|_| panic!("not a count: {line}"))
    });
    (it.next().unwrap(), it.next().unwrap())
}

fn shared_file(rel: &str) -> Option<PathBuf> {
    let p = shared().map(|s| s.join(rel)).filter(|p| p.is_file());
    if p.is_none() {
        assert!(!tools_required(), "../shared/{rel} is missing");
        eprintln!("skipping a check: ../shared/{rel} is missing");
    }
    p
}

// ---------------------------------------------------------------------------------------------
// The real tools, one function each; every one returns the (nodes, edges) the tool read.

fn check_dot(dir: &Path) -> Option<(usize, usize)> {
    let dot = tool("dot")?;
    let file = dir.join("graph.dot");
    run_ok(Command::new(&dot).arg("-Tcanon").arg(&file));
    let json = run_ok(Command::new(&dot).arg("-Tjson0").arg(&file));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = v["objects"].as_array().map_or(0, Vec::len);
    let m = v["edges"].as_array().map_or(0, Vec::len);
    Some((n, m))
}

fn check_graphml_xsd(dir: &Path) -> Option<()> {
    let xmllint = tool("xmllint")?;
    let xsd = shared_file("xsd/graphml/graphml.xsd")?;
    run_ok(
        Command::new(xmllint)
            .args(["--nonet", "--noout", "--schema"])
            .arg(xsd)
            .arg(dir.join("graph.graphml")),
    );
    Some(())
}

fn check_gexf_rng(dir: &Path) -> Option<()> {
    let jing = tool("jing")?;
    let rng = shared_file("xsd/gexf-1.3/gexf.rng")?;
    let out = Command::new(jing)
        .arg(rng)
        .arg(dir.join("graph.gexf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "jing rejects graph.gexf:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Some(())
}

/// NetworkX reads GraphML, GEXF and JSON: one "nodes edges" line each, plus the node labels.
const NETWORKX: &str = r#"
import json, sys
import networkx as nx
d = sys.argv[1]
g1 = nx.read_graphml(d + "/graph.graphml")
g2 = nx.read_gexf(d + "/graph.gexf")
g3 = nx.node_link_graph(json.load(open(d + "/graph.json", encoding="utf-8")), edges="edges")
for g in (g1, g2, g3):
    print(g.number_of_nodes(), g.number_of_edges())
assert set(g1.nodes) == set(g2.nodes) == set(g3.nodes), "node ids differ"
for g in (g1, g2):
    for n, data in g.nodes(data=True):
        assert data["type"] == g3.nodes[n]["type"], n
ends = [sorted((u, v, float(d["weight"])) for u, v, d in g.edges(data=True)) for g in (g1, g2, g3)]
assert ends[0] == ends[1] == ends[2], ends
assert sorted(d["relation"] for _, _, d in g1.edges(data=True)) == sorted(d["relation"] for _, _, d in g2.edges(data=True))
# A graph with parallel edges reads back as a multigraph, whose GraphML edge ids become keys.
def edge_ids(g):
    if g.is_multigraph():
        return sorted((d.get("id", k), u, v) for u, v, k, d in g.edges(keys=True, data=True))
    return sorted((d["id"], u, v) for u, v, d in g.edges(data=True))
ids = [edge_ids(g) for g in (g1, g2, g3)]
assert ids[0] == ids[1] == ids[2], ("edge ids differ", ids)
"#;

fn check_networkx(dir: &Path) -> Option<Vec<(usize, usize)>> {
    let py = python()?;
    let out = run_ok(Command::new(py).arg("-c").arg(NETWORKX).arg(dir));
    Some(out.lines().map(counts).collect())
}

fn check_igraph(dir: &Path) -> Option<(usize, usize)> {
    let py = Path::new("/usr/bin/python3");
    let ok = py.is_file()
        && Command::new(py)
            .args(["-c", "import igraph"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !tools_required(),
            "Debian's python3-igraph is missing (run the README's test command)"
        );
        eprintln!("skipping a check: python3-igraph is not installed");
        return None;
    }
    let script = "import sys, igraph\ng = igraph.Graph.Read_GraphML(sys.argv[1])\n\
                  assert g.is_directed()\nassert 'label' in g.vs.attributes() and 'weight' in g.es.attributes()\n\
                  print(g.vcount(), g.ecount())";
    let out = run_ok(
        Command::new(py)
            .arg("-c")
            .arg(script)
            .arg(dir.join("graph.graphml")),
    );
    Some(counts(&out))
}

/// pandas reads both CSV pairs; every edge endpoint is a node; prints "nodes edges" twice.
const PANDAS: &str = r#"
import sys
import pandas as pd
d = sys.argv[1]
for nodes, edges, nid, src, dst in (("nodes.csv", "edges.csv", "Id", "Source", "Target"),
        ("neo4j/nodes.csv", "neo4j/relationships.csv", "id:ID", ":START_ID", ":END_ID")):
    n = pd.read_csv(d + "/" + nodes, keep_default_na=False, dtype=str)
    e = pd.read_csv(d + "/" + edges, keep_default_na=False, dtype=str)
    ids = set(n[nid])
    assert len(ids) == len(n), "duplicate node ids in " + nodes
    dangling = [x for x in list(e[src]) + list(e[dst]) if x not in ids]
    assert not dangling, (edges, dangling[:5])
    print(len(n), len(e))
e = pd.read_csv(d + "/edges.csv", keep_default_na=False, dtype=str)
r = pd.read_csv(d + "/neo4j/relationships.csv", keep_default_na=False, dtype=str)
assert list(e["Id"]) == list(r["id:string"]) == ["e%d" % i for i in range(len(e))]
assert list(e["Source"]) == list(r[":START_ID"]) and list(e["Target"]) == list(r[":END_ID"])
assert set(e["Type"]) <= {"Directed"}
assert e["Id"].is_unique
assert all(int(w) >= 0 for w in e["Weight"])
"#;

fn check_pandas(dir: &Path) -> Option<Vec<(usize, usize)>> {
    let py = python()?;
    let out = run_ok(Command::new(py).arg("-c").arg(PANDAS).arg(dir));
    Some(out.lines().map(counts).collect())
}

/// Runs every tool on an export folder and checks they all read `expected` (nodes, edges).
fn check_all_tools(dir: &Path, expected: (usize, usize)) {
    assert_eq!(json_counts(dir), expected, "graph.json");
    if let Some(c) = check_dot(dir) {
        assert_eq!(c, expected, "dot -Tjson0");
    }
    check_graphml_xsd(dir);
    check_gexf_rng(dir);
    if let Some(c) = check_networkx(dir) {
        assert_eq!(c, vec![expected; 3], "NetworkX GraphML, GEXF, JSON");
    }
    if let Some(c) = check_igraph(dir) {
        assert_eq!(c, expected, "igraph GraphML");
    }
    if let Some(c) = check_pandas(dir) {
        assert_eq!(c, vec![expected; 2], "pandas: Gephi CSV, Neo4j CSV");
    }
}

#[test]
fn seeds_exports_open_in_every_tool_with_the_same_counts() {
    let out = seeds();
    for f in FILES {
        assert!(out.path().join(f).is_file(), "{f} not written");
    }
    let (n, m) = json_counts(out.path());
    assert!(n > 0, "the seeds give an empty graph");
    check_all_tools(out.path(), (n, m));
}

#[test]
fn sample_graph_exports_open_in_every_tool_with_the_same_counts() {
    let dir = export_all(&sample_graph());
    check_all_tools(dir.path(), (6, 5));
}

#[test]
fn hostile_labels_keep_every_format_valid_in_the_real_tools() {
    let g = hostile_graph();
    let dir = export_all(&g);
    check_all_tools(dir.path(), (4, 3));
}

#[test]
fn dot_labels_read_back_through_graphviz() {
    let Some(dot) = tool("dot") else { return };
    let dir = export_all(&hostile_graph());
    let json = run_ok(
        Command::new(dot)
            .arg("-Tjson0")
            .arg(dir.path().join("graph.dot")),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let labels: BTreeSet<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    // Graphviz unescapes `\"` and keeps label escapes (`\\` for a backslash, `\n` a new line).
    assert!(labels.contains("say \"hi\" \\\\ back\\\\"), "{labels:?}");
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("<b>&amp;</b>\\n\\n=cmd|")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.starts_with("🙂 عربي עברית é")),
        "{labels:?}"
    );
    let ids: BTreeSet<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(
        ids.iter().any(|id| id.len() > 16_384),
        "the 20 kB id was cut: {:?}",
        ids.iter().map(|i| i.len()).collect::<Vec<_>>()
    );
}

#[test]
fn sample_graph_exports_carry_types_weights_dates_and_styles() {
    let dir = export_all(&sample_graph());
    let read = |f: &str| fs::read_to_string(dir.path().join(f)).unwrap();
    let dot = read("graph.dot");
    assert!(dot.starts_with("digraph \"kgraph\" {"), "{dot}");
    assert!(dot.contains("\"organization:tren-de-aragua\" [label=\"Tren de Aragua\", shape=\"box\", fillcolor=\"#fdbf6f\""), "{dot}");
    assert!(dot.contains("\"organization:tren-de-aragua\" -> \"place:tocoron\" [id=\"e1\", label=\"based_in\", penwidth=1, style=\"dashed\"]"), "{dot}");
    assert!(
        dot.contains("[id=\"e2\", label=\"leader_of\", penwidth=2.1]"),
        "{dot}"
    );
    assert!(
        dot.contains("kgraph: 6 nodes, 5 edges\\nperson: ellipse"),
        "{dot}"
    );

    let graphml = read("graph.graphml");
    assert!(graphml
        .contains("<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>"));
    assert!(
        graphml.contains("<data key=\"aliases\">Héctor Guerrero Flores;Niño Guerrero</data>"),
        "{graphml}"
    );
    assert!(graphml.contains("<data key=\"weight\">3.0</data>"));
    assert!(graphml.contains("<data key=\"evidence_count\">3</data>"));

    let gexf = read("graph.gexf");
    assert!(
        gexf.contains("<graph defaultedgetype=\"directed\" mode=\"dynamic\" timeformat=\"date\">"),
        "{gexf}"
    );
    assert!(gexf.contains("<node id=\"event:tocoron-raid\" label=\"Tocorón raid\" start=\"2023-09-01\" end=\"2023-09-30\">"), "{gexf}");
    assert!(
        gexf.contains("label=\"leader_of\" kind=\"leader_of\" weight=\"3\">"),
        "{gexf}"
    );

    let nodes = read("nodes.csv");
    assert!(nodes.starts_with("Id,Label,Type,"), "{nodes}");
    assert!(nodes.contains("event:tocoron-raid,Tocorón raid,event,Tocorón raid,0,,2023-09,\"<[2023-09-01,2023-09-30]>\",place:tocoron,"), "{nodes}");
    let edges = read("edges.csv");
    assert!(
        edges.starts_with("Source,Target,Type,Id,Label,Weight,"),
        "{edges}"
    );
    assert!(edges.contains("person:hector-guerrero-flores,organization:tren-de-aragua,Directed,e2,leader_of,3,leader_of,stated,"), "{edges}");

    let neo_nodes = read("neo4j/nodes.csv");
    assert!(
        neo_nodes.starts_with("id:ID,:LABEL,name:string,"),
        "{neo_nodes}"
    );
    assert!(
        neo_nodes.contains(
            "organization:tren-de-aragua,Entity;Organization,Tren de Aragua,organization,"
        ),
        "{neo_nodes}"
    );
    let rels = read("neo4j/relationships.csv");
    assert!(rels.starts_with(":START_ID,:END_ID,:TYPE,"), "{rels}");
    assert!(
        rels.contains(
            "organization:tren-de-aragua,place:tocoron,BASED_IN,e1,based_in,1.0,alleged,"
        ),
        "{rels}"
    );
    assert!(read("neo4j/README.md").contains("neo4j-admin database import full"));
}

#[test]
fn evidence_keeps_the_first_three_and_the_count() {
    let mut g = sample_graph();
    g.add_edge(
        "person:ronna-risquez",
        "reported_on",
        "organization:tren-de-aragua",
        Certainty::Stated,
        (0..5).map(|i| ev("z.txt", 100 + i, &format!("sentence {i}"))),
    );
    let dir = export_all(&g);
    let edges = fs::read_to_string(dir.path().join("edges.csv")).unwrap();
    let row = edges.lines().find(|l| l.contains("reported_on")).unwrap();
    assert!(row.contains(",reported_on,6,reported_on,stated,Rísquez wrote about the gang. | sentence 0 | sentence 1,6,c.txt;z.txt"), "{row}");
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("graph.json")).unwrap()).unwrap();
    let e = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["relation"] == "reported_on")
        .unwrap();
    assert_eq!(
        e["evidence"].as_array().unwrap().len(),
        6,
        "graph.json keeps every sentence"
    );
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL loads the Neo4j CSVs and answers a recursive two-hop query.

/// A throwaway PostgreSQL cluster on a Unix socket in a temp folder; stopped when dropped.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl Postgres {
    fn start() -> Option<Postgres> {
        let bin = fs::read_dir("/usr/lib/postgresql").ok().and_then(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("initdb").is_file())
                .max()
        });
        let Some(bin) = bin else {
            assert!(
                !tools_required(),
                "PostgreSQL is missing (run the README's test command)"
            );
            eprintln!("skipping a check: PostgreSQL is not installed");
            return None;
        };
        let as_postgres = run_ok(Command::new("id").arg("-u")).trim() == "0";
        let dir = tempdir();
        if as_postgres {
            run_ok(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(dir.path()),
            );
        }
        let port = 40_000 + (std::process::id() % 20_000) as u16;
        let pg = Postgres {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = pg.dir.path().join("data");
        pg.run_server_tool(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let opts = format!(
            "-k {} -p {} -c listen_addresses= -c fsync=off",
            pg.dir.path().display(),
            pg.port
        );
        let log = pg.dir.path().join("log");
        pg.run_server_tool(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-o",
                &opts,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        Some(pg)
    }

    fn run_server_tool(&self, name: &str, args: &[&str]) {
        let exe = self.bin.join(name);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.args(args).current_dir(self.dir.path());
        let out = c.output().unwrap();
        let log = fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        assert!(
            out.status.success(),
            "{name} failed: {}\n{}\n{log}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }

    /// Runs SQL through psql (as the postgres role, on the socket), stopping at the first error.
    fn psql(&self, sql: &str) -> String {
        let mut c = Command::new(self.bin.join("psql"));
        c.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-U",
            "postgres",
            "-h",
        ])
        .arg(self.dir.path())
        .args(["-p", &self.port.to_string(), "-d", "postgres", "-c", sql]);
        run_ok(&mut c)
    }

    /// Runs a SQL file through psql in database `db`, from folder `cwd` (for relative `\copy` paths).
    fn psql_file(&self, db: &str, file: &Path, cwd: &Path) -> String {
        let mut c = Command::new(self.bin.join("psql"));
        c.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-U",
            "postgres",
            "-h",
        ])
        .arg(self.dir.path())
        .args(["-p", &self.port.to_string(), "-d", db, "-f"])
        .arg(file)
        .current_dir(cwd);
        run_ok(&mut c)
    }
}

/// The ```sql block of the README written beside the Neo4j CSVs.
fn readme_sql(dir: &Path) -> String {
    let readme = fs::read_to_string(dir.join("neo4j/README.md")).unwrap();
    let start = readme
        .find("```sql\n")
        .expect("a ```sql block in neo4j/README.md")
        + "```sql\n".len();
    let end = start
        + readme[start..]
            .find("```")
            .expect("the end of the sql block");
    readme[start..end].to_string()
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let exe = self.bin.join("pg_ctl");
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let _ = c
            .arg("-D")
            .arg(data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// Loads `dir`'s Neo4j CSVs into schema `schema` and returns the ids within two hops of `start`.
fn two_hops_in_postgres(pg: &Postgres, schema: &str, dir: &Path, start: &str) -> BTreeSet<String> {
    let esc = |p: PathBuf| p.display().to_string().replace('\'', "''");
    let sql = format!(
        "CREATE SCHEMA {schema};
         CREATE TABLE {schema}.nodes (id text PRIMARY KEY, labels text NOT NULL, name text NOT NULL, type text NOT NULL, aliases text,
           mentions int NOT NULL, docs text, date text, place text, dense_id int NOT NULL UNIQUE);
         CREATE TABLE {schema}.relationships (start_id text NOT NULL REFERENCES {schema}.nodes, end_id text NOT NULL REFERENCES {schema}.nodes,
           type text NOT NULL, id text PRIMARY KEY, relation text NOT NULL, weight double precision NOT NULL,
           certainty text NOT NULL, evidence text, evidence_count int NOT NULL, docs text);"
    );
    pg.psql(&sql);
    // `\copy` reads the files client-side, so the server needs no access to them.
    pg.psql(&format!(
        "\\copy {schema}.nodes FROM '{}' (FORMAT csv, HEADER true)",
        esc(dir.join("neo4j/nodes.csv"))
    ));
    pg.psql(&format!(
        "\\copy {schema}.relationships FROM '{}' (FORMAT csv, HEADER true)",
        esc(dir.join("neo4j/relationships.csv"))
    ));
    let query = format!(
        "WITH RECURSIVE reach(id, depth) AS (
           SELECT id, 0 FROM {schema}.nodes WHERE id = '{}'
           UNION
           SELECT CASE WHEN r.start_id = reach.id THEN r.end_id ELSE r.start_id END, reach.depth + 1
           FROM reach JOIN {schema}.relationships r ON reach.id IN (r.start_id, r.end_id)
           WHERE reach.depth < 2)
         SELECT DISTINCT id FROM reach ORDER BY id;",
        start.replace('\'', "''")
    );
    pg.psql(&query)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The same two-hop set computed from graph.json.
fn two_hops_in_json(dir: &Path, start: &str) -> BTreeSet<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("graph.json")).unwrap()).unwrap();
    let mut adj: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in v["edges"].as_array().unwrap() {
        let (s, t) = (e["source"].as_str().unwrap(), e["target"].as_str().unwrap());
        adj.entry(s).or_default().push(t);
        adj.entry(t).or_default().push(s);
    }
    let mut seen = BTreeSet::from([start.to_string()]);
    let mut frontier = vec![start];
    for _ in 0..2 {
        let mut next = Vec::new();
        for n in frontier {
            for m in adj.get(n).into_iter().flatten() {
                if seen.insert(m.to_string()) {
                    next.push(*m);
                }
            }
        }
        frontier = next;
    }
    seen
}

#[test]
fn postgresql_loads_the_neo4j_csvs_and_answers_two_hops() {
    let Some(pg) = Postgres::start() else { return };
    // Exact answer on the hand-made graph.
    let sample = export_all(&sample_graph());
    let got = two_hops_in_postgres(&pg, "sample", sample.path(), "organization:tren-de-aragua");
    let want: BTreeSet<String> = [
        "event:tocoron-raid",
        "organization:tren-de-aragua",
        "person:hector-guerrero-flores",
        "person:ronna-risquez",
        "place:tocoron",
    ]
    .map(String::from)
    .into();
    assert_eq!(got, want);
    assert_eq!(pg.psql("SELECT count(*), sum(weight)::int, count(*) FILTER (WHERE certainty = 'alleged') FROM sample.relationships").trim(), "5|7|1");
    assert_eq!(
        pg.psql("SELECT labels FROM sample.nodes WHERE name = 'Tocorón raid'")
            .trim(),
        "Entity;Event"
    );

    // The README's own SQL, as a user would paste it, in a fresh database.
    pg.psql("CREATE DATABASE readme");
    let script = sample.path().join("readme.sql");
    fs::write(&script, readme_sql(sample.path())).unwrap();
    let rows = pg.psql_file("readme", &script, &sample.path().join("neo4j"));
    assert_eq!(
        rows.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        [
            "organization:tren-de-aragua|Tren de Aragua|0",
            "person:hector-guerrero-flores|Héctor Guerrero Flores|1",
            "person:ronna-risquez|Ronna Rísquez|1",
            "place:tocoron|Tocorón|1",
            "event:tocoron-raid|Tocorón raid|2",
        ]
    );

    // The hostile graph loads too.
    let hostile = export_all(&hostile_graph());
    let hg = hostile_graph();
    let first = hg.nodes()[0].id.clone();
    assert_eq!(
        two_hops_in_postgres(&pg, "hostile", hostile.path(), &first),
        two_hops_in_json(hostile.path(), &first)
    );
    assert_eq!(pg.psql("SELECT count(*) FROM hostile.nodes").trim(), "4");

    // The seeds: the database agrees with graph.json around the best-connected entity.
    let seeds = seeds();
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(seeds.path().join("graph.json")).unwrap()).unwrap();
    let mut degree: BTreeMap<&str, usize> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), 0))
        .collect();
    for e in v["edges"].as_array().unwrap() {
        *degree.get_mut(e["source"].as_str().unwrap()).unwrap() += 1;
        *degree.get_mut(e["target"].as_str().unwrap()).unwrap() += 1;
    }
    let start = degree
        .iter()
        .max_by_key(|(id, d)| (**d, std::cmp::Reverse(**id)))
        .map(|(id, _)| id.to_string())
        .unwrap();
    let got = two_hops_in_postgres(&pg, "seeds", seeds.path(), &start);
    assert!(got.contains(&start));
    assert_eq!(got, two_hops_in_json(seeds.path(), &start));
    let (n, m) = json_counts(seeds.path());
    assert_eq!(pg.psql("SELECT (SELECT count(*) FROM seeds.nodes) || ' ' || (SELECT count(*) FROM seeds.relationships)").trim(), format!("{n} {m}"));
}

// ---------------------------------------------------------------------------------------------
// Flags: --format and the filters.

fn read_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("graph.json")).unwrap()).unwrap()
}

fn node_ids(v: &serde_json::Value) -> BTreeSet<String> {
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

fn build_with(args: &[&str]) -> tempfile::TempDir {
    let dir = tempdir();
    kgraph()
        .args(["build", "--quiet", "seeds"])
        .args(args)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success();
    dir
}

#[test]
fn format_flag_writes_only_the_named_formats() {
    let dir = build_with(&["--format", "dot,gexf", "--format", "neo4j"]);
    let mut written: Vec<String> = Vec::new();
    for f in FILES {
        if dir.path().join(f).exists() {
            written.push(f.to_string());
        }
    }
    assert_eq!(
        written,
        [
            "graph.dot",
            "graph.gexf",
            "neo4j/nodes.csv",
            "neo4j/relationships.csv",
            "neo4j/README.md"
        ]
    );
}

#[test]
fn unknown_format_is_an_error_listing_the_valid_ones() {
    let out = kgraph()
        .args(["build", "--quiet", "seeds", "--format", "json,pdf", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pdf") && err.contains("json, dot, graphml, gexf, csv, neo4j"),
        "{err}"
    );
}

#[test]
fn types_and_no_events_filters_apply_to_every_format() {
    let full = read_json(build_with(&[]).path());
    let dir = build_with(&["--types", "person,place"]);
    let v = read_json(dir.path());
    let types: BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert!(
        !types.is_empty() && types.iter().all(|t| ["person", "place"].contains(t)),
        "{types:?}"
    );
    let want = full["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| ["person", "place"].contains(&n["type"].as_str().unwrap()))
        .count();
    assert_eq!(node_ids(&v).len(), want);
    let csv_rows = csv::Reader::from_path(dir.path().join("nodes.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(csv_rows, want, "nodes.csv");
    assert_eq!(
        fs::read_to_string(dir.path().join("neo4j/nodes.csv"))
            .unwrap()
            .matches("\nperson:")
            .count()
            + fs::read_to_string(dir.path().join("neo4j/nodes.csv"))
                .unwrap()
                .matches("\nplace:")
                .count(),
        want
    );

    let v = read_json(build_with(&["--no-events"]).path());
    assert!(v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["type"] != "event"));

    let out = kgraph()
        .args(["build", "--quiet", "seeds", "--types", "person,robot", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("robot"));
}

#[test]
fn min_weight_drops_edges_and_keeps_nodes() {
    let full = read_json(build_with(&[]).path());
    let v = read_json(build_with(&["--min-weight", "1000000"]).path());
    assert_eq!(node_ids(&v), node_ids(&full));
    assert_eq!(v["edges"].as_array().unwrap().len(), 0);
}

#[test]
fn focus_keeps_the_ego_graph_and_unknown_names_exit_2() {
    let full = read_json(build_with(&[]).path());
    // The most-mentioned entity, named by its label in lower case without accents.
    let top = full["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|n| {
            (
                n["mentions"].as_u64().unwrap(),
                std::cmp::Reverse(n["id"].as_str().unwrap().to_string()),
            )
        })
        .unwrap();
    let id = top["id"].as_str().unwrap();
    let label = top["label"].as_str().unwrap();
    let same_label = full["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            kgraph::text::fold_key(n["label"].as_str().unwrap()) == kgraph::text::fold_key(label)
        })
        .count();
    // By label, lower case without accents, unless another entity has the same label.
    let name = if same_label == 1 {
        kgraph::text::fold(label)
    } else {
        id.to_string()
    };
    let v = read_json(build_with(&["--focus", &name, "--depth", "1"]).path());
    let ids = node_ids(&v);
    assert!(ids.contains(id), "{name} → {ids:?}");
    let mut near = BTreeSet::from([id.to_string()]);
    for e in full["edges"].as_array().unwrap() {
        let (s, t) = (e["source"].as_str().unwrap(), e["target"].as_str().unwrap());
        if s == id {
            near.insert(t.to_string());
        }
        if t == id {
            near.insert(s.to_string());
        }
    }
    assert_eq!(ids, near, "--focus {name} --depth 1");

    let out = kgraph()
        .args(["build", "--quiet", "seeds", "--focus", "Nobody Atall", "-o"])
        .arg(tempdir().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Nobody Atall") && err.contains("matches no entity"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism and golden files.

#[test]
fn every_format_is_byte_identical_across_runs() {
    let a = seeds();
    let b = build_with(&["--threads", "1"]);
    for f in FILES {
        assert!(
            fs::read(a.path().join(f)).unwrap() == fs::read(b.path().join(f)).unwrap(),
            "{f} differs between two builds"
        );
    }
    let x = export_all(&sample_graph());
    let y = export_all(&sample_graph());
    for f in FILES {
        assert!(
            fs::read(x.path().join(f)).unwrap() == fs::read(y.path().join(f)).unwrap(),
            "{f} differs for the same graph"
        );
    }
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    let (mut w, mut g) = (want.lines(), got.lines());
    for line in 1.. {
        match (w.next(), g.next()) {
            (None, None) => return "no difference in lines (line endings?)".into(),
            (a, b) if a == b => continue,
            (a, b) => {
                let cut = |s: Option<&str>| {
                    s.map_or("<end of file>".to_string(), |s| {
                        s.chars().take(300).collect()
                    })
                };
                return format!("line {line}:\n  golden: {}\n  now:    {}", cut(a), cut(b));
            }
        }
    }
    unreachable!()
}

#[test]
fn golden_seeds_exports_match() {
    let golden = root().join("tests/golden/seeds");
    let out = seeds();
    let update = std::env::var("KGRAPH_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for f in FILES {
        let now = fs::read_to_string(out.path().join(f)).unwrap();
        let path = golden.join(f);
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &now).unwrap();
            continue;
        }
        match fs::read_to_string(&path) {
            Ok(want) if want == now => {}
            Ok(want) => failures.push(format!(
                "{f} differs from tests/golden/seeds/{f}, {}",
                first_difference(&want, &now)
            )),
            Err(e) => failures.push(format!("tests/golden/seeds/{f}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended, rewrite the golden files with\n  KGRAPH_UPDATE_GOLDEN=1 cargo test --test kgraph golden\nand review `git diff tests/golden`.",
        failures.join("\n")
    );
}

#[test]
fn big_graphs_ask_for_sfdp_and_render() {
    let mut g = KnowledgeGraph::new();
    let n = kgraph::export::dot::SFDP_FROM + 100;
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let node = Node::new(EntityType::ALL[i % 4], &format!("Entity {i}"));
            let id = node.id.clone();
            g.add_node(node);
            id
        })
        .collect();
    for i in 0..n {
        g.add_edge(
            &ids[i],
            "related_to",
            &ids[(i + 1) % n],
            Certainty::Stated,
            [ev("d", i, "s")],
        );
        g.add_edge(
            &ids[i],
            "met",
            &ids[(i * 7 + 3) % n],
            Certainty::Alleged,
            [ev("d", i, "s")],
        );
    }
    let dir = export_all(&g);
    let dot = fs::read_to_string(dir.path().join("graph.dot")).unwrap();
    assert!(dot.contains("layout=\"sfdp\""));
    if let Some(c) = check_dot(dir.path()) {
        assert_eq!(c, (g.node_count(), g.edge_count()));
    }
}
