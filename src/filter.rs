//! The view of the graph a user asks to export: node types kept, weakest edges dropped, events
//! left out, or the ego graph around one entity. Every format writes the same filtered graph.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::graph::{EntityType, KnowledgeGraph, Node};
use crate::text::fold_key;

/// What to keep. The default keeps everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSpec {
    /// Node types kept; None keeps every type.
    pub types: Option<BTreeSet<EntityType>>,
    /// Edges with fewer evidence items are dropped (nodes stay).
    pub min_weight: usize,
    /// Event nodes are dropped.
    pub no_events: bool,
    /// Keep only the nodes within `depth` hops (either direction) of this entity, matched by id,
    /// label or alias, ignoring case and accents.
    pub focus: Option<String>,
    pub depth: usize,
}

impl Default for FilterSpec {
    fn default() -> Self {
        FilterSpec {
            types: None,
            min_weight: 0,
            no_events: false,
            focus: None,
            depth: 1,
        }
    }
}

impl FilterSpec {
    /// Whether the spec keeps the whole graph.
    pub fn is_identity(&self) -> bool {
        self.types.is_none() && self.min_weight == 0 && !self.no_events && self.focus.is_none()
    }

    /// Parses a comma-separated type list (`person,organization`; `org`, `loc`, plurals accepted).
    pub fn parse_types<S: AsRef<str>>(items: &[S]) -> Result<BTreeSet<EntityType>> {
        let mut types = BTreeSet::new();
        for item in items
            .iter()
            .flat_map(|s| s.as_ref().split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let t = EntityType::parse(item).ok_or_else(|| {
                let valid: Vec<&str> = EntityType::ALL.iter().map(|t| t.as_str()).collect();
                Error::Usage(format!(
                    "unknown type `{item}` in --types; valid types: {}",
                    valid.join(", ")
                ))
            })?;
            types.insert(t);
        }
        Ok(types)
    }

    /// The filtered graph: types and events first, then weak edges, then the ego graph of the
    /// focus within what is left. An unknown or ambiguous focus is a usage error naming it.
    /// The whole graph is given back untouched (not copied) when the spec keeps everything.
    pub fn apply(&self, graph: KnowledgeGraph) -> Result<KnowledgeGraph> {
        if self.is_identity() {
            return Ok(graph);
        }
        let keep_node = |n: &Node| {
            self.types.as_ref().is_none_or(|t| t.contains(&n.etype))
                && !(self.no_events && n.etype == EntityType::Event)
        };
        let kept = graph.filtered(keep_node, |e| e.edge.weight() >= self.min_weight);
        let Some(focus) = &self.focus else {
            return Ok(kept);
        };
        let id = find_node(&graph, focus)?;
        if kept.node(&id).is_none() {
            return Err(Error::Usage(format!(
                "--focus `{focus}` is {id}, which --types or --no-events leave out"
            )));
        }
        let near = kept.neighbourhood(&id, self.depth);
        Ok(kept.filtered(|n| near.contains(&n.id), |_| true))
    }
}

/// The id of the node `name` designates: its id, else the node whose label, else whose alias,
/// has the same folded key. Several candidates at the first level that has any is an error
/// listing them.
pub fn find_node(graph: &KnowledgeGraph, name: &str) -> Result<String> {
    if graph.node(name.trim()).is_some() {
        return Ok(name.trim().to_string());
    }
    let key = fold_key(name);
    let nodes = graph.nodes();
    let by_label: Vec<&str> = nodes
        .iter()
        .filter(|n| fold_key(&n.label) == key)
        .map(|n| n.id.as_str())
        .collect();
    let candidates = if by_label.is_empty() {
        nodes
            .iter()
            .filter(|n| n.aliases.iter().any(|a| fold_key(a) == key))
            .map(|n| n.id.as_str())
            .collect()
    } else {
        by_label
    };
    match candidates.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(Error::Usage(format!(
            "`{name}` matches no entity (give an id, a label or an alias from graph.json)"
        ))),
        many => Err(Error::Usage(format!(
            "`{name}` matches several entities: {}; give one id",
            many.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Certainty, Evidence};

    fn ev(n: usize) -> Vec<Evidence> {
        (0..n)
            .map(|i| Evidence {
                doc: "d".into(),
                start: i,
                end: i + 1,
                text: format!("s{i}"),
                rule: "r".into(),
            })
            .collect()
    }

    /// A - B - C - D (persons, org, place, event), B - E weight 3, plus an alias.
    fn sample() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let mut a = Node::new(EntityType::Person, "Héctor Guerrero");
        a.aliases.insert("Niño Guerrero".into());
        g.add_node(a);
        g.add_node(Node::new(EntityType::Organization, "Tren de Aragua"));
        g.add_node(Node::new(EntityType::Place, "Caracas"));
        g.add_node(Node::new(EntityType::Event, "Tocorón raid"));
        g.add_node(Node::new(EntityType::Person, "Ronna Rísquez"));
        g.add_edge(
            "person:hector-guerrero",
            "leader_of",
            "organization:tren-de-aragua",
            Certainty::Stated,
            ev(1),
        );
        g.add_edge(
            "organization:tren-de-aragua",
            "based_in",
            "place:caracas",
            Certainty::Stated,
            ev(2),
        );
        g.add_edge(
            "event:tocoron-raid",
            "located_in",
            "place:caracas",
            Certainty::Stated,
            ev(1),
        );
        g.add_edge(
            "person:ronna-risquez",
            "reported_on",
            "organization:tren-de-aragua",
            Certainty::Alleged,
            ev(3),
        );
        g
    }

    fn ids(g: &KnowledgeGraph) -> Vec<String> {
        g.nodes().into_iter().map(|n| n.id.clone()).collect()
    }

    #[test]
    fn filters_table() {
        let g = sample();
        let spec = |f: &dyn Fn(&mut FilterSpec)| {
            let mut s = FilterSpec::default();
            f(&mut s);
            s.apply(g.clone()).unwrap()
        };
        let all = spec(&|_| {});
        assert_eq!((all.node_count(), all.edge_count()), (5, 4));

        let people = spec(&|s| s.types = Some(BTreeSet::from([EntityType::Person])));
        assert_eq!(
            ids(&people),
            ["person:hector-guerrero", "person:ronna-risquez"]
        );
        assert_eq!(people.edge_count(), 0);

        let no_events = spec(&|s| s.no_events = true);
        assert_eq!((no_events.node_count(), no_events.edge_count()), (4, 3));

        let strong = spec(&|s| s.min_weight = 2);
        assert_eq!((strong.node_count(), strong.edge_count()), (5, 2));

        let ego1 = spec(&|s| s.focus = Some("tren de aragua".into()));
        assert_eq!(ego1.node_count(), 4, "{:?}", ids(&ego1));
        assert!(ego1.node("event:tocoron-raid").is_none());

        let ego2 = spec(&|s| {
            s.focus = Some("nino guerrero".into());
            s.depth = 2;
        });
        assert_eq!(
            ids(&ego2),
            [
                "organization:tren-de-aragua",
                "person:hector-guerrero",
                "person:ronna-risquez",
                "place:caracas"
            ]
        );

        let ego0 = spec(&|s| {
            s.focus = Some("place:caracas".into());
            s.depth = 0;
        });
        assert_eq!(ids(&ego0), ["place:caracas"]);
    }

    #[test]
    fn focus_errors_name_the_problem() {
        let g = sample();
        let err = FilterSpec {
            focus: Some("Nobody".into()),
            ..Default::default()
        }
        .apply(g.clone())
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Nobody") && err.contains("matches no entity"),
            "{err}"
        );
        let err = FilterSpec {
            focus: Some("Caracas".into()),
            no_events: true,
            types: Some(BTreeSet::from([EntityType::Person])),
            ..Default::default()
        }
        .apply(g.clone())
        .unwrap_err()
        .to_string();
        assert!(err.contains("place:caracas"), "{err}");
        let mut g2 = sample();
        g2.add_node(Node::new(EntityType::Organization, "Caracas"));
        let err = find_node(&g2, "caracas").unwrap_err().to_string();
        assert!(
            err.contains("organization:caracas") && err.contains("place:caracas"),
            "{err}"
        );
    }

    #[test]
    fn parse_types_table() {
        assert_eq!(
            FilterSpec::parse_types(&["person,org", " places "]).unwrap(),
            BTreeSet::from([
                EntityType::Person,
                EntityType::Organization,
                EntityType::Place
            ])
        );
        assert!(FilterSpec::parse_types(&["persons,robots"])
            .unwrap_err()
            .to_string()
            .contains("robots"));
    }
}
