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
    "kidnapping",
    "murder",
    "killing",
    "assassination",
    "shooting",
    "bombing",
    "attack",
    "assault",
    "massacre",
    "trafficking",
    "fraud",
    "hostage-taking",
    "robbery",
    "extortion",
    "riot",
    "cyberattack",
    "explosion",
];

/// Modifiers kept in a label before the trigger ("fatal shooting", "economic crisis").
const MODIFIERS: &[&str] = &[
    "fatal",
    "deadly",
    "mass",
    "economic",
    "humanitarian",
    "political",
    "financial",
    "military",
    "terrorist",
    "armed",
    "violent",
    "brutal",
    "failed",
    "attempted",
    "massive",
    "major",
    "prison",
    "migrant",
    "refugee",
    "border",
    "diplomatic",
    "constitutional",
    "nuclear",
    "presidential",
    "parliamentary",
    "general",
    "illegal",
    "double",
    "triple",
    "deportation",
    "police",
    "drone",
    "missile",
    "suicide",
    "car",
    "chemical",
    "cyber",
    "sex",
    "drug",
    "human",
    "arms",
    "gang",
    "hostage",
];

/// Classes whose triggers are too common to stand alone: they need a named argument.
const SOFT: &[&str] = &[
    "release",
    "talks",
    "negotiation",
    "negotiations",
    "election",
    "ruling",
    "sentencing",
    "vote",
    "offensive",
    "protest",
    "trial",
    "agreement",
    "summit",
    "meeting",
    "war",
    "crisis",
    "trafficking",
    "smuggling",
    "flood",
    "conviction",
    "investigation",
    "indictment",
    "hearing",
    "visit",
    "speech",
    "deal",
];

/// Common verbs that end a noun phrase.
const VERBS: &[&str] = &[
    "feeds",
    "feed",
    "said",
    "says",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "should",
    "did",
    "does",
    "do",
    "been",
    "be",
    "being",
    "led",
    "leads",
    "made",
    "makes",
    "took",
    "takes",
    "came",
    "comes",
    "went",
    "goes",
    "left",
    "remains",
    "remained",
    "began",
    "begins",
    "continues",
    "continued",
    "called",
    "calls",
    "aimed",
    "showed",
    "shows",
    "appeared",
    "appears",
    "sparked",
    "prompted",
    "drew",
    "raised",
];

/// Words that end an "of" phrase in a label.
fn stops_phrase(w: &str) -> bool {
    matches!(
        w,
        "," | "."
            | ";"
            | ":"
            | "("
            | ")"
            | "\""
            | "“"
            | "”"
            | "--"
            | "—"
            | "–"
            | "in"
            | "on"
            | "at"
            | "by"
            | "from"
            | "during"
            | "after"
            | "before"
            | "with"
            | "that"
            | "which"
            | "who"
            | "whose"
            | "was"
            | "were"
            | "is"
            | "are"
            | "has"
            | "had"
            | "have"
            | "to"
            | "for"
            | "as"
            | "while"
            | "when"
            | "since"
            | "until"
            | "and"
            | "but"
            | "or"
            | "because"
            | "amid"
            | "across"
            | "into"
            | "outside"
            | "near"
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
        || matches!(
            last,
            "War"
                | "Revolution"
                | "Massacre"
                | "Genocide"
                | "Uprising"
                | "Summit"
                | "Olympics"
                | "Games"
                | "Cup"
                | "Championship"
                | "Championships"
                | "Prix"
                | "Spring"
                | "Crisis"
                | "Intifada"
                | "Holocaust"
                | "Blitz"
                | "Offensive"
                | "Siege"
                | "Coup"
        )
        || (words.len() >= 3
            && words[words.len() - 2] == "War"
            && matches!(last, "I" | "II" | "III"))
        || first == "Battle" && words.get(1) == Some(&"of")
}

/// Names of laws and treaties: not entities themselves (their invocation is the event).
pub fn law_name(text: &str) -> bool {
    let last = text.split_whitespace().last().unwrap_or("");
    text.split_whitespace().count() >= 2
        && matches!(
            last,
            "Act"
                | "Law"
                | "Treaty"
                | "Accord"
                | "Accords"
                | "Convention"
                | "Bill"
                | "Amendment"
                | "Constitution"
                | "Protocol"
                | "Doctrine"
                | "Charter"
                | "Code"
        )
}

/// An argument of an event: (relation, entity index, whether the event is the subject).
pub type EventArg = (String, usize, bool);

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
) -> Vec<(FoundEvent, Vec<EventArg>)> {
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
        // Longest trigger phrase at i: "took control", "kidnapping".
        let mut found = None;
        for len in (1..=3usize).rev() {
            if i + len > toks.len() || (i..i + len).any(|k| slot_at(k).is_some()) {
                continue;
            }
            let phrase = (i..i + len).map(word).collect::<Vec<_>>().join(" ");
            if let Some(e) = lex.word_entry(&crate::text::fold_key(&phrase), Kind::Trigger) {
                found = Some((e, len, phrase));
                break;
            }
        }
        let Some((entry_ix, len, w)) = found else {
            i += 1;
            continue;
        };
        let entry = &lex.entries[entry_ix];
        let class = entry.subtype.clone();
        let noun = if entry.parent.is_empty() {
            cap_first(&entry.name)
        } else {
            entry.parent.clone()
        };
        let prev = if i > 0 { word(i - 1) } else { String::new() };
        let next = if i + len < toks.len() {
            word(i + len)
        } else {
            String::new()
        };
        let determiner = matches!(
            prev.as_str(),
            "a" | "an"
                | "the"
                | "this"
                | "that"
                | "its"
                | "his"
                | "her"
                | "their"
                | "'s"
                | "’s"
                | "'"
        ) || (i > 0 && toks[i - 1].kind == TokKind::Possessive)
            || (i > 0 && slot_at(i - 1).is_some());
        let verb_context = matches!(
            prev.as_str(),
            "to" | "will"
                | "would"
                | "could"
                | "can"
                | "did"
                | "does"
                | "do"
                | "may"
                | "might"
                | "must"
                | "should"
                | "not"
        );
        let is_verb = !determiner
            && (verb_context
                || w.ends_with("ed")
                || (w.ends_with("ing")
                    && !noun.to_lowercase().ends_with("ing")
                    && !w.starts_with(&noun.to_lowercase()))
                || (w == entry.name.to_lowercase()
                    && matches!(
                        next.as_str(),
                        "the" | "a" | "an" | "his" | "her" | "their" | "its"
                    )
                    && !MODIFIERS.contains(&prev.as_str())));
        let mut last = i + len;
        // "kidnapping and murder": a second trigger joined by "and".
        let mut head = w.clone();
        if !is_verb
            && i + len + 1 < toks.len()
            && word(i + len) == "and"
            && lex.word_entry(&word(i + len + 1), Kind::Trigger).is_some()
        {
            head = format!("{} and {}", w, word(i + len + 1));
            last = i + len + 2;
        }
        // Modifiers before a noun trigger: "a fatal shooting", "humanitarian and economic crisis".
        let mut mods: Vec<String> = Vec::new();
        let mut demonym_agent: Option<usize> = None;
        if !is_verb {
            let mut k = i;
            while k > 0 {
                let p = word(k - 1);
                if MODIFIERS.contains(&p.as_str())
                    || (p == "and" && k >= 2 && MODIFIERS.contains(&word(k - 2).as_str()))
                {
                    mods.insert(0, p);
                    k -= 1;
                } else if let Some(sl) = slot_at(k - 1).filter(|sl| sl.letter == 'D') {
                    // "Israeli strikes": the demonym's country is the agent.
                    mods.insert(0, toks[k - 1].text(text).to_string());
                    demonym_agent = sl.entities.first().copied();
                    break;
                } else {
                    break;
                }
            }
        }
        // Arguments after the trigger.
        let mut victim: Option<usize> = None;
        let mut object_place: Option<usize> = None;
        let mut object_phrase: Option<String> = None;
        let mut law: Option<String> = None;
        let mut place: Option<usize> = None;
        let mut target_org: Option<usize> = None;
        let mut k = last;
        let mut has_of = false;
        if k < toks.len() && matches!(word(k).as_str(), "of" | "on" | "against") {
            has_of = true;
            k += 1;
        }
        if is_verb && k + 1 < toks.len() && word(k) == "control" && word(k + 1) == "of" {
            k += 2;
        }
        let mut phrase: Vec<String> = Vec::new();
        let mut j = k;
        while j < toks.len() && j < k + 8 {
            if let Some(sl) = slot_at(j) {
                let e = sl.entities[0];
                // A place inside a noun phrase: "a 48-year-old Florida resident".
                let inside_phrase = sl.letter == 'L'
                    && !phrase.is_empty()
                    && sl.last < toks.len()
                    && toks[sl.last].kind == TokKind::Word
                    && toks[sl.last]
                        .text(text)
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase)
                    && !stops_phrase(&word(sl.last));
                if inside_phrase {
                    phrase.extend(
                        toks[sl.first..sl.last]
                            .iter()
                            .map(|t| t.text(text).to_string()),
                    );
                    j = sl.last;
                    continue;
                }
                if sl.letter != 'D' {
                    match ents[e].etype {
                        EntityType::Person if victim.is_none() && phrase.len() <= 5 => {
                            victim = Some(e)
                        }
                        EntityType::Organization if target_org.is_none() && phrase.len() <= 2 => {
                            target_org = Some(e)
                        }
                        EntityType::Place
                            if phrase.iter().all(|w| matches!(w.as_str(), "the" | "a")) =>
                        {
                            object_place = Some(e)
                        }
                        _ => {}
                    }
                    break;
                }
            }
            let t = toks[j].text(text);
            if t.chars().next().is_some_and(char::is_uppercase)
                && law.is_none()
                && slot_at(j).is_none()
            {
                // A law named right after: "invoked the 18th Century Alien Enemies Act".
                let mut e = j;
                while e < toks.len()
                    && (toks[e]
                        .text(text)
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                        || toks[e].text(text) == "of")
                {
                    e += 1;
                }
                let name = toks[j..e]
                    .iter()
                    .map(|t| t.text(text))
                    .collect::<Vec<_>>()
                    .join(" ");
                if law_name(&name) {
                    let cleaned: Vec<&str> = name
                        .split_whitespace()
                        .skip_while(|w| {
                            *w == "Century" || w.chars().next().is_some_and(|c| c.is_ascii_digit())
                        })
                        .collect();
                    law = Some(cleaned.join(" "));
                    last = e;
                    break;
                }
            }
            let lw = t.to_lowercase();
            if stops_phrase(&lw) || VERBS.contains(&lw.as_str()) || phrase.len() >= 5 {
                break;
            }
            phrase.push(if slot_at(j).is_some() {
                t.to_string()
            } else {
                lw.clone()
            });
            j += 1;
        }
        // A phrase object: "of two residents", or a verb's direct object ("assaulting a police officer").
        while phrase
            .last()
            .is_some_and(|w| matches!(w.as_str(), "the" | "a" | "an" | "of"))
        {
            phrase.pop();
        }
        while phrase.last().is_some_and(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || matches!(w.as_str(), "'s" | "’s" | "some" | "any" | "more" | "half")
        }) {
            phrase.pop();
        }
        let starts_np = phrase.first().is_some_and(|w| {
            matches!(
                w.as_str(),
                "a" | "an"
                    | "the"
                    | "two"
                    | "three"
                    | "four"
                    | "several"
                    | "dozens"
                    | "hundreds"
                    | "thousands"
            ) || w.chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        let named_in_phrase = phrase
            .iter()
            .any(|w| w.chars().next().is_some_and(char::is_uppercase));
        if (has_of || is_verb)
            && (starts_np || named_in_phrase)
            && !phrase.is_empty()
            && victim.is_none()
            && object_place.is_none()
            && phrase.len() >= 2
        {
            object_phrase = Some(phrase.join(" "));
        }
        if object_place.is_some()
            && !matches!(
                class.as_str(),
                "retaking"
                    | "raid"
                    | "attack"
                    | "invasion"
                    | "bombing"
                    | "strike"
                    | "siege"
                    | "occupation"
                    | "control"
                    | "capture"
            )
        {
            object_place = None;
        }
        // Place: "in/outside/at <place>" after the trigger in the sentence, else the nearest place
        // before it for crimes; deportations go "to" a place.
        let deport = class == "deportation";
        let mut destination: Option<usize> = None;
        for sl in slots.iter().filter(|sl| sl.letter == 'L' && sl.first > 0) {
            let p = word(sl.first - 1);
            let p = if p == "the" && sl.first > 1 {
                word(sl.first - 2)
            } else {
                p
            };
            if deport && p == "to" && destination.is_none() {
                destination = sl.entities.first().copied();
            }
            if sl.first >= last
                && sl.first <= last + 16
                && place.is_none()
                && matches!(
                    p.as_str(),
                    "in" | "outside" | "at" | "near" | "inside" | "across"
                )
            {
                place = sl.entities.first().copied();
            }
        }
        if object_place.is_some() {
            place = object_place;
        }
        if place.is_none() && CRIMES.contains(&class.as_str()) {
            place = slots
                .iter()
                .rev()
                .filter(|sl| sl.last <= i && sl.letter == 'L')
                .map(|sl| sl.entities[0])
                .next();
            if place.is_none() {
                // "on the University of Georgia campus": an institution as the scene.
                place = slots
                    .iter()
                    .filter(|sl| {
                        sl.first >= last
                            && sl.letter == 'O'
                            && sl.first >= 2
                            && matches!(word(sl.first - 2).as_str(), "on" | "at")
                    })
                    .map(|sl| sl.entities[0])
                    .next();
            }
        }
        // Agent: the first person or organization (or, for state actions, country) of the clause
        // before the trigger, within a dozen tokens.
        let crime = CRIMES.contains(&class.as_str());
        let mut agent: Vec<usize> = slots
            .iter()
            .filter(|sl| sl.last <= i && i - sl.last <= 12 && sl.letter != 'D' && sl.letter != 'E')
            .filter(|sl| !(sl.first..i).any(|k| matches!(word(k).as_str(), ";" | "--" | "—" | "(")))
            .find(|sl| {
                matches!(
                    ents[sl.entities[0]].etype,
                    EntityType::Person | EntityType::Organization
                ) || (sl.letter == 'L' && !crime && class != "crisis")
            })
            .map(|sl| sl.entities.clone())
            .unwrap_or_default();
        // "murder rates", "kidnapping charges": the trigger modifies another noun.
        if !is_verb
            && matches!(
                next.as_str(),
                "rate"
                    | "rates"
                    | "charges"
                    | "charge"
                    | "case"
                    | "cases"
                    | "suspect"
                    | "suspects"
                    | "victims"
                    | "investigation"
                    | "statistics"
                    | "figures"
                    | "laws"
                    | "law"
                    | "policy"
                    | "policies"
            )
        {
            i = last;
            continue;
        }
        // "found guilty of murdering …": the inner trigger is the event.
        if (last..(last + 3).min(toks.len()))
            .any(|k| slot_at(k).is_none() && lex.word_entry(&word(k), Kind::Trigger).is_some())
            && law.is_none()
        {
            i = last;
            continue;
        }
        if let Some(d) = demonym_agent {
            agent = vec![d];
        }
        // A possessive right before the trigger: "his capture" (a person: the victim), "Hamas' attack".
        let mut possessor: Option<usize> = None;
        if i >= 2 && toks[i - 1].kind == TokKind::Possessive {
            if let Some(sl) = slot_at(i - 2).filter(|sl| sl.letter != 'D') {
                possessor = sl.entities.first().copied();
            }
        } else if i >= 1 {
            if let Some(sl) = slot_at(i - 1)
                .filter(|sl| sl.letter == 'P' && matches!(word(i - 1).as_str(), "his" | "her"))
            {
                possessor = sl.entities.first().copied();
            }
        }
        if let Some(p) = possessor {
            if ents[p].etype == EntityType::Person
                && victim.is_none()
                && !CRIMES.contains(&class.as_str())
            {
                victim = Some(p);
            } else if ents[p].etype != EntityType::Person || CRIMES.contains(&class.as_str()) {
                agent = vec![p];
            }
        }
        let soft = SOFT.contains(&class.as_str());
        // Bare nouns in lists ("sex trafficking, contract killings and kidnappings") are generic.
        let bare = !is_verb
            && !determiner
            && possessor.is_none()
            && object_phrase.is_none()
            && victim.is_none()
            && object_place.is_none();
        // A determiner may stand before the modifiers: "the country's humanitarian and economic crisis".
        let mod_start = i - mods.len();
        let det_before_mods = mod_start > 0
            && (matches!(
                word(mod_start - 1).as_str(),
                "a" | "an" | "the" | "this" | "that" | "its" | "his" | "her" | "their"
            ) || toks[mod_start - 1].kind == TokKind::Possessive);
        if bare
            && !det_before_mods
            && !mods
                .iter()
                .any(|m| matches!(m.as_str(), "fatal" | "deadly" | "major"))
            && demonym_agent.is_none()
        {
            i = last;
            continue;
        }
        let named_arg = victim.is_some()
            || object_place.is_some()
            || (place.is_some() && !is_verb)
            || law.is_some()
            || possessor.is_some()
            || destination.is_some();
        let specific = if soft {
            named_arg
        } else {
            determiner || !mods.is_empty() || has_of || named_arg || object_phrase.is_some()
        };
        if !specific {
            i = last;
            continue;
        }
        // Label.
        let head_label = if is_verb {
            noun.clone()
        } else {
            cap_first(&format!(
                "{}{}",
                mods.iter().map(|m| format!("{m} ")).collect::<String>(),
                head
            ))
        };
        let label = if let Some(l) = &law {
            format!("{} of the {}", noun, l)
        } else if let Some(v) = victim {
            format!(
                "{} of {}",
                head_label_for_victim(&noun, &head, is_verb),
                label_of(ctx, ents, v)
            )
        } else if let Some(p) = object_place {
            format!(
                "{} of {}",
                head_label_for_victim(&noun, &head, is_verb),
                label_of(ctx, ents, p)
            )
        } else if let Some(p) = &object_phrase {
            format!("{head_label} of {p}")
        } else if let Some(d) = destination {
            format!("{} to {}", head_label, label_of(ctx, ents, d))
        } else if let Some(pl) = place {
            format!("{head_label} in {}", label_of(ctx, ents, pl))
        } else if !mods.is_empty() {
            head_label.clone()
        } else if let Some(a) = possessor {
            // "Hamas' attack" → "Hamas attack".
            format!("{} {}", label_of(ctx, ents, a), head)
        } else {
            i = last;
            continue;
        };
        let date = find_date(sentence_text, reference);
        let mut rels: Vec<(String, usize, bool)> = Vec::new(); // (relation, entity, event_is_subject)
        if let Some(v) = victim {
            if crime {
                rels.push(("victim_of".into(), v, false));
            } else if !matches!(
                class.as_str(),
                "arrest" | "deportation" | "extradition" | "conviction" | "sentencing" | "trial"
            ) {
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
        // "took control of the prison from <gang>": the action targets it.
        let target_org = target_org.or_else(|| {
            slots
                .iter()
                .filter(|sl| sl.first > last && sl.letter == 'O' && word(sl.first - 1) == "from")
                .map(|sl| sl.entities[0])
                .next()
                .filter(|_| {
                    matches!(
                        class.as_str(),
                        "retaking" | "raid" | "attack" | "siege" | "control" | "capture"
                    )
                })
        });
        if let Some(t) = target_org {
            rels.push(("targets".into(), t, true));
        }
        if let Some(d) = destination {
            rels.push(("deported_to".into(), d, true));
        }
        out.push((
            FoundEvent {
                label,
                date,
                place,
                sentence,
                first: i,
                last,
            },
            rels,
        ));
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
    ctx.entities
        .iter()
        .find(|x| &x.id == id)
        .map(|x| x.label.clone())
        .unwrap_or_else(|| id.split(':').nth(1).unwrap_or("").replace('-', " "))
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
        let (s, t) = if *event_is_subject {
            (&event.id, &other.id)
        } else {
            (&other.id, &event.id)
        };
        let mut ev = evidence.clone();
        ev.rule = format!("event-{rel}");
        out.push(RelationRecord {
            source: s.clone(),
            relation: rel.clone(),
            target: t.clone(),
            certainty: if hedged || rel == "accused_of" {
                Certainty::Alleged
            } else {
                Certainty::Stated
            },
            evidence: ev,
        });
    }
}
