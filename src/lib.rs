//! kgraph turns a pile of news articles into a knowledge graph: people, organizations, places
//! and events, the typed relations between them, each edge backed by the sentence that states it.
//!
//! The pipeline, one room per stage:
//!
//! 1. [`corpus`] lists and reads inputs (text, HTML, JSON Lines) into [`corpus::Document`]s,
//!    streamed one at a time;
//! 2. [`text`] segments each document into sections, paragraphs and sentences with byte
//!    offsets into its text, marking boilerplate;
//! 3. [`lexicon`] holds the general-knowledge word lists of `schemas/`, compiled once;
//! 4. [`extract`] finds mentions, types them, resolves them into entities, finds events and
//!    relations with their evidence;
//! 5. [`graph`] aggregates everything into a [`graph::KnowledgeGraph`] with stable ids;
//! 6. [`export`] writes the graph in every format.
//!
//! ```
//! use kgraph::{corpus::Document, Pipeline};
//!
//! let pipeline = Pipeline::builtin().unwrap();
//! let doc = Document::new("a.txt", "Venezuelan President Nicolás Maduro spoke in Caracas on Monday. Maduro said nothing.");
//! let graph = pipeline.build_graph(vec![doc]);
//! let maduro = graph.node("person:nicolas-maduro").expect("a person node");
//! assert_eq!(maduro.label, "Nicolás Maduro");
//! assert!(maduro.aliases.contains("Maduro"));
//! ```

// Scoring code indexes parallel arrays by type and by name; index loops read best there.
#![allow(clippy::needless_range_loop)]

pub mod corpus;
pub mod error;
pub mod eval;
pub mod export;
pub mod extract;
pub mod filter;
pub mod graph;
pub mod layout;
pub mod lexicon;
pub mod ontology;
pub mod pipeline;
pub mod text;
pub mod validate;

pub use error::{Error, Result};
pub use pipeline::{BuildOptions, BuildStats, Pipeline};
