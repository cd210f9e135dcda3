//! Dates in text: absolute ("March 16, 2025", "Sept. 2023", "2014") and relative to the
//! article's date ("on Saturday", "last summer"), as ISO-like strings (`YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD`).

use regex::Regex;
use std::sync::OnceLock;

/// A calendar date (no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    fn days(&self) -> i64 {
        let (y, m) = if self.m <= 2 {
            (self.y as i64 - 1, self.m as i64 + 9)
        } else {
            (self.y as i64, self.m as i64 - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + self.d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    fn from_days(z: i64) -> Ymd {
        let z = z + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Ymd {
            y: (if m <= 2 { y + 1 } else { y }) as i32,
            m,
            d,
        }
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> u32 {
        (self.days() + 3).rem_euclid(7) as u32
    }

    pub fn add_days(&self, n: i64) -> Ymd {
        Ymd::from_days(self.days() + n)
    }
}

pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    Some(match w.as_str() {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

fn weekday_number(word: &str) -> Option<u32> {
    Some(match word.to_lowercase().as_str() {
        "monday" => 0,
        "tuesday" => 1,
        "wednesday" => 2,
        "thursday" => 3,
        "friday" => 4,
        "saturday" => 5,
        "sunday" => 6,
        _ => return None,
    })
}

const MONTHS: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let m = MONTHS;
        vec![
            (Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("regex"), "iso"),
            (Regex::new(&format!(r"\b({m})\s+(\d{{1,2}}),?\s+(\d{{4}})\b")).expect("regex"), "mdy"),
            (Regex::new(&format!(r"\b(\d{{1,2}})\s+({m})\s+(\d{{4}})\b")).expect("regex"), "dmy"),
            (Regex::new(&format!(r"\b({m})\s+(\d{{1,2}})\b")).expect("regex"), "md"),
            (Regex::new(&format!(r"\b({m})\s+(?:of\s+)?(\d{{4}})\b")).expect("regex"), "my"),
            (Regex::new(r"\b(?:on|last|this|next|Saturday's|Sunday's)?\s*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b").expect("regex"), "weekday"),
            (Regex::new(r"\b(?:in|since|by|of|early|late|mid-|during)\s*((?:19|20)\d{2})\b").expect("regex"), "year"),
        ]
    })
}

/// Literals that every match of some patterns holds, found in one pass over a text. Most
/// sentences have no month name, no weekday and no "19"/"20", and a pattern with `\b` on text
/// that is not ASCII runs the slow regex engines over the whole sentence, so a pattern whose
/// literal is missing is not run at all.
///
/// The month and year literals are looked at with their neighbours, as the patterns need
/// them ("March 16", "in 2014"): a month name alone ("Marco", "May I") or a year after a
/// comma ("March 16, 2025", which the month patterns find) runs no pattern. Where a
/// neighbour could be a Unicode space or digit (any byte not ASCII) the check lets the
/// pattern run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Literals {
    /// A '-' before a digit or a non-ASCII character (`\d` is Unicode).
    dash_digit: bool,
    /// The first three letters of a month name (every name in `MONTHS` starts so), the rest
    /// of the name, white space, then a digit or "of": what all four month patterns hold.
    month: bool,
    /// "day", in every weekday name.
    day: bool,
    /// "19" or "20" before a digit or a non-ASCII character, after one of the words of the
    /// year pattern (its last letter) and maybe white space: a year.
    century: bool,
}

/// ASCII white space as `\s` takes it (with '\x0B'), or a byte of a character that is not
/// ASCII (which may be Unicode white space or a Unicode digit).
fn space_or_unicode(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') || b >= 0x80
}

/// Whether a month name starting at `i` (its first three letters) is followed by white space
/// and then a digit or "of", as every month pattern needs.
fn month_then_number(b: &[u8], i: usize) -> bool {
    // The rest of the name: "uary", "ember", "." (the patterns' names go on in these).
    let mut j = i + 3;
    while j < b.len() && (b[j].is_ascii_lowercase() || b[j] == b'.') {
        j += 1;
    }
    let gap = j;
    let mut unicode = false;
    while j < b.len() && space_or_unicode(b[j]) {
        unicode |= b[j] >= 0x80;
        j += 1;
    }
    j > gap && (unicode || b.get(j).is_some_and(|&n| n.is_ascii_digit() || n == b'o'))
}

/// Whether "19"/"20" at `i` may follow a word of the year pattern: before it, after white
/// space if any, the last letter of "in", "since", "by", "of", "early", "late", "mid-" or
/// "during".
fn year_word_before(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && space_or_unicode(b[j - 1]) {
        if b[j - 1] >= 0x80 {
            return true;
        }
        j -= 1;
    }
    j > 0 && matches!(b[j - 1], b'n' | b'e' | b'y' | b'f' | b'-' | b'g')
}

impl Literals {
    fn of(text: &str) -> Literals {
        let b = text.as_bytes();
        let mut l = Literals::default();
        for i in 0..b.len() {
            match b[i] {
                b'-' => {
                    l.dash_digit |= b
                        .get(i + 1)
                        .is_some_and(|&n| n.is_ascii_digit() || n >= 0x80)
                }
                b'1' | b'2' => {
                    l.century |= matches!(b.get(i..i + 2), Some(b"19" | b"20"))
                        && b.get(i + 2)
                            .is_some_and(|&n| n.is_ascii_digit() || n >= 0x80)
                        && year_word_before(b, i)
                }
                b'd' => l.day |= b.get(i + 1..i + 3) == Some(b"ay"),
                b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D' => {
                    l.month |= matches!(
                        b.get(i..i + 3),
                        Some(
                            b"Jan"
                                | b"Feb"
                                | b"Mar"
                                | b"Apr"
                                | b"May"
                                | b"Jun"
                                | b"Jul"
                                | b"Aug"
                                | b"Sep"
                                | b"Oct"
                                | b"Nov"
                                | b"Dec"
                        )
                    ) && month_then_number(b, i)
                }
                _ => {}
            }
        }
        l
    }

    /// Whether the pattern of `kind` can match.
    fn allow(&self, kind: &str) -> bool {
        match kind {
            "iso" => self.dash_digit,
            "mdy" | "dmy" | "md" | "my" => self.month,
            "weekday" => self.day,
            "year" => self.century,
            _ => true,
        }
    }
}

/// The first date stated in `text`, resolved against `reference` for weekdays.
pub fn find_date(text: &str, reference: Option<Ymd>) -> Option<String> {
    find_date_in(text, reference, true)
}

/// [`find_date`], with the [`Literals`] check on or (to test it) off.
fn find_date_in(text: &str, reference: Option<Ymd>, check: bool) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let literals = Literals::of(text);
    for (re, kind) in patterns() {
        if check && !literals.allow(kind) {
            continue;
        }
        let Some(c) = re.captures(text) else { continue };
        let at = c.get(0).map(|m| m.start()).unwrap_or(0);
        let value = match *kind {
            "iso" => Some(format!("{}-{}-{}", &c[1], &c[2], &c[3])),
            "mdy" => month_number(&c[1]).map(|mo| {
                format!(
                    "{}-{:02}-{:02}",
                    &c[3],
                    mo,
                    c[2].parse::<u32>().unwrap_or(1)
                )
            }),
            "dmy" => month_number(&c[2]).map(|mo| {
                format!(
                    "{}-{:02}-{:02}",
                    &c[3],
                    mo,
                    c[1].parse::<u32>().unwrap_or(1)
                )
            }),
            "md" => match (month_number(&c[1]), reference) {
                (Some(mo), Some(r)) => Some(format!(
                    "{}-{:02}-{:02}",
                    r.y,
                    mo,
                    c[2].parse::<u32>().unwrap_or(1)
                )),
                _ => None,
            },
            "my" => month_number(&c[1]).map(|mo| format!("{}-{:02}", &c[2], mo)),
            "weekday" => match (weekday_number(&c[1]), reference) {
                (Some(wd), Some(r)) => {
                    // The most recent such weekday on or before the article's date.
                    let back = (r.weekday() as i64 - wd as i64).rem_euclid(7);
                    Some(r.add_days(-back).iso())
                }
                _ => None,
            },
            "year" => Some(c[1].to_string()),
            _ => None,
        };
        if let Some(v) = value {
            // Prefer the earliest in the text; at the same place, the most specific.
            let better = match &best {
                None => true,
                Some((b_at, b_v)) => at < *b_at || (at == *b_at && v.len() > b_v.len()),
            };
            if better {
                best = Some((at, v));
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The article's own date: the first full date in its opening (timestamp or dateline).
pub fn document_date(text: &str, given: Option<&str>) -> Option<Ymd> {
    if let Some(g) = given {
        if let Some(d) = parse_full(g) {
            return Some(d);
        }
    }
    let head = &text[..floor_boundary(text, 3000)];
    let v = find_date_full(head)?;
    parse_full(&v)
}

fn find_date_full(text: &str) -> Option<String> {
    let p = patterns();
    let mut best: Option<(usize, String)> = None;
    for (re, kind) in &p[..3] {
        if let Some(c) = re.captures(text) {
            let at = c.get(0).map(|m| m.start()).unwrap_or(0);
            let v = match *kind {
                "iso" => Some(format!("{}-{}-{}", &c[1], &c[2], &c[3])),
                "mdy" => month_number(&c[1]).map(|mo| {
                    format!(
                        "{}-{:02}-{:02}",
                        &c[3],
                        mo,
                        c[2].parse::<u32>().unwrap_or(1)
                    )
                }),
                _ => month_number(&c[2]).map(|mo| {
                    format!(
                        "{}-{:02}-{:02}",
                        &c[3],
                        mo,
                        c[1].parse::<u32>().unwrap_or(1)
                    )
                }),
            };
            if let Some(v) = v {
                if best.as_ref().is_none_or(|(b, _)| at < *b) {
                    best = Some((at, v));
                }
            }
        }
    }
    best.map(|(_, v)| v)
}

fn parse_full(s: &str) -> Option<Ymd> {
    let s = s.get(..10)?;
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(Ymd { y, m, d })
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let r = Some(Ymd {
            y: 2025,
            m: 3,
            d: 18,
        });
        for (text, expected) in [
            ("when he invoked the law on Saturday", Some("2025-03-15")),
            ("found in Santiago, Chile, in March 2024.", Some("2024-03")),
            ("In September 2023, soldiers came", Some("2023-09")),
            ("Sunday, March 16, 2025.", Some("2025-03-16")),
            ("the crisis in 2014 made", Some("2014")),
            ("On Jan. 18, the eve", Some("2025-01-18")),
            ("nothing here", None),
        ] {
            assert_eq!(find_date(text, r).as_deref(), expected, "{text}");
        }
        assert_eq!(
            Ymd {
                y: 2025,
                m: 3,
                d: 18
            }
            .weekday(),
            1
        );
        assert_eq!(
            document_date("Title\n\n2025-03-18 09:07 Last Updated", None),
            r
        );
    }

    /// Texts where the literal check must let a pattern run: each pattern, with Unicode digits
    /// and spaces where the patterns take them.
    #[test]
    fn literal_check_keeps_every_kind() {
        for (text, kind) in [
            ("2025-03-18", "iso"),
            ("२०२५-०३-१८", "iso"),
            ("March 16, 2025", "mdy"),
            ("16 Sept. 2025", "dmy"),
            ("on Jan. 18", "md"),
            ("May\u{a0}2020", "my"),
            ("last Sunday", "weekday"),
            ("since 1998", "year"),
            ("in 20٢٥", "year"),
        ] {
            assert!(Literals::of(text).allow(kind), "{text:?} {kind}");
            assert!(patterns()
                .iter()
                .any(|(re, k)| *k == kind && re.is_match(text)));
        }
        let none = Literals::of("nothing here, 2 1 9 - x mar ay D");
        assert_eq!(none, Literals::default());
        // Month names and years without the neighbours the patterns need.
        for text in [
            "Marco said",
            "May I",
            "March.",
            "Mayor 5",
            "March 16, 2025",
            "the 2025 vote",
            "Jan 2",
        ] {
            let l = Literals::of(text);
            let expected = matches!(
                text,
                "Mayor 5" | "March 16, 2025" | "Jan 2" | "the 2025 vote"
            );
            assert_eq!(l.month || l.century, expected, "{text:?}");
        }
    }

    fn same_with_and_without_the_check(text: &str) {
        let r = Some(Ymd {
            y: 2025,
            m: 3,
            d: 18,
        });
        for reference in [r, None] {
            assert_eq!(
                find_date_in(text, reference, true),
                find_date_in(text, reference, false),
                "{text:?}"
            );
        }
    }

    #[test]
    fn literal_check_changes_no_date_of_the_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut n = 0;
        for f in std::fs::read_dir(&dir).expect("seeds folder") {
            let text = std::fs::read_to_string(f.expect("seed").path()).expect("seed text");
            for s in crate::text::segment(&text).sentences {
                same_with_and_without_the_check(s.span.slice(&text));
                n += 1;
            }
        }
        assert!(n > 100, "{n} sentences");
    }

    proptest::proptest! {
        #[test]
        fn literal_check_changes_no_date(text in "(on |in |of |Sept?\\.? |Mar(ch)? |May |Monday|Sunday's |day |19|20|2025|-|0|7|٣| |\u{a0}|,|é|x)*") {
            same_with_and_without_the_check(&text);
        }

        /// The neighbours of month names and years: words, spaces (Unicode ones too) and digits.
        #[test]
        fn literal_check_with_neighbours_changes_no_date(text in "(Jan|Sep|Dec|May|uary|t|ember|or|\\.|of|o|in|since|by|early|late|mid-|during|e|n|y|g|19|20|1|2|0|٣| |  |\t|\u{b}|\u{a0}|\u{2003}|,|é|x)*") {
            same_with_and_without_the_check(&text);
        }
    }
}
