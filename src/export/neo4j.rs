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
use std::ops::Range;

use super::csv::{end_record, writer, Table};
use super::values::{clean, edge_id, push_evidence_summary, push_join, Uint};
use super::{no_such_file, Exporter, FileWriter, FixedText, GraphView};
use crate::graph::EntityType;

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
    fn open<'v>(
        &self,
        file: &str,
        view: &'v GraphView<'v>,
        out: &'v mut dyn Write,
    ) -> io::Result<Box<dyn FileWriter + 'v>> {
        match file {
            "neo4j/nodes.csv" => {
                let mut w = writer(out);
                w.write_record(NODE_HEADER)?;
                Ok(Box::new(Nodes(Table::new(w, view))))
            }
            "neo4j/relationships.csv" => {
                let mut w = writer(out);
                w.write_record(RELATIONSHIP_HEADER)?;
                Ok(Box::new(Relationships(Table::new(w, view))))
            }
            "neo4j/README.md" => Ok(Box::new(FixedText { out, text: README })),
            _ => Err(no_such_file(self.name(), file)),
        }
    }
}

/// `neo4j/nodes.csv` being written (see [`FileWriter`]).
struct Nodes<'v>(Table<'v>);

impl FileWriter for Nodes<'_> {
    fn nodes(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, .. } = &mut self.0;
        for dense in rows {
            let n = view.nodes[dense];
            w.write_field(&*clean(&n.id))?;
            w.write_field(label(n.etype))?;
            w.write_field(&*clean(&n.label))?;
            w.write_field(n.etype.as_str())?;
            list.clear();
            push_join(list, &n.aliases);
            w.write_field(&list)?;
            w.write_field(Uint::new(n.mentions).as_str())?;
            list.clear();
            view.push_docs(list, &n.docs);
            w.write_field(&list)?;
            w.write_field(&*clean(n.date.as_deref().unwrap_or("")))?;
            w.write_field(&*clean(n.place.as_deref().unwrap_or("")))?;
            w.write_field(Uint::of(dense).as_str())?;
            end_record(w)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.flush()
    }
}

/// `neo4j/relationships.csv` being written (see [`FileWriter`]).
struct Relationships<'v>(Table<'v>);

impl FileWriter for Relationships<'_> {
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, id } = &mut self.0;
        for i in rows {
            let e = &view.edges[i];
            w.write_field(&*clean(e.source))?;
            w.write_field(&*clean(e.target))?;
            w.write_field(relationship_type(&e.edge.relation))?;
            w.write_field(edge_id(id, i))?;
            w.write_field(&*clean(&e.edge.relation))?;
            let weight = Uint::of(e.edge.weight());
            list.clear();
            list.push_str(weight.as_str());
            list.push_str(".0");
            w.write_field(&list)?;
            w.write_field(e.edge.certainty.as_str())?;
            list.clear();
            push_evidence_summary(list, e.edge);
            w.write_field(&list)?;
            w.write_field(weight.as_str())?;
            list.clear();
            view.push_docs(list, &e.edge.docs);
            w.write_field(&list)?;
            end_record(w)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.flush()
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
