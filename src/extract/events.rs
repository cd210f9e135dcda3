//! Events: trigger words ("kidnapping", "invoked", "deportations") and named events ("World War
//! II", "Operation …") become event nodes with a readable label ("Kidnapping of Ronald Ojeda"),
//! a date when the sentence gives one (relative dates resolved against the article's date) and
//! a place when stated, plus their argument edges: victim_of, occurred_in, carried_out_by,
//! perpetrated_by or (hedged) accused_of, targets.

use crate::graph::{Certainty, EntityType, Evidence};
use crate::lexicon::{Kind, Lexicon};
use crate::text::dates::{find_date, Ymd};

use super::relate::{EntityRef, SlotSpan};
use super::tokens::TokKind;
use super::{DocContext, RelationRecord};

/// Event classes that are crimes or attacks (their agents are perpetrators, their targets victims).
const CRIMES: &[&str] = &[
    "kidnapping", "murder", "killing", "assassination", "shooting", "bombing", "attack", "assault", "massacre",
    "trafficking", "fraud", "hostage-taking", "robbery", "extortion", "riot", "cyberattack", "explosion",
];

/// Modifiers kept in a label before the trigger ("fatal shooting", "economic crisis").
const MODIFIERS: &[&str] = &[
    "fatal", "deadly", "mass", "economic", "humanitarian", "political", "financial", "military", "terrorist",
    "armed", "violent", "brutal", "failed", "attempted", "massive", "major", "prison", "migrant", "refugee",
    "border", "diplomatic", "constitutional", "nuclear", "presidential", "parliamentary", "general", "illegal",
    "double", "triple", "deportation", "police", "drone", "missile", "suicide", "car", "chemical", "cyber",
    "sex", "drug", "human", "arms", "gang", "hostage",
];

/// Words that end an "of" phrase in a label.
fn stops_phrase(w: &str) -> bool {
    matches!(
        w,
        "," | "." | ";" | ":" | "(" | ")" | "\"" | "“" | "”" | "--" | "—" | "–" | "in" | "on" | "at" | "by" | "from"
            | "during" | "after" | "before" | "with" | "that" | "which" | "who" | "whose" | "was" | "were" | "is"
            | "are" | "has" | "had" | "have" | "to" | "for" | "as" | "while" | "when" | "since" | "until" | "and"
            | "but" | "or" | "because" | "amid" | "across" | "into" | "outside" | "near"
    )
}

/// Last words of names that make a candidate an event ("World War II", "Operation Just Cause").
pub fn named_event(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    let first = words.first().copied().unwrap_or("");
    if words.len() < 2 {
        return false;
    }
    first == "Operation"
        || matches!(last, "War" | "Revolution" | "Massacre" | "Genocide" | "Uprising" | "Summit" | "Olympics" | "Games" | "Cup" | "Championship" | "Championships" | "Prix" | "Spring" | "Crisis" | "Intifada" | "Holocaust" | "Blitz" | "Offensive" | "Siege" | "Coup")
        || (words.len() >= 3 && words[words.len() - 2] == "War" && matches!(last, "I" | "II" | "III"))
        || first == "Battle" && words.get(1) == Some(&"of")
}

/// Names of laws and treaties: not entities themselves (their invocation is the event).
pub fn law_name(text: &str) -> bool {
    let last = text.split_whitespace().last().unwrap_or("");
    text.split_whitespace().count() >= 2
        && matches!(last, "Act" | "Law" | "Treaty" | "Accord" | "Accords" | "Convention" | "Bill" | "Amendment" | "Constitution" | "Protocol" | "Doctrine" | "Charter" | "Code")
}

/// An event found in a document.
#[derive(Debug, Clone)]
pub struct FoundEvent {
    pub label: String,
    pub date: Option<String>,
    pub place: Option<usize>,
    /// Sentence and token span of its trigger (the slot in the shadow).
    pub sentence: usize,
    pub first: usize,
    pub last: usize,
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Finds trigger events in one sentence. `slots` are the sentence's entity slot spans (sorted).
/// Returns events with their argument relations; the caller adds the event entities.
#[allow(clippy::too_many_arguments)]
pub fn sentence_events(
    ctx: &DocContext<'_>,
    sentence: usize,
    lex: &Lexicon,
    slots: &[SlotSpan],
    ents: &[EntityRef],
    reference: Option<Ymd>,
    hedged: bool,
) -> Vec<(FoundEvent, Vec<(String, usize, bool)>)> {
    let toks = &ctx.tokens[sentence];
    let text = ctx.text();
    let span = ctx.sentence_span(sentence);
    let sentence_text = span.slice(text);
    let word = |i: usize| toks[i].text(text).to_lowercase();
    let slot_at = |i: usize| slots.iter().find(|s| s.first <= i && i < s.last);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind != TokKind::Word || slot_at(i).is_some() {
            i += 1;
            continue;
        }
        let w = word(i);
        let Some(entry) = lex.word_entry(&w, Kind::Trigger).map(|e| &lex.entries[e]) else {
            i += 1;
            continue;
        };
        let class = entry.subtype.clone();
        let noun = if entry.parent.is_empty() { cap_first(&entry.name) } else { entry.parent.clone() };
        let is_verb = w != entry.name.to_lowercase() || w.ends_with("ed") || w.ends_with("ing") && !noun.to_lowercase().ends_with("ing");
        let mut last = i + 1;
        // "kidnapping and murder": a second trigger joined by "and".
        let mut head = w.clone();
        if i + 2 < toks.len() && word(i + 1) == "and" {
            if let Some(e2) = lex.word_entry(&word(i + 2), Kind::Trigger) {
                let _ = e2;
                head = format!("{} and {}", w, word(i + 2));
                last = i + 3;
            }
        }
        // Modifiers before a noun trigger: "a fatal shooting", "humanitarian and economic crisis".
        let mut mods: Vec<String> = Vec::new();
        if !is_verb {
            let mut k = i;
            while k > 0 {
                let p = word(k - 1);
                if MODIFIERS.contains(&p.as_str()) || (p == "and" && k >= 2 && MODIFIERS.contains(&word(k - 2).as_str())) {
                    mods.insert(0, p);
                    k -= 1;
                } else {
                    break;
                }
            }
        }
        // Arguments after the trigger.
        let mut victim: Option<usize> = None;
        let mut object_phrase: Option<String> = None;
        let mut law: Option<String> = None;
        let mut place: Option<usize> = None;
        let mut target_org: Option<usize> = None;
        let mut k = last;
        if k < toks.len() && word(k) == "of" {
            k += 1;
        }
        // Object: the next entity or noun phrase within a few tokens.
        let mut phrase: Vec<String> = Vec::new();
        let mut j = k;
        while j < toks.len() && j < k + 8 {
            if let Some(s) = slot_at(j) {
                let e = s.entities[0];
                match ents[e].etype {
                    EntityType::Person if victim.is_none() => victim = Some(e),
                    EntityType::Organization if target_org.is_none() => target_org = Some(e),
                    EntityType::Place if place.is_none() && phrase.is_empty() => place = Some(e),
                    _ => {}
                }
                break;
            }
            let t = toks[j].text(text);
            if t.chars().next().is_some_and(char::is_uppercase) && law.is_none() {
                // A law named right after: "invoked the 18th Century Alien Enemies Act".
                let mut e = j;
                while e < toks.len() && (toks[e].text(text).chars().next().is_some_and(char::is_uppercase) || toks[e].text(text) == "of") {
                    e += 1;
                }
                let name = toks[j..e].iter().map(|t| t.text(text)).collect::<Vec<_>>().join(" ");
                if law_name(&name) {
                    // Drop a leading era ("18th Century").
                    let cleaned: Vec<&str> = name.split_whitespace().skip_while(|w| *w == "Century" || w.chars().next().is_some_and(|c| c.is_ascii_digit())).collect();
                    law = Some(cleaned.join(" "));
                    last = e;
                    break;
                }
            }
            let lw = t.to_lowercase();
            if stops_phrase(&lw) {
                break;
            }
            phrase.push(t.to_string());
            j += 1;
        }
        if word(k.saturating_sub(1)) == "of" && !phrase.is_empty() && victim.is_none() {
            object_phrase = Some(phrase.join(" "));
        }
        // Place: "in/outside/at <place>" anywhere after the trigger in the sentence, else the
        // nearest place before it for crimes.
        if place.is_none() {
            for s in slots.iter().filter(|s| s.first >= last) {
                let e = s.entities[0];
                if ents[e].etype == EntityType::Place && s.first > 0 && matches!(word(s.first - 1).as_str(), "in" | "outside" | "at" | "near" | "inside" | "across" | "to" | "the") {
                    place = Some(e);
                    break;
                }
            }
        }
        if place.is_none() && CRIMES.contains(&class.as_str()) {
            place = slots.iter().rev().filter(|s| s.last <= i).find(|s| ents[s.entities[0]].etype == EntityType::Place).map(|s| s.entities[0]);
        }
        // Agent: the nearest person, organization or country before the trigger.
        let agent = slots
            .iter()
            .rev()
            .filter(|s| s.last <= i && i - s.last <= 12)
            .find(|s| matches!(ents[s.entities[0]].etype, EntityType::Person | EntityType::Organization) || (s.letter == 'L' && class != "crisis"))
            .map(|s| s.entities.clone())
            .unwrap_or_default();
        // Label.
        let head_label = if is_verb { noun.clone() } else { cap_first(&format!("{}{}", mods.iter().map(|m| format!("{m} ")).collect::<String>(), head)) };
        let label = if let Some(l) = &law {
            format!("{} of the {}", noun, l)
        } else if let Some(v) = victim {
            format!("{} of {}", head_label_for_victim(&noun, &head, is_verb), label_of(ctx, ents, v))
        } else if let Some(p) = &object_phrase {
            format!("{head_label} of {p}")
        } else if let Some(pl) = place {
            format!("{head_label} in {}", label_of(ctx, ents, pl))
        } else if !mods.is_empty() {
            head_label.clone()
        } else {
            i = last;
            continue;
        };
        let date = find_date(sentence_text, reference);
        let crime = CRIMES.iter().any(|c| class == *c);
        let mut rels: Vec<(String, usize, bool)> = Vec::new(); // (relation, entity, event_is_subject)
        if let Some(v) = victim {
            if crime || matches!(class.as_str(), "arrest" | "deportation" | "extradition") {
                rels.push(("victim_of".into(), v, false));
            } else {
                rels.push(("targets".into(), v, true));
            }
        }
        if let Some(p) = place {
            rels.push(("occurred_in".into(), p, true));
        }
        for a in agent {
            if ents[a].etype == EntityType::Person && Some(a) == victim {
                continue;
            }
            if crime {
                if hedged {
                    rels.push(("accused_of".into(), a, false));
                } else {
                    rels.push(("perpetrated_by".into(), a, true));
                }
            } else {
                rels.push(("carried_out_by".into(), a, true));
            }
        }
        if let Some(t) = target_org {
            rels.push(("targets".into(), t, true));
        }
        out.push((FoundEvent { label, date, place, sentence, first: i, last }, rels));
        i = last;
    }
    out
}

fn head_label_for_victim(noun: &str, head: &str, is_verb: bool) -> String {
    if is_verb || !head.contains(" and ") {
        noun.to_string()
    } else {
        cap_first(head)
    }
}

fn label_of(ctx: &DocContext<'_>, ents: &[EntityRef], e: usize) -> String {
    let id = &ents[e].id;
    ctx.entities.iter().find(|x| &x.id == id).map(|x| x.label.clone()).unwrap_or_else(|| id.split(':').nth(1).unwrap_or("").replace('-', " "))
}

/// Turns event arguments into relation records.
pub fn event_relations(
    event: &EntityRef,
    rels: &[(String, usize, bool)],
    ents: &[EntityRef],
    evidence: &Evidence,
    hedged: bool,
    out: &mut Vec<RelationRecord>,
) {
    for (rel, e, event_is_subject) in rels {
        let other = &ents[*e];
        let (s, t) = if *event_is_subject { (&event.id, &other.id) } else { (&other.id, &event.id) };
        let mut ev = evidence.clone();
        ev.rule = format!("event-{rel}");
        out.push(RelationRecord {
            source: s.clone(),
            relation: rel.clone(),
            target: t.clone(),
            certainty: if hedged || rel == "accused_of" { Certainty::Alleged } else { Certainty::Stated },
            evidence: ev,
        });
    }
}
