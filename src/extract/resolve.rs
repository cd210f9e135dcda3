//! Resolution: mentions into entities, within a document and then across the corpus.
//!
//! Within a document, names that share a folded key ("Rísquez" / "Risquez") are one name; a
//! name's type is the vote of all its mentions' context; then names are joined into entities:
//! lexicon aliases ("U.S." / "United States"), acronyms given in the text ("… Enforcement (ICE)")
//! or matching initials, partial person names ("Guerrero" → "Héctor Guerrero Flores", taking the
//! nearest earlier full name when two people share it) and shortened organization names ("the
//! Tren" → "Tren de Aragua"). Across the corpus the same joins run over the graph's nodes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::graph::{better_label, node_id, EntityType, KnowledgeGraph};
use crate::lexicon::{Kind, Lexicon};
use crate::text::fold_key;

use super::detect::{is_acronym, ti, Candidate, TYPES};

/// An entity of one document.
#[derive(Debug, Clone)]
pub struct LocalEntity {
    pub etype: EntityType,
    pub label: String,
    pub id: String,
    pub aliases: BTreeSet<String>,
    pub lex: Option<usize>,
    /// Candidate indices, in text order.
    pub mentions: Vec<usize>,
}

struct Dsu(Vec<usize>);
impl Dsu {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let n = self.0[y];
            self.0[y] = r;
            y = n;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // Keep the smaller index as root: deterministic.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.0[hi] = lo;
        }
    }
}

fn words(key: &str) -> Vec<&str> {
    key.split(' ').filter(|w| !w.is_empty()).collect()
}

fn contains_seq(hay: &[&str], needle: &[&str]) -> bool {
    needle.len() < hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Initials of the capitalized words of a name ("Immigration and Customs Enforcement" → "ICE").
fn initials(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_uppercase()
}

/// Groups one document's candidates into entities. `cands` must be in text order.
pub fn resolve_document(doc: &str, cands: &[Candidate], lex: &Lexicon) -> (Vec<LocalEntity>, Vec<Option<usize>>) {
    // 1. Names: one per key.
    let mut key_ix: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keys: Vec<&str> = Vec::new();
    for c in cands {
        if !key_ix.contains_key(c.key.as_str()) {
            key_ix.insert(&c.key, keys.len());
            keys.push(&c.key);
        }
    }
    let k = keys.len();
    let mut scores = vec![[0i32; 4]; k];
    let mut lexe: Vec<Option<usize>> = vec![None; k];
    let mut only_initial = vec![true; k];
    let mut surface: Vec<String> = vec![String::new(); k];
    for c in cands {
        let i = key_ix[c.key.as_str()];
        for t in 0..4 {
            scores[i][t] += c.scores[t];
        }
        if c.lex.is_some() {
            lexe[i] = c.lex;
        }
        if !c.initial {
            only_initial[i] = false;
        }
        if surface[i].is_empty() {
            surface[i] = c.text(doc).to_string();
        }
    }
    let mut dsu = Dsu((0..k).collect());
    // 2. Lexicon: every alias of one entry is one entity.
    let mut by_entry: HashMap<usize, usize> = HashMap::new();
    for i in 0..k {
        if let Some(e) = lexe[i] {
            match by_entry.get(&e) {
                Some(&j) => dsu.union(i, j),
                None => {
                    by_entry.insert(e, i);
                }
            }
        }
    }
    // 3. Acronyms given in the text: "Immigration and Customs Enforcement (ICE)", "…, or ELN".
    for c in cands {
        if let Some(_t) = c.acronym_after {
            // The acronym is itself a candidate right after; find it by position.
            if let Some(a) = cands.iter().find(|d| d.sentence == c.sentence && d.first > c.first && d.first <= c.last + 6 && is_acronym(d.text(doc))) {
                let (i, j) = (key_ix[c.key.as_str()], key_ix[a.key.as_str()]);
                if lexe[j].is_none() || lexe[i].is_none() || lexe[i] == lexe[j] {
                    dsu.union(i, j);
                    scores[j][ti(EntityType::Organization)] += 3;
                }
            }
        }
    }
    // 4. Acronyms by initials, when exactly one organization-like name matches.
    for i in 0..k {
        if !is_acronym(&surface[i]) || lexe[i].is_some() {
            continue;
        }
        let acr: String = surface[i].chars().filter(|c| c.is_alphabetic()).collect();
        let matches: Vec<usize> = (0..k)
            .filter(|&j| j != i && keys[j].contains(' ') && initials(&surface[j]) == acr && scores[j][ti(EntityType::Person)] <= scores[j][ti(EntityType::Organization)].max(scores[j][ti(EntityType::Place)]))
            .collect();
        let roots: BTreeSet<usize> = matches.iter().map(|&j| dsu.find(j)).collect();
        if roots.len() == 1 {
            dsu.union(i, matches[0]);
        }
    }
    // Type of each group so far.
    let group_type = |dsu: &mut Dsu, scores: &Vec<[i32; 4]>| -> Vec<Option<EntityType>> {
        let mut sum: HashMap<usize, [i32; 4]> = HashMap::new();
        for i in 0..k {
            let r = dsu.find(i);
            let e = sum.entry(r).or_insert([0; 4]);
            for t in 0..4 {
                e[t] += scores[i][t];
            }
        }
        (0..k)
            .map(|i| {
                let s = sum[&dsu.find(i)];
                let (bi, &bs) = s.iter().enumerate().max_by_key(|&(j, v)| (*v, std::cmp::Reverse(j)))?;
                (bs > 0).then_some(TYPES[bi])
            })
            .collect()
    };
    let types = group_type(&mut dsu, &scores);
    // 5. Shortened names, decided per mention: "Guerrero" → the nearest earlier person whose
    //    name contains it; "Tren" → the one organization it begins.
    let mut mention_target: Vec<Option<usize>> = vec![None; cands.len()];
    let long_persons: Vec<usize> = (0..k).filter(|&j| types[j] == Some(EntityType::Person) && words(keys[j]).len() >= 2).collect();
    let long_orgs: Vec<usize> = (0..k).filter(|&j| types[j] == Some(EntityType::Organization) && words(keys[j]).len() >= 2).collect();
    let mut last_seen: HashMap<usize, usize> = HashMap::new(); // key index → last candidate position
    for (m, c) in cands.iter().enumerate() {
        let i = key_ix[c.key.as_str()];
        let w = words(&c.key);
        let ty = types[i];
        if w.len() <= 2 && lexe[i].is_none() && ty != Some(EntityType::Organization) && ty != Some(EntityType::Place) || (w.len() <= 2 && ty == Some(EntityType::Person)) {
            let options: Vec<usize> = long_persons.iter().copied().filter(|&j| contains_seq(&words(keys[j]), &w)).collect();
            let roots: BTreeSet<usize> = options.iter().map(|&j| dsu.find(j)).collect();
            if roots.len() == 1 {
                mention_target[m] = Some(options[0]);
            } else if roots.len() > 1 {
                // Two people share the name: the nearest one named before.
                mention_target[m] = options.iter().filter_map(|&j| last_seen.get(&j).map(|&p| (p, j))).max().map(|(_, j)| j);
            }
        }
        if mention_target[m].is_none() && w.len() == 1 && lexe[i].is_none() && ty != Some(EntityType::Person) {
            let options: Vec<usize> = long_orgs.iter().copied().filter(|&j| words(keys[j])[0] == w[0]).collect();
            let roots: BTreeSet<usize> = options.iter().map(|&j| dsu.find(j)).collect();
            if roots.len() == 1 {
                mention_target[m] = Some(options[0]);
            }
        }
        last_seen.insert(i, m);
    }
    // When every mention of a name goes to the same entity, join the names themselves.
    let mut target_of_key: HashMap<usize, BTreeSet<Option<usize>>> = HashMap::new();
    for (m, c) in cands.iter().enumerate() {
        target_of_key.entry(key_ix[c.key.as_str()]).or_default().insert(mention_target[m].map(|j| dsu.find(j)));
    }
    for (i, targets) in &target_of_key {
        if targets.len() == 1 {
            if let Some(Some(j)) = targets.iter().next() {
                // Scores of the short form do not vote against the full name's type.
                scores[*i] = [0; 4];
                dsu.union(*i, *j);
            }
        }
    }
    let types = group_type(&mut dsu, &scores);
    // 6. Entities: groups with a type; names seen only sentence-initially need more evidence.
    let mut group_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut entities: Vec<LocalEntity> = Vec::new();
    let mut assignment: Vec<Option<usize>> = vec![None; cands.len()];
    for (m, c) in cands.iter().enumerate() {
        let i = key_ix[c.key.as_str()];
        let root = match mention_target[m] {
            Some(j) => dsu.find(j),
            None => dsu.find(i),
        };
        let Some(ty) = types[root].or(types[i]) else { continue };
        let weak = only_initial[i] && lexe[i].is_none() && mention_target[m].is_none() && {
            let s = scores[i];
            s.iter().copied().max().unwrap_or(0) < 3
        };
        if weak && dsu.find(i) == i && (0..k).all(|j| j == i || dsu.find(j) != i) {
            continue;
        }
        let e = *group_of.entry(root).or_insert_with(|| {
            entities.push(LocalEntity {
                etype: ty,
                label: String::new(),
                id: String::new(),
                aliases: BTreeSet::new(),
                lex: None,
                mentions: Vec::new(),
            });
            entities.len() - 1
        });
        entities[e].mentions.push(m);
        entities[e].aliases.insert(crate::text::nfc(c.text(doc)));
        if c.lex.is_some() && entities[e].lex.is_none() {
            entities[e].lex = c.lex;
        }
        assignment[m] = Some(e);
    }
    for e in &mut entities {
        e.label = match e.lex {
            Some(x) if matches!(lex.entries[x].kind, Kind::Entity(t) if t == e.etype) => lex.entries[x].name.clone(),
            _ => pick_label(&e.aliases),
        };
        e.id = node_id(e.etype, &e.label);
    }
    (entities, assignment)
}

/// The most complete form among aliases; an ALL-CAPS dateline form is title-cased when it is
/// the only one ("CARACAS" → "Caracas").
pub fn pick_label(aliases: &BTreeSet<String>) -> String {
    let mixed: Vec<&String> = aliases.iter().filter(|a| a.chars().any(char::is_lowercase) || is_acronym(a)).collect();
    let pool: Vec<&String> = if mixed.is_empty() { aliases.iter().collect() } else { mixed };
    let mut best: Option<&String> = None;
    for a in pool {
        if best.is_none_or(|b| better_label(a, b)) {
            best = Some(a);
        }
    }
    let best = best.cloned().unwrap_or_default();
    if !best.chars().any(char::is_lowercase) && best.chars().filter(|c| c.is_alphabetic()).count() > 4 && !is_acronym(&best) {
        return title_case(&best);
    }
    best
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Corpus-level joins over the graph: a person node whose name is part of exactly one longer
/// person's name, or an organization node that is the acronym or first word of exactly one
/// other, is folded into it. Returns old id → new id for every node folded.
pub fn resolve_corpus(graph: &mut KnowledgeGraph) -> BTreeMap<String, String> {
    let mut redirects = BTreeMap::new();
    let nodes: Vec<(String, EntityType, String, Vec<String>)> = graph
        .nodes()
        .into_iter()
        .map(|n| (n.id.clone(), n.etype, n.label.clone(), n.aliases.iter().map(|a| fold_key(a)).collect()))
        .collect();
    let persons: Vec<&(String, EntityType, String, Vec<String>)> = nodes.iter().filter(|n| n.1 == EntityType::Person).collect();
    let orgs: Vec<&(String, EntityType, String, Vec<String>)> = nodes.iter().filter(|n| n.1 == EntityType::Organization).collect();
    for n in &nodes {
        let key = fold_key(&n.2);
        let w = words(&key);
        let targets: Vec<&String> = match n.1 {
            EntityType::Person if w.len() <= 2 => persons
                .iter()
                .filter(|p| p.0 != n.0 && contains_seq(&words(&fold_key(&p.2)), &w))
                .map(|p| &p.0)
                .collect(),
            EntityType::Organization if is_acronym(&n.2) => {
                let acr: String = n.2.chars().filter(|c| c.is_alphabetic()).collect();
                orgs.iter().filter(|o| o.0 != n.0 && initials(&o.2) == acr && o.2.contains(' ')).map(|o| &o.0).collect()
            }
            _ => Vec::new(),
        };
        if targets.len() == 1 {
            redirects.insert(n.0.clone(), targets[0].clone());
        }
    }
    // Follow chains (a → b → c) and fold.
    let resolved: BTreeMap<String, String> = redirects
        .keys()
        .map(|from| {
            let mut to = &redirects[from];
            let mut hops = 0;
            while let Some(next) = redirects.get(to) {
                to = next;
                hops += 1;
                if hops > 8 {
                    break;
                }
            }
            (from.clone(), to.clone())
        })
        .collect();
    for (from, to) in &resolved {
        if from != to {
            graph.merge_nodes(from, to);
        }
    }
    // Labels may have improved: re-derive ids from labels.
    let relabel: Vec<(String, String)> = graph
        .nodes()
        .into_iter()
        .map(|n| (n.id.clone(), node_id(n.etype, &n.label)))
        .filter(|(a, b)| a != b && !a.starts_with("event:"))
        .collect();
    let mut out = resolved;
    for (old, new) in relabel {
        graph.rename_node(&old, &new);
        for v in out.values_mut() {
            if *v == old {
                *v = new.clone();
            }
        }
        out.insert(old, new);
    }
    out
}
