//! `neo4j/nodes.csv`, `neo4j/relationships.csv` and `neo4j/README.md`: input for
//! `neo4j-admin database import full` (Neo4j 5), which PostgreSQL's `COPY … (FORMAT csv, HEADER
//! true)` loads as well.
//!
//! ```text
//! nodes.csv          id:ID,:LABEL,name:string,type:string,aliases:string[],mentions:int,docs:string[],date:string,place:string,dense_id:int
//!                    person:…,Entity;Person,…
//! relationships.csv  :START_ID,:END_ID,:TYPE,id:string,relation:string,weight:float,certainty:string,evidence:string,evidence_count:int,docs:string[]
//!                    person:…,organization:…,LEADER_OF,e0,leader_of,2.0,stated,…
//! ```
//! UTF-8 without BOM, LF line ends, RFC 4180 quoting; arrays joined with `;` (the importer's
//! default `--array-delimiter`); a cell may hold a newline (hence `--multiline-fields=true`).
//! Every node has the labels `Entity` and its type (`Person`, `Organization`, `Place`, `Event`);
//! the relationship type is the relation in upper case. Cells are written as they are (no
//! spreadsheet neutralization: these files are for a database). The README gives the command.

use std::io::{self, Write};

use super::csv::writer;
use super::values::{clean, evidence_summary, join};
use super::Exporter;
use crate::graph::{EntityType, KnowledgeGraph};

pub struct Neo4j;

pub const NODE_HEADER: [&str; 10] = [
    "id:ID",
    ":LABEL",
    "name:string",
    "type:string",
    "aliases:string[]",
    "mentions:int",
    "docs:string[]",
    "date:string",
    "place:string",
    "dense_id:int",
];

pub const RELATIONSHIP_HEADER: [&str; 10] = [
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "id:string",
    "relation:string",
    "weight:float",
    "certainty:string",
    "evidence:string",
    "evidence_count:int",
    "docs:string[]",
];

/// A relation as a Neo4j relationship type: upper case, `[A-Z0-9_]` only.
pub fn relationship_type(relation: &str) -> String {
    let t: String = relation
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if t.chars().any(|c| c.is_ascii_alphanumeric()) {
        t
    } else {
        "RELATED_TO".into()
    }
}

fn label(t: EntityType) -> &'static str {
    match t {
        EntityType::Person => "Entity;Person",
        EntityType::Organization => "Entity;Organization",
        EntityType::Place => "Entity;Place",
        EntityType::Event => "Entity;Event",
    }
}

impl Exporter for Neo4j {
    fn name(&self) -> &'static str {
        "neo4j"
    }
    fn file_name(&self) -> &'static str {
        "neo4j/nodes.csv"
    }
    fn extra_files(&self) -> &'static [&'static str] {
        &["neo4j/relationships.csv", "neo4j/README.md"]
    }
    fn write(&self, graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        let dense = graph.dense_ids();
        let mut w = writer(out);
        w.write_record(NODE_HEADER)?;
        for n in graph.nodes() {
            w.write_record([
                clean(&n.id),
                label(n.etype).to_string(),
                clean(&n.label),
                n.etype.as_str().to_string(),
                join(&n.aliases),
                n.mentions.to_string(),
                join(&n.docs),
                n.date.as_deref().map(clean).unwrap_or_default(),
                n.place.as_deref().map(clean).unwrap_or_default(),
                dense.get(n.id.as_str()).copied().unwrap_or(0).to_string(),
            ])?;
        }
        w.flush()
    }
    fn write_extra(
        &self,
        file: &str,
        graph: &KnowledgeGraph,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match file {
            "neo4j/relationships.csv" => {
                let mut w = writer(out);
                w.write_record(RELATIONSHIP_HEADER)?;
                for (i, e) in graph.edges().iter().enumerate() {
                    w.write_record([
                        clean(e.source),
                        clean(e.target),
                        relationship_type(&e.edge.relation),
                        format!("e{i}"),
                        clean(&e.edge.relation),
                        format!("{}.0", e.edge.weight()),
                        e.edge.certainty.as_str().to_string(),
                        evidence_summary(e.edge),
                        e.edge.weight().to_string(),
                        join(&e.edge.docs),
                    ])?;
                }
                w.flush()
            }
            "neo4j/README.md" => out.write_all(README.as_bytes()),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("neo4j writes no file {file}"),
            )),
        }
    }
}

/// The README written beside the CSV files.
pub const README: &str = r#"# Loading this graph into Neo4j or PostgreSQL

Written by kgraph. `nodes.csv` holds one row per entity, `relationships.csv` one row per
(source, relation, target) with its evidence count as `weight` and the first three evidence
sentences (the complete record, with every sentence, is `../graph.json`).

## Neo4j 5

Copy both files into the `import/` folder of the Neo4j installation, stop the database, then:

```sh
neo4j-admin database import full \
  --nodes=import/nodes.csv \
  --relationships=import/relationships.csv \
  --array-delimiter=";" \
  --multiline-fields=true \
  --overwrite-destination=true \
  neo4j
```

Start Neo4j again; everything within two hops of an entity:

```cypher
MATCH (e:Entity {name: "Tren de Aragua"})-[*1..2]-(other) RETURN DISTINCT other.id, other.name;
```

## PostgreSQL

```sql
CREATE TABLE nodes (id text PRIMARY KEY, labels text, name text, type text, aliases text,
  mentions int, docs text, date text, place text, dense_id int);
CREATE TABLE relationships (start_id text REFERENCES nodes, end_id text REFERENCES nodes,
  type text, id text PRIMARY KEY, relation text, weight double precision, certainty text,
  evidence text, evidence_count int, docs text);
\copy nodes FROM 'nodes.csv' (FORMAT csv, HEADER true)
\copy relationships FROM 'relationships.csv' (FORMAT csv, HEADER true)

-- Everything within two hops of an entity, either direction:
WITH RECURSIVE reach(id, depth) AS (
  SELECT id, 0 FROM nodes WHERE name = 'Tren de Aragua'
  UNION
  SELECT CASE WHEN r.start_id = reach.id THEN r.end_id ELSE r.start_id END, reach.depth + 1
  FROM reach JOIN relationships r ON reach.id IN (r.start_id, r.end_id)
  WHERE reach.depth < 2
)
SELECT n.id, n.name, min(reach.depth) AS hops FROM reach JOIN nodes n USING (id)
GROUP BY n.id, n.name ORDER BY hops, n.id;
```
"#;
