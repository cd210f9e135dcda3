//! Events: trigger words ("kidnapping", "invoked", "deportations") and named events ("World War
//! II", "Operation …") become event nodes with a readable label ("Kidnapping of Ronald Ojeda"),
//! a date when the sentence gives one (relative dates resolved against the article's date) and
//! a place when stated, plus their argument edges: victim_of, occurred_in, carried_out_by,
//! perpetrated_by or (hedged) accused_of, targets.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::graph::EntityType;
use crate::lexicon::{Kind, Lexicon};
use crate::ontology::{Ontology, WordSet};
use crate::text::dates::{find_date, Ymd};
use crate::text::fold_key;

use super::relate::{EntityRef, SlotSpan};
use super::tokens::{TokKind, Token};
use super::DocContext;

/// Event classes that are crimes or attacks (their agents are perpetrators, their targets victims).
fn is_crime(class: &str) -> bool {
    matches!(
        class,
        "kidnapping"
            | "murder"
            | "killing"
            | "assassination"
            | "shooting"
            | "bombing"
            | "attack"
            | "assault"
            | "massacre"
            | "trafficking"
            | "fraud"
            | "hostage-taking"
            | "robbery"
            | "extortion"
            | "riot"
            | "cyberattack"
            | "explosion"
    )
}

/// Modifiers kept in a label before the trigger ("fatal shooting", "economic crisis").
fn is_modifier(word: &str) -> bool {
    matches!(
        word,
        "fatal"
            | "deadly"
            | "mass"
            | "economic"
            | "humanitarian"
            | "political"
            | "financial"
            | "military"
            | "terrorist"
            | "armed"
            | "violent"
            | "brutal"
            | "failed"
            | "attempted"
            | "massive"
            | "major"
            | "prison"
            | "migrant"
            | "refugee"
            | "border"
            | "diplomatic"
            | "constitutional"
            | "nuclear"
            | "presidential"
            | "parliamentary"
            | "general"
            | "illegal"
            | "double"
            | "triple"
            | "deportation"
            | "police"
            | "drone"
            | "missile"
            | "suicide"
            | "car"
            | "chemical"
            | "cyber"
            | "sex"
            | "drug"
            | "human"
            | "arms"
            | "gang"
            | "hostage"
    )
}

/// Classes whose triggers are too common to stand alone: they need a named argument.
fn is_soft(class: &str) -> bool {
    matches!(
        class,
        "release"
            | "talks"
            | "negotiation"
            | "negotiations"
            | "election"
            | "ruling"
            | "sentencing"
            | "vote"
            | "offensive"
            | "protest"
            | "trial"
            | "agreement"
            | "summit"
            | "meeting"
            | "war"
            | "crisis"
            | "trafficking"
            | "smuggling"
            | "flood"
            | "conviction"
            | "investigation"
            | "indictment"
            | "hearing"
            | "visit"
            | "speech"
            | "deal"
    )
}

/// Common verbs that end a noun phrase.
fn is_verb_word(word: &str) -> bool {
    matches!(
        word,
        "feeds"
            | "feed"
            | "said"
            | "says"
            | "will"
            | "would"
            | "could"
            | "can"
            | "may"
            | "might"
            | "must"
            | "should"
            | "did"
            | "does"
            | "do"
            | "been"
            | "be"
            | "being"
            | "led"
            | "leads"
            | "made"
            | "makes"
            | "took"
            | "takes"
            | "came"
            | "comes"
            | "went"
            | "goes"
            | "left"
            | "remains"
            | "remained"
            | "began"
            | "begins"
            | "continues"
            | "continued"
            | "called"
            | "calls"
            | "aimed"
            | "showed"
            | "shows"
            | "appeared"
            | "appears"
            | "sparked"
            | "prompted"
            | "drew"
            | "raised"
    )
}

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
///
/// Only the first two and last two words matter (words as `split_whitespace` gives them), so
/// they are cut from both ends of the text rather than collected (this runs for many
/// candidate spans).
pub fn named_event(text: &str) -> bool {
    let t = text.trim();
    let Some((head, last)) = t.rsplit_once(char::is_whitespace) else {
        return false;
    };
    let head = head.trim_end();
    // `head` is the first word exactly when there are two words.
    let before_last = head.rsplit_once(char::is_whitespace).map(|(_, w)| w);
    let (first, after_first) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    let second = after_first
        .trim_start()
        .split(char::is_whitespace)
        .next()
        .unwrap_or("");
    named_event_words(first, second, before_last, last)
}

/// [`named_event`] of a text of two words or more from its words: the first, the second, the
/// one before the last when there are three or more, and the last. Detection knows them from
/// its tokens and asks here without going over the text's characters.
pub fn named_event_words(first: &str, second: &str, before_last: Option<&str>, last: &str) -> bool {
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
        || (before_last == Some("War") && matches!(last, "I" | "II" | "III"))
        || first == "Battle" && second == "of"
}

/// Names of laws and treaties: not entities themselves (their invocation is the event).
pub fn law_name(text: &str) -> bool {
    // Two words or more: a word before the last one (no count of all the words).
    let Some((head, last)) = text.trim_end().rsplit_once(char::is_whitespace) else {
        return false;
    };
    !head.trim().is_empty() && law_name_last_word(last)
}

/// [`law_name`] of a text of two words or more from its last word.
pub fn law_name_last_word(last: &str) -> bool {
    matches!(
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

/// `s.to_lowercase()`, borrowed when that would change nothing (ASCII without capitals: most
/// words), so looking at the words around a trigger allocates nothing.
pub(crate) fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// For a trigger `w` (lower-cased) ending in "ing": whether its class noun, lower-cased,
/// neither ends in "ing" nor begins `w` (then the trigger is a verb: "invoking", not
/// "killing"). An ASCII noun is compared as it is, without a lower-cased copy.
fn ing_form_of_other_noun(w: &str, noun: &str) -> bool {
    if !noun.is_ascii() {
        let noun = noun.to_lowercase();
        return !noun.ends_with("ing") && !w.starts_with(&noun);
    }
    // `w` holds no ASCII capitals (it is lower-cased), so ignoring ASCII case compares it
    // with the lower-cased noun.
    let n = noun.as_bytes();
    let ends_ing = n.len() >= 3 && n[n.len() - 3..].eq_ignore_ascii_case(b"ing");
    let begins_w = w.len() >= n.len() && w.as_bytes()[..n.len()].eq_ignore_ascii_case(n);
    !ends_ing && !begins_w
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Most names start with an ASCII letter: one byte changed, the rest copied whole
        // (not char by char).
        Some(f) if f.is_ascii() => {
            let mut out = String::with_capacity(s.len());
            out.push(f.to_ascii_uppercase());
            out.push_str(c.as_str());
            out
        }
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
    hedged: &crate::extract::relate::Hedge<'_>,
) -> Vec<(FoundEvent, Vec<EventArg>)> {
    let toks = &ctx.tokens[sentence];
    // Where a trigger may start, found once for the document: most sentences have no such
    // word (told by one byte), and the others are not read again word by word.
    let starts = ctx.words.sentence(sentence);
    if !ctx.words.sentence_has(sentence, TRIGGER_START) {
        return Vec::new();
    }
    let Some(start) = next_trigger_start(starts, slots, 0) else {
        return Vec::new();
    };
    let text = ctx.text();
    let span = ctx.sentence_span(sentence);
    let sentence_text = span.slice(text);
    let triggers = TriggerWords::of(lex);
    let mut buf = PhraseBuf::default();
    let mut out = Vec::new();
    let keys = SentenceKeys::new(text, toks, slots);
    let word = |k: usize| keys.word(text, toks, k);
    // Whether a lower-cased word is a trigger's key.
    let is_trigger = |w: &str| triggers.may_be_key(w) && lex.word_entry(w, Kind::Trigger).is_some();
    // The first slot holding token i.
    let slot_at = |i: usize| match keys.slot.get(i) {
        Some(&s) => (s != NO_SLOT).then(|| &slots[s as usize]),
        None => slots.iter().find(|s| s.first <= i && i < s.last),
    };
    // The sentence's date, looked for once, when its first event is found.
    let mut date: Option<Option<String>> = None;
    let mut i = start;
    while i < toks.len() {
        // The next word where a trigger may start; the words before it begin none.
        match next_trigger_start(starts, slots, i) {
            Some(k) => i = k,
            None => break,
        }
        // Longest trigger phrase at i: "took control", "kidnapping". A phrase stops before the
        // first token inside a slot.
        let free = (i..toks.len().min(i + 3))
            .take_while(|&k| !keys.in_slot(k))
            .count();
        // No trigger of two words or more begins with token i's key: a phrase whose key has
        // two words or more and begins so is none (most are).
        let one_word = keys
            .plain(toks, i)
            .is_some_and(|w| !triggers.may_begin_phrase(w));
        let found = (1..=free).rev().find_map(|len| {
            if len > 1 && one_word && keys.key_begins_with_first(text, toks, i, len) {
                return None;
            }
            let key = keys.phrase(text, toks, i, len, &mut buf);
            lex.word_entry(key, Kind::Trigger).map(|e| (e, len))
        });
        let Some((entry_ix, len)) = found else {
            i += 1;
            continue;
        };
        // The trigger's words lower-cased: most triggers are one word, borrowed.
        let w: Cow<'_, str> = if len == 1 {
            word(i)
        } else {
            let mut w = String::new();
            for k in i..i + len {
                if k > i {
                    w.push(' ');
                }
                w.push_str(&word(k));
            }
            Cow::Owned(w)
        };
        let entry = &lex.entries[entry_ix];
        let class = entry.subtype.as_str();
        let crime = is_crime(class);
        let noun: Cow<'_, str> = if entry.parent.is_empty() {
            Cow::Owned(cap_first(&entry.name))
        } else {
            Cow::Borrowed(&entry.parent)
        };
        let prev = if i > 0 {
            word(i - 1)
        } else {
            Cow::Borrowed("")
        };
        let next = if i + len < toks.len() {
            word(i + len)
        } else {
            Cow::Borrowed("")
        };
        let determiner = matches!(
            &*prev,
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
            &*prev,
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
                || (w.ends_with("ing") && ing_form_of_other_noun(&w, &noun))
                || (*w == *lower(&entry.name)
                    && matches!(&*next, "the" | "a" | "an" | "his" | "her" | "their" | "its")
                    && !is_modifier(&prev)));
        let mut last = i + len;
        // "kidnapping and murder": a second trigger joined by "and".
        let mut head = Cow::Borrowed(&*w);
        if !is_verb && i + len + 1 < toks.len() && next == "and" && is_trigger(&word(i + len + 1)) {
            head = Cow::Owned(format!("{} and {}", w, word(i + len + 1)));
            last = i + len + 2;
        }
        // Modifiers before a noun trigger: "a fatal shooting", "humanitarian and economic crisis".
        let mut mods: Vec<Cow<'_, str>> = Vec::new();
        let mut demonym_agent: Option<usize> = None;
        if !is_verb {
            let mut k = i;
            while k > 0 {
                let p = word(k - 1);
                if is_modifier(&p) || (p == "and" && k >= 2 && is_modifier(&word(k - 2))) {
                    mods.insert(0, p);
                    k -= 1;
                } else if let Some(sl) = slot_at(k - 1).filter(|sl| sl.letter == 'D') {
                    // "Israeli strikes": the demonym's country is the agent.
                    mods.insert(0, Cow::Borrowed(toks[k - 1].text(text)));
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
        if k < toks.len() && matches!(&*word(k), "of" | "on" | "against") {
            has_of = true;
            k += 1;
        }
        if is_verb && k + 1 < toks.len() && word(k) == "control" && word(k + 1) == "of" {
            k += 2;
        }
        let mut phrase: Vec<Cow<'_, str>> = Vec::new();
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
                            .map(|t| Cow::Borrowed(t.text(text))),
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
                        EntityType::Place if phrase.iter().all(|w| matches!(&**w, "the" | "a")) => {
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
            let lw = word(j);
            if stops_phrase(&lw) || is_verb_word(&lw) || phrase.len() >= 5 {
                break;
            }
            phrase.push(if slot_at(j).is_some() {
                Cow::Borrowed(t)
            } else {
                lw
            });
            j += 1;
        }
        // A phrase object: "of two residents", or a verb's direct object ("assaulting a police officer").
        while phrase
            .last()
            .is_some_and(|w| matches!(&**w, "the" | "a" | "an" | "of"))
        {
            phrase.pop();
        }
        while phrase.last().is_some_and(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || matches!(&**w, "'s" | "’s" | "some" | "any" | "more" | "half")
        }) {
            phrase.pop();
        }
        let starts_np = phrase.first().is_some_and(|w| {
            matches!(
                &**w,
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
                class,
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
        // The tests that drop a trigger all end the same way (`i = last`, nothing else done),
        // so the cheap ones run first and the place, agent and date are only looked for when
        // the trigger is kept.
        // "murder rates", "kidnapping charges": the trigger modifies another noun.
        if !is_verb
            && matches!(
                &*next,
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
        // A possessive right before the trigger: "his capture" (a person: the victim), "Hamas' attack".
        let mut possessor: Option<usize> = None;
        if i >= 2 && toks[i - 1].kind == TokKind::Possessive {
            if let Some(sl) = slot_at(i - 2).filter(|sl| sl.letter != 'D') {
                possessor = sl.entities.first().copied();
            }
        } else if i >= 1 {
            if let Some(sl) = slot_at(i - 1)
                .filter(|sl| sl.letter == 'P' && matches!(&*word(i - 1), "his" | "her"))
            {
                possessor = sl.entities.first().copied();
            }
        }
        // The possessor is the victim or else may be the agent.
        let mut possessor_agent: Option<usize> = None;
        if let Some(p) = possessor {
            if ents[p].etype == EntityType::Person && victim.is_none() && !crime {
                victim = Some(p);
            } else if ents[p].etype != EntityType::Person || crime {
                possessor_agent = Some(p);
            }
        }
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
                &*word(mod_start - 1),
                "a" | "an" | "the" | "this" | "that" | "its" | "his" | "her" | "their"
            ) || toks[mod_start - 1].kind == TokKind::Possessive);
        if bare
            && !det_before_mods
            && !mods
                .iter()
                .any(|m| matches!(&**m, "fatal" | "deadly" | "major"))
            && demonym_agent.is_none()
        {
            i = last;
            continue;
        }
        // "found guilty of murdering …": the inner trigger is the event.
        if law.is_none()
            && (last..(last + 3).min(toks.len()))
                .any(|k| slot_at(k).is_none() && is_trigger(&word(k)))
        {
            i = last;
            continue;
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
                && matches!(&*p, "in" | "outside" | "at" | "near" | "inside" | "across")
            {
                place = sl.entities.first().copied();
            }
        }
        if object_place.is_some() {
            place = object_place;
        }
        if place.is_none() && crime {
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
                            && matches!(&*word(sl.first - 2), "on" | "at")
                    })
                    .map(|sl| sl.entities[0])
                    .next();
            }
        }
        let soft = is_soft(class);
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
            noun.to_string()
        } else {
            let mut s = String::new();
            for m in &mods {
                s.push_str(m);
                s.push(' ');
            }
            s.push_str(&head);
            cap_first(&s)
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
            head_label
        } else if let Some(a) = possessor {
            // "Hamas' attack" → "Hamas attack".
            format!("{} {}", label_of(ctx, ents, a), head)
        } else {
            i = last;
            continue;
        };
        // Agent: the first person or organization (or, for state actions, country) of the clause
        // before the trigger, within a dozen tokens; else the demonym's country or the possessor.
        let agent: Vec<usize> = if let Some(p) = possessor_agent {
            vec![p]
        } else if let Some(d) = demonym_agent {
            vec![d]
        } else {
            slots
                .iter()
                .filter(|sl| {
                    sl.last <= i && i - sl.last <= 12 && sl.letter != 'D' && sl.letter != 'E'
                })
                .filter(|sl| !(sl.first..i).any(|k| matches!(&*word(k), ";" | "--" | "—" | "(")))
                .find(|sl| {
                    matches!(
                        ents[sl.entities[0]].etype,
                        EntityType::Person | EntityType::Organization
                    ) || (sl.letter == 'L' && !crime && class != "crisis")
                })
                .map(|sl| sl.entities.clone())
                .unwrap_or_default()
        };
        let date = date
            .get_or_insert_with(|| find_date(sentence_text, reference))
            .clone();
        let mut rels: Vec<(String, usize, bool)> = Vec::new(); // (relation, entity, event_is_subject)
        if let Some(v) = victim {
            if crime {
                rels.push(("victim_of".into(), v, false));
            } else if !matches!(
                class,
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
                if hedged.get() {
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
                        class,
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

/// The first token from `from` on where a trigger phrase may start: one with
/// [`TRIGGER_START`] in `flags` (the sentence's part of a [`TokenTable`]) in no slot.
fn next_trigger_start(flags: &[u8], slots: &[SlotSpan], from: usize) -> Option<usize> {
    (from..flags.len()).find(|&k| {
        flags[k] & TRIGGER_START != 0 && !slots.iter().any(|s| s.first <= k && k < s.last)
    })
}

/// Whether a trigger phrase may start at token `t` (in no slot): a word whose key (as
/// [`SentenceKeys::phrase`] gives it for one token) may begin a trigger key, as the lexicon
/// says: one word that begins a trigger key, or a key of more words or none. The general
/// path of [`TokenTable::new`], which tells most tokens from a table of words.
fn may_start_trigger(
    text: &str,
    t: &Token,
    lex: &Lexicon,
    triggers: &TriggerWords,
    buf: &mut PhraseBuf,
) -> bool {
    let bytes = text.as_bytes();
    if t.kind != TokKind::Word {
        return false;
    }
    // Most words: eight bytes or fewer, plain, their bit clear: told apart from one
    // load of their bytes.
    if let Some(x) = short_plain_word(bytes, t.span.start, t.span.end) {
        let len = t.span.end - t.span.start;
        let a = x as u8;
        let b = if len > 1 { (x >> 8) as u8 } else { a };
        let z = (x >> (8 * (len - 1))) as u8;
        let h = hash_parts(a, b, z, len);
        if triggers.first[h / 64] & (1 << (h % 64)) == 0 {
            return false;
        }
    }
    let w = &bytes[t.span.start..t.span.end];
    if plain_at(bytes, t.span.start, t.span.end) {
        // A plain token is its own key lower-cased, one word; the hashes give it and
        // its lower case the same bits.
        triggers.may_begin_plain(w) && {
            let word = t.text(text);
            let kinds = if w.iter().any(u8::is_ascii_uppercase) {
                buf.key.clear();
                buf.key.push_str(word);
                buf.key.make_ascii_lowercase();
                lex.first_word_kinds(&buf.key)
            } else {
                lex.first_word_kinds(word)
            };
            kinds & Kind::Trigger.bit() != 0
        }
    } else {
        phrase_key(
            text,
            std::slice::from_ref(t),
            &mut buf.scratch,
            &mut buf.key,
        );
        let first = buf.key.as_str();
        first.is_empty()
            || first.contains(' ')
            || lex.first_word_kinds(first) & Kind::Trigger.bit() != 0
    }
}

/// [`TokenTable`] flag of a token where a trigger phrase may start ([`may_start_trigger`]).
pub(crate) const TRIGGER_START: u8 = 0x80;
/// [`TokenTable`] bits holding a token's cue for the relation stage
/// ([`super::relate::cue_code`]).
pub(crate) const CUE_CODE: u8 = 0x1f;
const _: () = assert!(super::relate::CUE_CODES <= CUE_CODE as usize);

/// [`TokenTable::sentence_ids`] of a token whose ontology word id was not looked up.
pub(crate) const NO_ID: u32 = u32::MAX - 1;
const _: () = assert!(NO_ID != WordSet::NO_WORD);

/// What the stages after detection ask of every token of a document, answered once: whether
/// a trigger phrase may start there ([`TRIGGER_START`]) and its cue for the relation stage
/// ([`CUE_CODE`]), one byte per token, plus the bits of each sentence's tokens together (a
/// sentence without [`TRIGGER_START`] is done with at once), and, given the ontology, the
/// token's word id for the relation patterns, from the same look-up.
///
/// Most tokens are plain ASCII words of up to 15 bytes: they are lower-cased as two numbers
/// and looked up once in [`TriggerWords::known`], which holds every word that begins a
/// trigger key or is a cue word. The others take the general path of each question.
#[derive(Debug, Default)]
pub struct TokenTable {
    /// Per token, in document order.
    flags: Vec<u8>,
    /// Per token, its word id in the ontology given (found by the same look-up as the
    /// flags), [`NO_ID`] where not found so (no ontology given, or not a plain token).
    ids: Vec<u32>,
    /// Where each sentence's tokens end in `flags`.
    ends: Vec<usize>,
    /// Per sentence, the flags of its tokens or'ed together.
    any: Vec<u8>,
}

impl TokenTable {
    /// The table of the tokens of a document.
    pub fn new(
        text: &str,
        tokens: &super::tokens::SentenceTokens,
        lex: &Lexicon,
        onto: Option<&Ontology>,
    ) -> TokenTable {
        let triggers = TriggerWords::of(lex);
        let known = KnownWords::of(lex, onto);
        let mut table = TokenTable {
            flags: Vec::new(),
            ids: Vec::new(),
            ends: Vec::with_capacity(tokens.len()),
            any: Vec::with_capacity(tokens.len()),
        };
        let mut buf = PhraseBuf::default();
        let bytes = text.as_bytes();
        table.flags.reserve(tokens.token_count());
        table.ids.reserve(tokens.token_count());
        for toks in tokens.iter() {
            let mut any = 0;
            for t in toks {
                let (f, id) = match known.get(bytes, t.span.start, t.span.end) {
                    Some((f, id)) if t.kind == TokKind::Word => (f, id),
                    Some((f, id)) => (f & !TRIGGER_START, id),
                    None => {
                        let trigger = may_start_trigger(text, t, lex, &triggers, &mut buf);
                        let f = super::relate::cue_code(t.text(text))
                            | if trigger { TRIGGER_START } else { 0 };
                        (f, NO_ID)
                    }
                };
                any |= f;
                table.flags.push(f);
                table.ids.push(id);
            }
            table.ends.push(table.flags.len());
            table.any.push(any);
        }
        table
    }

    /// The flags of sentence `s`'s tokens.
    pub fn sentence(&self, s: usize) -> &[u8] {
        let start = if s == 0 { 0 } else { self.ends[s - 1] };
        &self.flags[start..self.ends[s]]
    }

    /// The ontology word ids of sentence `s`'s tokens (see [`TokenTable::new`]): what
    /// [`crate::ontology::WordSet::push_lower_ascii`] would find, or [`NO_ID`].
    pub fn sentence_ids(&self, s: usize) -> &[u32] {
        let start = if s == 0 { 0 } else { self.ends[s - 1] };
        &self.ids[start..self.ends[s]]
    }

    /// Whether a token of sentence `s` has one of `bits`.
    pub fn sentence_has(&self, s: usize, bits: u8) -> bool {
        self.any[s] & bits != 0
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Up to eight bytes `x` of a word, zero past it (`m` has the bits of the word's bytes):
/// `None` unless all of them are ASCII from '!' to DEL but '.', '`' and '\'' (the bytes of
/// a plain token), else the bytes with their ASCII capitals lower-cased.
#[inline(always)]
fn plain_lower8(x: u64, m: u64) -> Option<u64> {
    // Bit tricks over the eight bytes at once (high bits clear, tested first): a byte below
    // n sets its high bit in `(x - n) & !x`, a byte equal to c in that of `x ^ c`. A false
    // hit can only come above a true one, and the bytes past the word are masked off.
    let below = x.wrapping_sub(ONES * 0x21) & !x & m;
    let has = |c: u8| {
        let q = x ^ (ONES * u64::from(c));
        q.wrapping_sub(ONES) & !q
    };
    if (x | below | has(b'.') | has(b'`') | has(b'\'')) & HIGH != 0 {
        return None;
    }
    // Adding 0x80 - n sets the high bit of the bytes from n up (no carry out of a byte).
    let from_a = x.wrapping_add(ONES * u64::from(0x80 - b'A'));
    let past_z = x.wrapping_add(ONES * u64::from(0x80 - b'Z' - 1));
    let upper = from_a & !past_z & HIGH & m;
    Some(x | (upper >> 2))
}

/// The first slot of a word number (a word's bytes, little-endian, zero padded; the second
/// half 0 for words of up to eight bytes) in a table of `len` slots (a power of two).
#[inline(always)]
fn known_slot(lo: u64, hi: u64, len: usize) -> usize {
    let x = lo ^ hi.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (len - 1)
}

/// Words and their [`TokenTable`] flags, by number: what [`TokenTable::new`] looks up. Open
/// addressing from [`known_slot`], a key 0 where empty (no word's number is 0); keys apart
/// from flags and about half the slots empty, so that the keys stay in the first-level cache
/// (a look-up per token, most of them missing).
///
/// The same look-up gives the token's word id in an ontology: its words that a plain token
/// may be are in the table too ([`Ontology::plain_words`]).
#[derive(Default)]
struct KnownWords {
    /// Words of one to eight bytes.
    short: Box<[u64]>,
    short_flags: Box<[u8]>,
    short_ids: Box<[u32]>,
    /// Words of nine to fifteen bytes.
    long: Box<[[u64; 2]]>,
    long_flags: Box<[u8]>,
    long_ids: Box<[u32]>,
    /// Words of one byte, by byte (any case): their flags, `None` for a byte no plain token
    /// is made of, and their ids.
    single: Vec<Option<u8>>,
    single_ids: Vec<u32>,
    /// The id of a word that is none of the ontology's: [`WordSet::NO_WORD`], or [`NO_ID`]
    /// for a table made without an ontology.
    miss_id: u32,
}

impl KnownWords {
    /// The table of `words` (lower case) with their flags, and of the words of an
    /// ontology with their ids (`None`: no ontology, every id [`NO_ID`]).
    fn new(words: &[(&[u8], u8)], onto_words: Option<&[(&[u8], u32)]>) -> KnownWords {
        let miss_id = if onto_words.is_some() {
            WordSet::NO_WORD
        } else {
            NO_ID
        };
        // A word no plain token lower-cases to (too long, or with a byte a plain token
        // lacks) is left out; the same word twice takes one slot.
        let mut kept: Vec<(&[u8], u8, u32)> = words
            .iter()
            .map(|&(w, f)| (w, f, miss_id))
            .chain(
                onto_words
                    .unwrap_or_default()
                    .iter()
                    .map(|&(w, id)| (w, 0, id)),
            )
            .filter(|(w, _, _)| {
                (1..=15).contains(&w.len()) && plain(w) && !w.iter().any(|&b| b < b'!')
            })
            .collect();
        kept.sort_unstable();
        let mut merged: Vec<(&[u8], u8, u32)> = Vec::with_capacity(kept.len());
        for (w, f, id) in kept {
            match merged.last_mut() {
                Some((last, flags, known)) if *last == w => {
                    *flags |= f;
                    // (An ontology word is its words' one id; the lexicon's have none.)
                    *known = (*known).min(id);
                }
                _ => merged.push((w, f, id)),
            }
        }
        let shorts = merged.iter().filter(|(w, _, _)| w.len() <= 8).count();
        let slots = |n: usize| (n * 2).next_power_of_two().max(16);
        let mut short = vec![0u64; slots(shorts)];
        let mut short_flags = vec![0u8; short.len()];
        let mut short_ids = vec![miss_id; short.len()];
        let mut long = vec![[0u64; 2]; slots(merged.len() - shorts)];
        let mut long_flags = vec![0u8; long.len()];
        let mut long_ids = vec![miss_id; long.len()];
        let mut single: Vec<Option<u8>> = (0..=255u8)
            .map(|b| (b >= b'!' && plain(&[b])).then_some(0))
            .collect();
        let mut single_ids = vec![miss_id; 256];
        for (w, flags, id) in merged {
            let mut b = [0u8; 16];
            b[..w.len()].copy_from_slice(w);
            let lo = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
            let hi = u64::from_le_bytes(b[8..].try_into().unwrap_or_default());
            if w.len() == 1 {
                for c in [w[0], w[0].to_ascii_uppercase()] {
                    if let Some(f) = &mut single[usize::from(c)] {
                        *f |= flags;
                    }
                    // A token's id is that of its lower case: ontology words have no
                    // capitals, and a capital has the id of its letter.
                    if id != miss_id {
                        single_ids[usize::from(c)] = id;
                    }
                }
            }
            if w.len() <= 8 {
                let mask = short.len() - 1;
                let mut at = known_slot(lo, 0, short.len());
                while short[at] != 0 {
                    at = (at + 1) & mask;
                }
                short[at] = lo;
                short_flags[at] = flags;
                short_ids[at] = id;
            } else {
                let mask = long.len() - 1;
                let mut at = known_slot(lo, hi, long.len());
                while long[at][0] != 0 {
                    at = (at + 1) & mask;
                }
                long[at] = [lo, hi];
                long_flags[at] = flags;
                long_ids[at] = id;
            }
        }
        KnownWords {
            short: short.into_boxed_slice(),
            short_flags: short_flags.into_boxed_slice(),
            short_ids: short_ids.into_boxed_slice(),
            long: long.into_boxed_slice(),
            long_flags: long_flags.into_boxed_slice(),
            long_ids: long_ids.into_boxed_slice(),
            single,
            single_ids,
            miss_id,
        }
    }

    /// The table of `lex` and `onto`, built on the first call of a thread and again when
    /// another lexicon or ontology comes (told by their serial numbers).
    fn of(lex: &Lexicon, onto: Option<&Ontology>) -> Rc<KnownWords> {
        type Cached = Option<((u64, usize, u64), Rc<KnownWords>)>;
        thread_local! {
            static CACHE: RefCell<Cached> = const { RefCell::new(None) };
        }
        #[cfg(test)]
        if tests::UNFILTERED.with(std::cell::Cell::get) {
            return Rc::new(KnownWords::default());
        }
        let key = (
            lex.serial(),
            lex.entries.len(),
            onto.map_or(0, Ontology::words_serial),
        );
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            match &*c {
                Some((k, t)) if *k == key => t.clone(),
                _ => {
                    let triggers = TriggerWords::of(lex);
                    let words: Vec<(&[u8], u8)> = (triggers.known_words.iter())
                        .map(|(w, f)| (&w[..], *f))
                        .collect();
                    let onto_words: Option<Vec<(&[u8], u32)>> =
                        onto.map(|o| o.plain_words().collect());
                    let t = Rc::new(KnownWords::new(&words, onto_words.as_deref()));
                    *c = Some((key, t.clone()));
                    t
                }
            }
        })
    }

    /// The [`TokenTable`] flags of token `bytes[start..end]` when it is a plain ASCII word of
    /// 1 to 15 bytes (as a word: a token of another kind begins no trigger), and its word
    /// id, by one look-up of its lower case; `None` for other tokens, and for all when the
    /// table is empty.
    #[inline(always)]
    fn get(&self, bytes: &[u8], start: usize, end: usize) -> Option<(u8, u32)> {
        let len = end.wrapping_sub(start);
        if len == 1 {
            let b = usize::from(*bytes.get(start)?);
            let f = (*self.single.get(b)?)?;
            return Some((f, self.single_ids[b]));
        }
        if !(2..=15).contains(&len) || start + 16 > bytes.len() || self.short.is_empty() {
            return None;
        }
        let lo = crate::text::load8(bytes, start);
        if len <= 8 {
            let m = u64::MAX >> (64 - 8 * len);
            let x = plain_lower8(lo & m, m)?;
            let mask = self.short.len() - 1;
            let mut at = known_slot(x, 0, self.short.len());
            loop {
                match self.short[at] {
                    k if k == x => return Some((self.short_flags[at], self.short_ids[at])),
                    0 => return Some((0, self.miss_id)),
                    _ => at = (at + 1) & mask,
                }
            }
        }
        let m = u64::MAX >> (64 - 8 * (len - 8));
        let x = plain_lower8(lo, u64::MAX)?;
        let y = plain_lower8(crate::text::load8(bytes, start + 8) & m, m)?;
        let mask = self.long.len() - 1;
        let mut at = known_slot(x, y, self.long.len());
        loop {
            match self.long[at] {
                [k, l] if (k, l) == (x, y) => {
                    return Some((self.long_flags[at], self.long_ids[at]))
                }
                [0, _] => return Some((0, self.miss_id)),
                _ => at = (at + 1) & mask,
            }
        }
    }
}

/// A superset of the words that begin a trigger key of one lexicon, as bits over a hash of
/// a word's length, first, second and last bytes: most words of a sentence are told apart
/// from every trigger with no look-up in the lexicon's table (the test sentence_events
/// makes before anything else, and before each look-up of a word). A set bit proves
/// nothing; a clear bit proves the word begins no trigger key.
struct TriggerWords {
    /// The first words of all trigger keys.
    first: Box<[u64]>,
    /// The same by [`word_hash2`]: a word with both bits set is much more likely to begin
    /// a trigger key than one with the first only.
    first2: Box<[u64]>,
    /// The first words of the trigger keys of more than one word.
    multi: Box<[u64]>,
    /// The words a plain ASCII token of 1 to 15 bytes may be, lower-cased, with their
    /// [`TokenTable`] flags: the first words of all trigger keys and the cue words (what
    /// [`KnownWords::of`] is made of).
    known_words: Vec<(Box<[u8]>, u8)>,
}

/// Bits of [`TriggerWords`] per set (4 KiB each).
const TRIGGER_BITS: usize = 1 << 15;

/// The hash [`TriggerWords`] keeps: of the length and the first, second and last bytes,
/// each with bit 5 set so that ASCII capitals hash as their lower case (the keys are lower
/// case, the tokens are not).
fn word_hash(w: &[u8]) -> usize {
    let (Some(&a), Some(&z)) = (w.first(), w.last()) else {
        return 0;
    };
    let b = w.get(1).copied().unwrap_or(a);
    hash_parts(a, b, z, w.len())
}

/// [`word_hash`] of a word from its first, second (or first again) and last bytes and its
/// length.
#[inline]
fn hash_parts(a: u8, b: u8, z: u8, len: usize) -> usize {
    let x = u32::from_le_bytes([a | 0x20, b | 0x20, z | 0x20, len as u8]);
    (x.wrapping_mul(0x9E37_79B1) >> (32 - 15)) as usize
}

/// A second hash for [`TriggerWords::first2`], of the length and the first, third,
/// second-to-last and last bytes (bit 5 set, as in [`word_hash`]).
fn word_hash2(w: &[u8]) -> usize {
    let (Some(&a), Some(&z)) = (w.first(), w.last()) else {
        return 0;
    };
    let c = w.get(2).copied().unwrap_or(a);
    let y = w.len().checked_sub(2).map_or(z, |i| w[i]);
    let x = u64::from_le_bytes([
        a | 0x20,
        c | 0x20,
        y | 0x20,
        z | 0x20,
        w.len() as u8,
        0,
        0,
        0,
    ]);
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - 15)) as usize
}

fn set_bit2(bits: &mut [u64], w: &[u8]) {
    let h = word_hash2(w);
    bits[h / 64] |= 1 << (h % 64);
}

fn set_bit(bits: &mut [u64], w: &[u8]) {
    let h = word_hash(w);
    bits[h / 64] |= 1 << (h % 64);
}

fn has_bit(bits: &[u64], w: &[u8]) -> bool {
    let h = word_hash(w);
    bits[h / 64] & (1 << (h % 64)) != 0
}

impl TriggerWords {
    /// The sets of `lex`'s trigger keys, derived from its entries as [`Lexicon::compile`]
    /// derives the first words of its keys (`fold_key` of the name and of each alias, then
    /// the part before the first space).
    fn new(lex: &Lexicon) -> TriggerWords {
        let mut first = vec![0u64; TRIGGER_BITS / 64].into_boxed_slice();
        let mut multi = vec![0u64; TRIGGER_BITS / 64].into_boxed_slice();
        let mut first2 = vec![0u64; TRIGGER_BITS / 64].into_boxed_slice();
        let mut first_words: Vec<String> = Vec::new();
        for e in lex.entries.iter().filter(|e| e.kind == Kind::Trigger) {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let key = fold_key(f);
                let w = key.split(' ').next().unwrap_or(&key);
                first_words.push(w.to_string());
                set_bit(&mut first, w.as_bytes());
                set_bit2(&mut first2, w.as_bytes());
                if key.contains(' ') {
                    set_bit(&mut multi, w.as_bytes());
                }
            }
        }
        let known_words: Vec<(Box<[u8]>, u8)> = first_words
            .iter()
            .map(|w| (w.as_bytes().into(), TRIGGER_START))
            .chain(super::relate::cue_words().map(|(w, code)| (w.as_bytes().into(), code)))
            .collect();
        TriggerWords {
            first,
            first2,
            multi,
            known_words,
        }
    }

    /// The sets of `lex`, built on the first call of a thread and again when another lexicon
    /// comes (told by its serial number; a lexicon is never changed once compiled).
    fn of(lex: &Lexicon) -> Rc<TriggerWords> {
        type Cached = Option<((u64, usize), Rc<TriggerWords>)>;
        thread_local! {
            static CACHE: RefCell<Cached> = const { RefCell::new(None) };
        }
        #[cfg(test)]
        if tests::UNFILTERED.with(std::cell::Cell::get) {
            // Every bit set: every word goes on to the lexicon, as before the sets.
            let all = vec![u64::MAX; TRIGGER_BITS / 64].into_boxed_slice();
            return Rc::new(TriggerWords {
                first: all.clone(),
                first2: all.clone(),
                multi: all,
                known_words: Vec::new(),
            });
        }
        let id = (lex.serial(), lex.entries.len());
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            match &*c {
                Some((k, t)) if *k == id => t.clone(),
                _ => {
                    let t = Rc::new(TriggerWords::new(lex));
                    *c = Some((id, t.clone()));
                    t
                }
            }
        })
    }

    /// Whether plain `word` (any case) may begin a trigger key: false when one of its two
    /// bits is clear.
    #[inline]
    fn may_begin_plain(&self, word: &[u8]) -> bool {
        has_bit(&self.first, word) && {
            let h = word_hash2(word);
            self.first2[h / 64] & (1 << (h % 64)) != 0
        }
    }

    /// Whether `word` may be a trigger key: false only when it has no space and begins no
    /// trigger key (a key of one word is its own first word).
    fn may_be_key(&self, word: &str) -> bool {
        word.contains(' ') || has_bit(&self.first, word.as_bytes())
    }

    /// Whether a trigger key of two words or more may begin with plain `word`.
    fn may_begin_phrase(&self, word: &str) -> bool {
        has_bit(&self.multi, word.as_bytes())
    }
}

/// The lexicon keys of one sentence's words and phrases, as `fold_key` gives them for the
/// words lower-cased and joined by single spaces, without a new string per word.
///
/// The sentence is copied once and ASCII-lower-cased. A "plain" token (ASCII, without periods,
/// backquotes, apostrophes or white space: most words) is its own key, a slice of that copy,
/// and so is a phrase of plain tokens one space apart in the text. Anything else takes the
/// general path, which folds the words like `fold_key`.
struct SentenceKeys {
    /// Start in the document of `low`.
    base: usize,
    /// The text from the first token to the last, ASCII letters lower-cased.
    low: String,
    /// Per token: the index of the first slot holding it, or [`NO_SLOT`].
    slot: Vec<u32>,
    /// Whether `low` is all ASCII: then every word is a slice of it, with no test of its
    /// bytes (most sentences; [`SentenceKeys::word`] runs for a few dozen tokens around
    /// each trigger).
    ascii: bool,
}

thread_local! {
    /// The buffers of [`SentenceKeys`], given back when it is dropped.
    static KEY_BUFFERS: RefCell<(String, Vec<u32>)> = const { RefCell::new((String::new(), Vec::new())) };
}

impl Drop for SentenceKeys {
    fn drop(&mut self) {
        let bufs = (
            std::mem::take(&mut self.low),
            std::mem::take(&mut self.slot),
        );
        // `try_with`: a thread being torn down has no buffers to keep.
        let _ = KEY_BUFFERS.try_with(|b| *b.borrow_mut() = bufs);
    }
}

/// Buffers of the general path of [`SentenceKeys::phrase`].
#[derive(Default)]
struct PhraseBuf {
    scratch: String,
    key: String,
}

/// [`SentenceKeys::slot`] of a token in no slot.
const NO_SLOT: u32 = u32::MAX;

/// Whether `word` (lower-cased or not) is a plain token: its key is itself lower-cased.
fn plain(word: &[u8]) -> bool {
    const NOT_PLAIN: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            // Not ASCII, ASCII white space, or a byte `fold_key` changes or drops.
            t[b] = matches!(
                b as u8,
                0x80..|b'\t'| b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'.' | b'`' | b'\''
            );
            b += 1;
        }
        t
    };
    !word.iter().any(|&b| NOT_PLAIN[b as usize])
}

/// The bytes of `bytes[start..end]` as one little-endian word (those past the end as 'a')
/// when the word has one to eight bytes, all from '0' to DEL but '`' (letters, digits and a
/// few signs, none that `fold_key` changes): then it is [`plain`], told without a look at
/// each byte. `None` proves nothing.
#[inline]
fn short_plain_word(bytes: &[u8], start: usize, end: usize) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let len = end.wrapping_sub(start);
    if !(1..=8).contains(&len) || start + 8 > bytes.len() {
        return None;
    }
    let mask = u64::MAX >> (8 * (8 - len));
    let x = (crate::text::load8(bytes, start) & mask) | ((ONES * b'a' as u64) & !mask);
    let ascii = x & HIGH == 0;
    // With no high bit set, adding 0x50 sets one exactly in the bytes from 0x30 up.
    let from_digits = x.wrapping_add(ONES * 0x50) & HIGH == HIGH;
    let q = x ^ (ONES * b'`' as u64);
    let no_backquote = q.wrapping_sub(ONES) & !q & HIGH == 0;
    (ascii && from_digits && no_backquote).then_some(x)
}

/// [`plain`] of `bytes[start..end]`, by [`short_plain_word`] where it can tell.
#[inline]
fn plain_at(bytes: &[u8], start: usize, end: usize) -> bool {
    short_plain_word(bytes, start, end).is_some() || plain(&bytes[start..end])
}

impl SentenceKeys {
    fn new(text: &str, toks: &[Token], slots: &[SlotSpan]) -> SentenceKeys {
        // The buffers of the thread's last sentence, reused: no allocation per sentence.
        let (mut low, mut slot) = KEY_BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
        slot.clear();
        slot.resize(toks.len(), NO_SLOT);
        for (n, sl) in slots.iter().enumerate() {
            for s in &mut slot[sl.first.min(toks.len())..sl.last.min(toks.len())] {
                if *s == NO_SLOT {
                    *s = n as u32;
                }
            }
        }
        let (base, end) = match (toks.first(), toks.last()) {
            (Some(a), Some(z)) => (a.span.start, z.span.end.max(a.span.start)),
            _ => (0, 0),
        };
        low.clear();
        low.push_str(&text[base..end]);
        low.make_ascii_lowercase();
        let ascii = low.is_ascii();
        SentenceKeys {
            base,
            low,
            slot,
            ascii,
        }
    }

    /// Token `k` lower-cased, as [`lower`] gives it: a slice of the lower-cased copy when
    /// ASCII (lower-casing ASCII text changes its ASCII capitals only).
    #[inline]
    fn word<'a>(&'a self, text: &str, toks: &[Token], k: usize) -> Cow<'a, str> {
        let s = toks[k].span;
        let w = &self.low[s.start - self.base..s.end - self.base];
        if self.ascii || w.is_ascii() {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(toks[k].text(text).to_lowercase())
        }
    }

    fn in_slot(&self, i: usize) -> bool {
        self.slot[i] != NO_SLOT
    }

    /// Token `i` lower-cased, when it is plain.
    fn plain(&self, toks: &[Token], i: usize) -> Option<&str> {
        let s = toks[i].span;
        let w = &self.low[s.start - self.base..s.end - self.base];
        plain(w.as_bytes()).then_some(w)
    }

    /// Whether the key of tokens `i..i + len` (`len` > 1, token i plain) has two words or
    /// more, the first being token i's key: true when the text they make, joined by
    /// spaces, is ASCII, the second token holds more than white space (a word of the key, if
    /// only of periods) and the last does not end as a possessive that the key drops. (False
    /// does not prove the contrary.)
    fn key_begins_with_first(&self, text: &str, toks: &[Token], i: usize, len: usize) -> bool {
        let last = i + len - 1;
        let second = toks[i + 1].text(text).as_bytes();
        let end = toks[last].text(text).as_bytes();
        let quote = |b: &u8| matches!(b, b'\'' | b'`');
        self.plain(toks, i).is_some()
            && toks[i + 1..=last].iter().all(|t| t.text(text).is_ascii())
            && second
                .iter()
                .any(|&b| !(b.is_ascii_whitespace() || b == 0x0B))
            && !matches!(end, [.., a] | [.., a, b's' | b'S'] if quote(a))
    }

    /// Whether tokens `i..i + len` are plain and one space apart: their key is then the text
    /// they cover, lower-cased.
    fn joinable(&self, text: &str, toks: &[Token], i: usize, len: usize) -> bool {
        let last = i + len - 1;
        let bytes = text.as_bytes();
        (i..=last).all(|k| self.plain(toks, k).is_some())
            && toks[i..=last]
                .windows(2)
                .all(|w| w[1].span.start == w[0].span.end + 1 && bytes[w[0].span.end] == b' ')
    }

    /// The key of tokens `i..i + len` (none in a slot), as `fold_key` gives for the words
    /// lower-cased and joined by spaces.
    fn phrase<'a>(
        &'a self,
        text: &str,
        toks: &[Token],
        i: usize,
        len: usize,
        buf: &'a mut PhraseBuf,
    ) -> &'a str {
        let last = i + len - 1;
        if self.joinable(text, toks, i, len) {
            return &self.low[toks[i].span.start - self.base..toks[last].span.end - self.base];
        }
        phrase_key(text, &toks[i..=last], &mut buf.scratch, &mut buf.key);
        &buf.key
    }
}

fn fold_byte(b: u8) -> u8 {
    if b == b'`' {
        b'\''
    } else {
        b.to_ascii_lowercase()
    }
}

/// Writes into `key` the lexicon key of `toks` lower-cased and joined by spaces: the same as
/// `fold_key(&words.join(" "))` with each word `to_lowercase`d, without allocating for ASCII
/// text. The general path of [`SentenceKeys::phrase`], rarely taken (kept out of line).
#[cold]
#[inline(never)]
fn phrase_key(text: &str, toks: &[Token], scratch: &mut String, key: &mut String) {
    scratch.clear();
    for (n, t) in toks.iter().enumerate() {
        if n > 0 {
            scratch.push(' ');
        }
        scratch.push_str(t.text(text));
    }
    key.clear();
    if scratch.is_ascii() {
        ascii_key_into(scratch.as_bytes(), key);
    } else {
        let lower: Vec<String> = toks.iter().map(|t| t.text(text).to_lowercase()).collect();
        key.push_str(&fold_key(&lower.join(" ")));
    }
}

/// `fold_key` of ASCII text, appended to `out`: lower-cased, '`' as '\'', a possessive ending
/// dropped, words split at white space and joined by one space, periods dropped (a word of
/// periods only still counts as a word).
fn ascii_key_into(s: &[u8], out: &mut String) {
    let fold = fold_byte;
    let end = match s {
        [.., a, b] if fold(*a) == b'\'' && fold(*b) == b's' => s.len() - 2,
        [.., a] if fold(*a) == b'\'' => s.len() - 1,
        _ => s.len(),
    };
    let start = out.len();
    for word in s[..end]
        .split(|&b| b.is_ascii_whitespace() || b == 0x0B)
        .filter(|w| !w.is_empty())
    {
        if out.len() > start {
            out.push(' ');
        }
        out.extend(
            word.iter()
                .filter(|&&b| b != b'.')
                .map(|&b| fold(b) as char),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_first_as_char_by_char() {
        for s in [
            "",
            "a",
            "attack",
            "Attack",
            "1st",
            "élan",
            "ßa",
            "ǆx",
            "kidnapping of",
        ] {
            let mut c = s.chars();
            let want: String = match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            };
            assert_eq!(cap_first(s), want, "{s:?}");
        }
    }
    use crate::corpus::Document;
    use crate::extract::tokens::tokenize;
    use crate::lexicon::Entry;
    use crate::pipeline::Pipeline;
    use crate::text::Span;

    thread_local! {
        /// Makes [`TriggerWords::of`] pass every word on, as the search did before it.
        pub(super) static UNFILTERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn seed_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("seeds folder")
            .map(|e| e.expect("seed entry").path())
            .collect();
        files.sort();
        assert!(files.len() >= 5);
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("seed text"))
            .collect()
    }

    /// Sentences with triggers in odd forms: capitals, phrases across line breaks and
    /// punctuation, possessives after a trigger, triggers joined by "and".
    const ODD_TRIGGERS: &str = "KIDNAPPING OF A JUDGE IN CARACAS. Police Took Control of the \
        Tocorón prison on Saturday. Gang members took\ncontrol of the town. The killing 's \
        echo. He was killed ' then. The Opened Fire near Bogotá. Hamas' attack on Israel in \
        October 2023 killed 1,200. The kidnapping and murder of Ronald Ojeda in Santiago, \
        Chile, in March 2024. Israeli strikes in Gaza. His capture by U.S. forces. The U.S. \
        invoked the Alien Enemies Act of 1798. A deadly shooting in Georgia. Murder rates \
        rose. He was found guilty of murdering two residents. “Deportations” to El Salvador \
        began on March 15, 2025. Suicide Bombing in Kabul. The\u{a0}bombing of the embassy.";

    /// Extraction with the trigger sets is extraction without them: on the seeds, on odd
    /// trigger forms and on every sentence of the seeds cut into documents of its own.
    #[test]
    fn trigger_sets_change_no_extraction() {
        let p = Pipeline::builtin().expect("built-in pipeline");
        let mut docs: Vec<String> = seed_texts();
        docs.push(ODD_TRIGGERS.to_string());
        docs.push(ODD_TRIGGERS.to_uppercase());
        docs.push(ODD_TRIGGERS.to_lowercase());
        let mut events = 0;
        for (n, text) in docs.iter().enumerate() {
            let doc = Document::new(format!("d{n}.txt"), text.clone());
            let fast = p.extract(&doc);
            UNFILTERED.with(|u| u.set(true));
            let slow = p.extract(&doc);
            UNFILTERED.with(|u| u.set(false));
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "document {n}");
            events += fast
                .nodes
                .iter()
                .filter(|n| n.etype == EntityType::Event)
                .count();
        }
        assert!(events > 20, "{events} events");
    }

    /// Every word whose key begins a trigger key (the lexicon says so) has its bit set:
    /// the words of every lexicon entry and of the seeds, in three cases.
    #[test]
    fn trigger_sets_hold_every_first_word() {
        let lex = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let t = TriggerWords::new(&lex);
        let mut words: Vec<String> = Vec::new();
        for e in &lex.entries {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                words.extend(f.split_whitespace().map(str::to_string));
                words.push(fold_key(f));
            }
        }
        for text in seed_texts() {
            words.extend(text.split_whitespace().map(str::to_string));
        }
        let mut firsts = 0;
        for w in &words {
            for w in [w.clone(), w.to_lowercase(), w.to_uppercase()] {
                let first = lex.first_word_kinds(&w) & Kind::Trigger.bit() != 0;
                if first && plain(w.as_bytes()) {
                    firsts += 1;
                    assert!(has_bit(&t.first, w.as_bytes()), "{w:?}");
                    assert!(t.may_begin_plain(w.as_bytes()), "{w:?}");
                }
                if lex.word_entry(&w, Kind::Trigger).is_some() {
                    assert!(t.may_be_key(&w), "{w:?}");
                }
                let multi = lex.entries.iter().any(|e| {
                    e.kind == Kind::Trigger
                        && std::iter::once(&e.name).chain(e.aliases.iter()).any(|f| {
                            let k = fold_key(f);
                            k.contains(' ') && k.split(' ').next() == Some(&w)
                        })
                });
                if multi {
                    assert!(t.may_begin_phrase(&w), "{w:?}");
                }
            }
        }
        assert!(firsts > 100, "{firsts}");
        // Most words are told apart with no look-up.
        let told = words
            .iter()
            .filter(|w| plain(w.as_bytes()) && !has_bit(&t.first, w.as_bytes()))
            .count();
        assert!(told * 10 > words.len() * 8, "{told} of {}", words.len());
    }

    /// A lexicon with triggers of its own gets its own sets.
    #[test]
    fn trigger_sets_follow_the_lexicon() {
        let base = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let mut entries = base.entries.clone();
        assert!(!TriggerWords::of(&base).may_begin_phrase("xyzzy"));
        entries.push(Entry {
            kind: Kind::Trigger,
            name: "xyzzy plugh".into(),
            aliases: vec!["Frobnicated".into()],
            subtype: "frob".into(),
            parent: String::new(),
            source: "test:1".into(),
        });
        let lex = Lexicon::compile(entries).expect("lexicon");
        let t = TriggerWords::of(&lex);
        assert!(t.may_begin_phrase("xyzzy") && has_bit(&t.first, b"Frobnicated"));
        assert!(has_bit(&TriggerWords::of(&lex).first, b"xyzzy"));
    }

    /// Where [`SentenceKeys::key_begins_with_first`] says so, the phrase's key has two words
    /// or more and token i's key first.
    fn check_first_words(text: &str, toks: &[Token]) -> usize {
        let keys = SentenceKeys::new(text, toks, &[]);
        let mut buf = PhraseBuf::default();
        let mut said = 0;
        for i in 0..toks.len() {
            let Some(first) = keys.plain(toks, i).map(str::to_string) else {
                continue;
            };
            for len in 2..=3 {
                if i + len > toks.len() || !keys.key_begins_with_first(text, toks, i, len) {
                    continue;
                }
                said += 1;
                let key = keys.phrase(text, toks, i, len, &mut buf);
                assert_eq!(
                    key.split_once(' ').map(|(a, _)| a),
                    Some(first.as_str()),
                    "{text:?} tokens {i}..{}",
                    i + len
                );
            }
        }
        said
    }

    #[test]
    fn phrases_begin_with_their_first_word_where_said() {
        let mut said = 0;
        for text in seed_texts() {
            for s in crate::text::segment(&text).sentences {
                said += check_first_words(&text, &tokenize(&text, s.span));
            }
        }
        assert!(said > 1000, "{said}");
        for text in [
            "killed 's",
            "killed '",
            "killed `S",
            "killed x's",
            "killed . The",
            "killed ...",
            "killed Rísquez",
            "killed \u{b}",
            ODD_TRIGGERS,
        ] {
            check_first_words(text, &tokenize(text, Span::new(0, text.len())));
        }
    }

    /// `named_event` and `law_name` as they were, collecting the words.
    fn old_named_event(text: &str) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        let last = words.last().copied().unwrap_or("");
        let first = words.first().copied().unwrap_or("");
        if words.len() < 2 {
            return false;
        }
        first == "Operation"
            || named_event(&format!("x {last}")) && !last.is_empty()
            || (words.len() >= 3
                && words[words.len() - 2] == "War"
                && matches!(last, "I" | "II" | "III"))
            || first == "Battle" && words.get(1) == Some(&"of")
    }

    fn old_law_name(text: &str) -> bool {
        let last = text.split_whitespace().last().unwrap_or("");
        text.split_whitespace().count() >= 2 && law_name(&format!("x {last}"))
    }

    #[test]
    fn named_event_and_law_name_walk_the_words_as_the_collected_words_did() {
        let cases = [
            "",
            " ",
            "War",
            "War II",
            "World War II",
            "World  War\tIII",
            "Second World War",
            "Operation",
            "Operation Just Cause",
            "Operation X",
            "Battle",
            "Battle of",
            "Battle of Hastings",
            "The Battle of",
            "Arab Spring",
            "Spring",
            " Arab Spring ",
            "Clean Air Act",
            "Act",
            "the Act",
            "Geneva Conventions",
            "Geneva Convention",
            "Treaty of Rome",
            "War I",
            "Cold War I",
            "Cold War IV",
            "\u{a0}Arab\u{2003}Spring\u{a0}",
            "Battle\u{85}of x",
            "War\u{b}II",
            "x\u{b}War II",
            "Act\u{3000}",
            "\u{3000}Law",
            "Law\u{3000}Law",
            "Operation\u{a0}",
            "é Coup",
        ];
        for t in cases {
            assert_eq!(named_event(t), old_named_event(t), "named_event({t:?})");
            assert_eq!(law_name(t), old_law_name(t), "law_name({t:?})");
        }
        assert!(named_event("World War II") && !named_event("War II"));
        assert!(law_name("Clean Air Act") && !law_name("Act"));
    }

    /// The key as the trigger search built it before [`SentenceKeys`]: every word lower-cased,
    /// joined by spaces, then `fold_key`.
    fn old_key(text: &str, toks: &[Token]) -> String {
        let words: Vec<String> = toks.iter().map(|t| t.text(text).to_lowercase()).collect();
        fold_key(&words.join(" "))
    }

    /// Every phrase of one to three free tokens of `text` (with `slots`) has the old key.
    fn check_phrases(text: &str, toks: &[Token], slots: &[SlotSpan]) {
        let keys = SentenceKeys::new(text, toks, slots);
        let mut buf = PhraseBuf::default();
        for i in 0..toks.len() {
            let in_slot = slots.iter().any(|s| s.first <= i && i < s.last);
            assert_eq!(keys.in_slot(i), in_slot, "{text:?} token {i}");
            for len in 1..=3 {
                if i + len > toks.len() || (i..i + len).any(|k| keys.in_slot(k)) {
                    continue;
                }
                let expected = old_key(text, &toks[i..i + len]);
                assert_eq!(
                    keys.phrase(text, toks, i, len, &mut buf),
                    expected,
                    "{text:?} tokens {i}..{}",
                    i + len
                );
            }
        }
    }

    #[test]
    fn ascii_key_into_is_fold_key() {
        for s in [
            "",
            "Kidnapping",
            "took control",
            "Maduro's",
            "Hamas'",
            "x`S",
            "U.S. forces",
            ". x",
            "a . b",
            "a .",
            " Tren  de\tAragua \n",
            "a\x0Bb",
            "O`Brien",
            "x.'s",
        ] {
            let mut out = String::new();
            ascii_key_into(s.as_bytes(), &mut out);
            assert_eq!(out, fold_key(s), "{s:?}");
        }
    }

    #[test]
    fn phrase_keys_of_the_seeds_match_the_old_keys() {
        let mut phrases = 0;
        for text in seed_texts() {
            for s in crate::text::segment(&text).sentences {
                let toks = tokenize(&text, s.span);
                check_phrases(&text, &toks, &[]);
                // The same sentence with every third token in a slot.
                let slots: Vec<SlotSpan> = (0..toks.len())
                    .step_by(3)
                    .map(|k| SlotSpan::one(k, k + 1, 'P', 0))
                    .collect();
                check_phrases(&text, &toks, &slots);
                phrases += toks.len();
            }
        }
        assert!(phrases > 1000, "{phrases} tokens");
    }

    #[test]
    fn phrase_keys_of_odd_tokens_match_the_old_keys() {
        for text in [
            "Maduro's kidnapping",
            "Hamas ' attack",
            "the coup d'état of 2002",
            "Rísquez ’s book",
            "... killed . them",
            "O`Brien `s KIDNAPPING 's",
            "U.S. strikes",
            "x's killings",
            "ΣΊΣΥΦΟΣ kidnapped",
            "“ liberate Aurora ”",
            "\u{212A}illed İstanbul",
            "a\u{a0}b killing",
            "\u{301} killing",
            "killing \u{301} \u{301}",
            "took  control of",
            "took\ncontrol of",
            "took\u{a0}control",
            "gang,killing and murder",
            "the KIDNAPPING of",
        ] {
            check_phrases(text, &tokenize(text, Span::new(0, text.len())), &[]);
        }
    }

    #[test]
    fn lower_is_to_lowercase() {
        for (word, borrowed) in [
            ("kidnapping", true),
            ("'s", true),
            (";", true),
            ("", true),
            ("Kidnapping", false),
            ("’s", false),
            ("\u{212A}ill", false),
            ("ΣΊΣΥΦΟΣ", false),
            ("é", false),
        ] {
            let l = lower(word);
            assert_eq!(l, word.to_lowercase(), "{word:?}");
            assert_eq!(matches!(l, Cow::Borrowed(_)), borrowed, "{word:?}");
        }
    }

    /// The hash of a short plain word from its loaded bytes is [`word_hash`] of the word.
    #[test]
    fn short_plain_word_hashes_as_the_word() {
        let text = "killed Took KIDNAPPING a ab abc 12345678 x-y AT&T opened fire kill";
        let b = text.as_bytes();
        let mut told = 0;
        for start in 0..b.len() {
            for end in start..=b.len() {
                let Some(x) = short_plain_word(b, start, end) else {
                    continue;
                };
                let len = end - start;
                let (a, z) = (x as u8, (x >> (8 * (len - 1))) as u8);
                let second = if len > 1 { (x >> 8) as u8 } else { a };
                assert_eq!(hash_parts(a, second, z, len), word_hash(&b[start..end]));
                told += 1;
            }
        }
        assert!(told > 100, "{told}");
    }

    /// `plain_at` is `plain` of every slice of words around its word-at-a-time limits.
    #[test]
    fn plain_at_is_plain() {
        let texts = [
            "killed kidnapping U.S. O'Brien x`s Rísquez a-b AT&T 0x7f \t\n ~~~ {|} @[\\]^_",
            "abcdefgh abcdefghi 12345678 ABCDEFGH abcdefg. abcdefg' abcdefg` abcdefg\u{7f}",
            "\u{1}\u{8}\u{b}\u{c}\r/:;<=>?!\"#$%()*+,-",
        ];
        for text in texts {
            let b = text.as_bytes();
            for start in 0..b.len() {
                for end in start..=b.len().min(start + 12) {
                    assert_eq!(
                        plain_at(b, start, end),
                        plain(&b[start..end]),
                        "{:?}",
                        &b[start..end]
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_at_is_plain_for_any_bytes(b in proptest::collection::vec(proptest::num::u8::ANY, 0..24), start in 0usize..24, len in 0usize..12) {
            let start = start.min(b.len());
            let end = (start + len).min(b.len());
            proptest::prop_assert_eq!(plain_at(&b, start, end), plain(&b[start..end]));
        }

        /// Tokens of any characters, one space apart (the tokenizer never yields such tokens,
        /// but the keys must not depend on that).
        #[test]
        fn phrase_keys_match_the_old_keys(words in proptest::collection::vec("[a-zA-Z.'`sS’éΣ\u{301}\u{212A}\u{130}\u{a0}\t-]{1,6}", 1..8)) {
            let text = words.join(" ");
            let mut toks = Vec::new();
            let mut at = 0;
            for w in &words {
                toks.push(Token { span: Span::new(at, at + w.len()), kind: TokKind::Word });
                at += w.len() + 1;
            }
            check_phrases(&text, &toks, &[]);
            check_first_words(&text, &toks);
        }

        /// The same with tokens apart by other gaps, or none.
        #[test]
        fn phrase_keys_with_any_gaps_match_the_old_keys(words in proptest::collection::vec(("[a-zA-Z.'`sS’é-]{1,5}", "( |  |\n|\t|)"), 1..8)) {
            let mut text = String::new();
            let mut toks = Vec::new();
            for (w, gap) in &words {
                toks.push(Token { span: Span::new(text.len(), text.len() + w.len()), kind: TokKind::Word });
                text.push_str(w);
                text.push_str(gap);
            }
            check_phrases(&text, &toks, &[]);
            check_first_words(&text, &toks);
        }

        /// The table's flags of any token are those of the general path: known words of any
        /// case and bytes, with text before and after or none.
        #[test]
        fn known_words_answer_as_the_general_path(
            word in "[a-zA-Z0-9.'`&\\-\u{7f}\u{1}\t é]{1,17}|(?i)(the|this|he|its|gang|group|kidnapping|killing|attack|war|assassinations|invoked|took)",
            before in "[a .]{0,3}",
            after in "[a .]{0,20}",
        ) {
            let text = format!("{before}{word}{after}");
            check_table(&text, &[Token { span: Span::new(before.len(), before.len() + word.len()), kind: TokKind::Word }]);
        }
    }

    /// Checks [`TokenTable`]'s flags of `toks` against [`may_start_trigger`] and
    /// [`super::super::relate::cue_code`], and returns how many tokens took the table.
    fn check_table(text: &str, toks: &[Token]) -> usize {
        let lex = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let triggers = TriggerWords::of(&lex);
        let table = KnownWords::of(&lex, None);
        let mut buf = PhraseBuf::default();
        let mut known = 0;
        for kind in [TokKind::Word, TokKind::Punct] {
            for t in toks {
                let t = Token { span: t.span, kind };
                let want = super::super::relate::cue_code(t.text(text))
                    | if may_start_trigger(text, &t, &lex, &triggers, &mut buf) {
                        TRIGGER_START
                    } else {
                        0
                    };
                let got = match table.get(text.as_bytes(), t.span.start, t.span.end) {
                    Some((f, _)) => {
                        known += 1;
                        if kind == TokKind::Word {
                            f
                        } else {
                            f & !TRIGGER_START
                        }
                    }
                    None => want,
                };
                assert_eq!(got, want, "{:?} as {kind:?}", t.text(text));
            }
        }
        known
    }

    /// The table answers as the general path for every token of the seeds and odd trigger
    /// forms, and for every lexicon word in three cases; most tokens take the table.
    #[test]
    fn token_table_answers_as_the_general_path() {
        let lex = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let mut texts = seed_texts();
        texts.push(ODD_TRIGGERS.to_string());
        texts.push(ODD_TRIGGERS.to_uppercase());
        let mut words = String::new();
        for e in &lex.entries {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                words.push_str(&format!("{f} {} {} ", f.to_lowercase(), f.to_uppercase()));
            }
        }
        texts.push(words);
        let (mut all, mut known) = (0, 0);
        for text in &texts {
            for s in crate::text::segment(text).sentences {
                let toks = tokenize(text, s.span);
                all += 2 * toks.len();
                known += check_table(text, &toks);
            }
        }
        assert!(known * 10 > all * 9, "{known} of {all}");
    }

    /// A document's table holds its sentences' flags in order, and tells the sentences with
    /// a trigger start.
    #[test]
    fn token_table_of_a_document() {
        let lex = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let text = "The gang met. Nothing here. He ordered the kidnapping.";
        let mut tokens = crate::extract::tokens::SentenceTokens::default();
        for s in crate::text::segment(text).sentences {
            tokens.push_sentence(text, s.span);
        }
        let table = TokenTable::new(text, &tokens, &lex, None);
        let has: Vec<bool> = (0..tokens.len())
            .map(|s| table.sentence_has(s, TRIGGER_START))
            .collect();
        assert_eq!(has, [false, false, true]);
        for s in 0..tokens.len() {
            assert_eq!(table.sentence(s).len(), tokens[s].len());
        }
        let last = table.sentence(2);
        let words: Vec<&str> = tokens[2].iter().map(|t| t.text(text)).collect();
        let k = words.iter().position(|w| *w == "kidnapping").expect("word");
        assert_ne!(last[k] & TRIGGER_START, 0);
        assert_eq!(last[0] & TRIGGER_START, 0);
        assert_ne!(table.sentence(0)[1] & CUE_CODE, 0, "gang");
        assert_eq!(table.sentence(1)[0], 0, "Nothing");
    }

    /// Given the ontology, the table's word ids are those the relation stage's own look-up
    /// gives, for every token of the seeds, of the lexicon's words in three cases and of the
    /// ontology's words, upper case too; most tokens have one. Without it, none has.
    #[test]
    fn token_table_ids_are_the_ontology_look_up() {
        let lex = Lexicon::load(&[] as &[&str]).expect("lexicon");
        let onto = Ontology::builtin().expect("ontology");
        let mut texts = seed_texts();
        let mut words = String::new();
        for e in &lex.entries {
            for f in std::iter::once(&e.name).chain(e.aliases.iter()) {
                words.push_str(&format!("{f} {} {} ", f.to_lowercase(), f.to_uppercase()));
            }
        }
        for (w, _) in onto.plain_words() {
            let w = std::str::from_utf8(w).expect("ASCII");
            words.push_str(&format!("{w} {} ", w.to_uppercase()));
        }
        texts.push(words);
        let (mut all, mut found, mut words_met) = (0, 0, 0);
        for text in &texts {
            let mut tokens = crate::extract::tokens::SentenceTokens::default();
            for s in crate::text::segment(text).sentences {
                tokens.push_sentence(text, s.span);
            }
            let table = TokenTable::new(text, &tokens, &lex, Some(&onto));
            let bare = TokenTable::new(text, &tokens, &lex, None);
            for s in 0..tokens.len() {
                assert_eq!(table.sentence(s), bare.sentence(s));
                assert!(bare.sentence_ids(s).iter().all(|&id| id == NO_ID));
                for (t, &id) in tokens[s].iter().zip(table.sentence_ids(s)) {
                    all += 1;
                    if id == NO_ID {
                        continue;
                    }
                    found += 1;
                    words_met += usize::from(id != WordSet::NO_WORD);
                    assert_ne!(t.kind, TokKind::Possessive);
                    let want = onto.lower_ascii_id(t.text(text).as_bytes());
                    assert_eq!(Some(id), want, "{:?}", t.text(text));
                }
            }
        }
        assert!(found * 10 > all * 9, "{found} of {all}");
        assert!(words_met * 10 > found, "{words_met} of {found}");
    }
}
