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

use super::csv::{CsvOut, Table};
use super::values::{clean_if, edge_id, push_evidence_summary, push_join_if, Uint};
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
    let mut t = String::new();
    push_relationship_type(&mut t, relation);
    t
}

/// [`relationship_type`] appended to `out`, without a `String` of its own (it is written for
/// every edge): each ASCII letter or digit upper-cased, every other character one `_`, and
/// `RELATED_TO` when no letter or digit is left.
pub fn push_relationship_type(out: &mut String, relation: &str) {
    let start = out.len();
    let mut any = false;
    for c in relation.chars() {
        if c.is_ascii_alphanumeric() {
            any = true;
            out.push(c.to_ascii_uppercase());
        } else {
            out.push('_');
        }
    }
    if !any {
        out.truncate(start);
        out.push_str("RELATED_TO");
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
                let mut w = CsvOut::new(out);
                w.record(&NODE_HEADER)?;
                Ok(Box::new(Nodes(Table::new(w, view))))
            }
            "neo4j/relationships.csv" => {
                let mut w = CsvOut::new(out);
                w.record(&RELATIONSHIP_HEADER)?;
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
            let c = view.node_clean(dense);
            w.field(&clean_if(&n.id, c));
            w.field(label(n.etype));
            w.field(&clean_if(&n.label, c));
            w.field(n.etype.as_str());
            list.clear();
            push_join_if(list, &n.aliases, c);
            w.field(list);
            w.field(Uint::new(n.mentions).as_str());
            list.clear();
            push_join_if(list, &n.docs, c);
            w.field(list);
            w.field(&clean_if(n.date.as_deref().unwrap_or(""), c));
            w.field(&clean_if(n.place.as_deref().unwrap_or(""), c));
            w.field(Uint::of(dense).as_str());
            w.end_record()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.finish()
    }
}

/// `neo4j/relationships.csv` being written (see [`FileWriter`]).
struct Relationships<'v>(Table<'v>);

impl FileWriter for Relationships<'_> {
    fn edges(&mut self, rows: Range<usize>) -> io::Result<()> {
        let Table { w, view, list, id } = &mut self.0;
        for i in rows {
            let e = &view.edges[i];
            let c = view.edge_clean(i);
            w.field(&clean_if(e.source, c));
            w.field(&clean_if(e.target, c));
            list.clear();
            push_relationship_type(list, &e.edge.relation);
            w.field(list);
            w.field(edge_id(id, i));
            w.field(&clean_if(&e.edge.relation, c));
            let weight = Uint::of(e.edge.weight());
            list.clear();
            list.push_str(weight.as_str());
            list.push_str(".0");
            w.field(list);
            w.field(e.edge.certainty.as_str());
            list.clear();
            push_evidence_summary(list, e.edge);
            w.field(list);
            w.field(weight.as_str());
            list.clear();
            push_join_if(list, &e.edge.docs, c);
            w.field(list);
            w.end_record()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.w.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_types() {
        for (relation, want) in [
            ("works_for", "WORKS_FOR"),
            ("member of", "MEMBER_OF"),
            ("ñandú-x9", "_AND__X9"),
            ("été", "_T_"),
            ("---", "RELATED_TO"),
            ("", "RELATED_TO"),
            ("ñ", "RELATED_TO"),
        ] {
            assert_eq!(relationship_type(relation), want, "{relation:?}");
            // Appended after what the buffer already holds, which stays.
            let mut out = String::from("a,");
            push_relationship_type(&mut out, relation);
            assert_eq!(out, format!("a,{want}"), "{relation:?}");
        }
    }
}
