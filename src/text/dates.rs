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
    /// A weekday name ("Monday" … "Sunday", as the weekday pattern spells them).
    day: bool,
    /// "19" or "20" before a digit or a non-ASCII character, after one of the words of the
    /// year pattern (its last letter) and maybe white space: a year.
    century: bool,
    /// Where the first of each literal above starts (0 while it is missing): no match of a
    /// pattern starts much before its literal ([`Literals::from`]), so the scan for it
    /// begins there rather than at the start of the sentence.
    dash_at: usize,
    month_at: usize,
    day_at: usize,
    century_at: usize,
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

/// The length of the start of a weekday name ("Mon", "Wednes") that ends at `i` (where its
/// "day" starts), if one does.
fn weekday_start_before(b: &[u8], i: usize) -> Option<usize> {
    let head = &b[..i];
    [
        &b"Mon"[..],
        b"Tues",
        b"Wednes",
        b"Thurs",
        b"Fri",
        b"Satur",
        b"Sun",
    ]
    .iter()
    .find(|p| head.ends_with(p))
    .map(|p| p.len())
}

/// The start of the run of white space (or bytes not ASCII, which may be Unicode white
/// space) that ends at `i`.
fn spaces_before(b: &[u8], mut i: usize) -> usize {
    while i > 0 && space_or_unicode(b[i - 1]) {
        i -= 1;
    }
    i
}

impl Literals {
    fn of(text: &str) -> Literals {
        let b = text.as_bytes();
        let mut l = Literals::default();
        // Only a few bytes can start a literal: the others are passed over sixteen at a time.
        let mut i = 0;
        loop {
            let (at, mut bits) = literal_starts(b, i);
            if bits == 0 {
                i = at;
                break;
            }
            while bits != 0 {
                l.look_at(b, at + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
            i = at + 16;
        }
        for i in i..b.len() {
            l.look_at(b, i);
        }
        l
    }

    /// Notes the literal that starts at byte `i` of `b`, if one does and is the first of its
    /// kind. Scanned from left to right, so each `_at` is where the first one starts.
    #[inline(always)]
    fn look_at(&mut self, b: &[u8], i: usize) {
        let l = self;
        // Sets a literal's flag, and where it is when it is the first.
        fn hit(flag: &mut bool, at: &mut usize, found: bool, i: usize) {
            if found && !*flag {
                *flag = true;
                *at = i;
            }
        }
        {
            match b[i] {
                b'-' => hit(
                    &mut l.dash_digit,
                    &mut l.dash_at,
                    b.get(i + 1)
                        .is_some_and(|&n| n.is_ascii_digit() || n >= 0x80),
                    i,
                ),
                b'1' | b'2' => hit(
                    &mut l.century,
                    &mut l.century_at,
                    matches!(b.get(i..i + 2), Some(b"19" | b"20"))
                        && b.get(i + 2)
                            .is_some_and(|&n| n.is_ascii_digit() || n >= 0x80)
                        && year_word_before(b, i),
                    i,
                ),
                b'd' if !l.day && b.get(i + 1..i + 3) == Some(b"ay") => {
                    if let Some(n) = weekday_start_before(b, i) {
                        hit(&mut l.day, &mut l.day_at, true, i - n);
                    }
                }
                b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D' => {
                    let found = matches!(
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
                    ) && month_then_number(b, i);
                    hit(&mut l.month, &mut l.month_at, found, i);
                }
                _ => {}
            }
        }
    }

    /// Where a match of the pattern of `kind` can start at the earliest in `b` (the text
    /// these literals are of), when [`Literals::allow`] lets it run. A match holds its
    /// pattern's literal, and only its own words, digits and white space stand between
    /// where it starts and its literal, so none starts before the first literal less
    /// those: four digits before an ISO date's '-', a day and white space before a month
    /// name, a word of the weekday pattern ("Saturday's" the longest) or of the year
    /// pattern ("during") and white space before the weekday or the year.
    fn from(&self, kind: DateKind, b: &[u8]) -> usize {
        use DateKind::*;
        match kind {
            Iso => self.dash_at.saturating_sub(4),
            Mdy | Md | My => self.month_at,
            Dmy => spaces_before(b, self.month_at).saturating_sub(2),
            Weekday => spaces_before(b, self.day_at).saturating_sub("Saturday's".len()),
            Year => spaces_before(b, self.century_at).saturating_sub("during".len()),
        }
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

/// From `at`, in steps of sixteen bytes: the start of the first block of sixteen of `b` that
/// holds a byte a [`Literals`] literal may start with ('-', '1', '2', 'd' or a capital: a
/// superset of those [`Literals::look_at`] reads), with a mask of those bytes (bit `k` for
/// the byte at `start + k`); when no whole block from `at` holds one, where the last bytes
/// (fewer than sixteen) start, with an empty mask: the caller looks at those one by one.
#[inline(always)]
fn literal_starts(b: &[u8], at: usize) -> (usize, u32) {
    crate::text::blocks::first_block(b, at, |v| {
        let capital = v.in_range(b'A', 25);
        let one_or_two = v.in_range(b'1', 1);
        capital.or(one_or_two).or(v.eq(b'-')).or(v.eq(b'd')).mask()
    })
}

/// The first date stated in `text`, resolved against `reference` for weekdays.
pub fn find_date(text: &str, reference: Option<Ymd>) -> Option<String> {
    if has_unicode_digit(text) {
        return find_date_in(text, reference, true);
    }
    find_date_by_hand(text, reference)
}

/// [`find_date`] of a text without Unicode digits, by [`Scan`]. (The [`Literals`] check
/// spares it as it spares the regexes: the same matches.)
fn find_date_by_hand(text: &str, reference: Option<Ymd>) -> Option<String> {
    let literals = Literals::of(text);
    let s = Scan::new(text);
    let mut best: Option<(usize, String)> = None;
    for kind in KINDS {
        if !literals.allow(kind) {
            continue;
        }
        let Some(k) = DateKind::of(kind) else {
            continue;
        };
        let Some((at, groups)) = s.first_from(k, literals.from(k, s.b)) else {
            continue;
        };
        if let Some(v) = value(kind, groups, reference) {
            keep_better(&mut best, at, v);
        }
    }
    best.map(|(_, v)| v)
}

/// The kinds of date in the order of [`patterns`].
const KINDS: [&str; 7] = ["iso", "mdy", "dmy", "md", "my", "weekday", "year"];

/// Whether `text` holds a character other than an ASCII digit that may be a Unicode decimal
/// digit (`\d` of the patterns): the hand-written matcher knows ASCII digits only, so such a
/// text goes to the regexes (a superset: every `Nd` character is numeric).
fn has_unicode_digit(text: &str) -> bool {
    // Only the characters beyond ASCII are decoded (a few per sentence: quotes, dashes); the
    // ASCII between them is passed over eight bytes at a time.
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(k) = next_non_ascii(b, i) {
        let Some(c) = text[k..].chars().next() else {
            return false;
        };
        if c.is_numeric() {
            return true;
        }
        i = k + c.len_utf8();
    }
    false
}

/// The first byte of `b` from `at` on that is not ASCII.
fn next_non_ascii(b: &[u8], mut at: usize) -> Option<usize> {
    while at + 8 <= b.len() {
        let high = crate::text::load8(b, at) & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    (at..b.len()).find(|&k| b[k] >= 0x80)
}

/// Prefer the earliest in the text; at the same place, the most specific (longest).
fn keep_better(best: &mut Option<(usize, String)>, at: usize, v: String) {
    let better = match best {
        None => true,
        Some((b_at, b_v)) => at < *b_at || (at == *b_at && v.len() > b_v.len()),
    };
    if better {
        *best = Some((at, v));
    }
}

/// The date a match of the pattern of `kind` states, from its capture groups (in the
/// patterns' order; unused ones empty).
fn value(kind: &str, c: [&str; 3], reference: Option<Ymd>) -> Option<String> {
    let day = |d: &str| d.parse::<u32>().unwrap_or(1);
    // What `format!("{year}-{month:02}-{day:02}")` writes (without `day`: "{year}-{month:02}"),
    // put together by hand: the formatting machinery cost more than the rest of the look.
    let ymd = |year: &str, month: u32, day: Option<u32>| {
        let mut out = String::with_capacity(year.len() + 6);
        out.push_str(year);
        for n in std::iter::once(month).chain(day) {
            out.push('-');
            push_two_digits(&mut out, n);
        }
        out
    };
    match kind {
        "iso" => Some([c[0], "-", c[1], "-", c[2]].concat()),
        "mdy" => month_number(c[0]).map(|mo| ymd(c[2], mo, Some(day(c[1])))),
        "dmy" => month_number(c[1]).map(|mo| ymd(c[2], mo, Some(day(c[0])))),
        "md" => match (month_number(c[0]), reference) {
            (Some(mo), Some(r)) => Some(format!("{}-{:02}-{:02}", r.y, mo, day(c[1]))),
            _ => None,
        },
        "my" => month_number(c[0]).map(|mo| ymd(c[1], mo, None)),
        "weekday" => match (weekday_number(c[0]), reference) {
            (Some(wd), Some(r)) => {
                // The most recent such weekday on or before the article's date.
                let back = (r.weekday() as i64 - wd as i64).rem_euclid(7);
                Some(r.add_days(-back).iso())
            }
            _ => None,
        },
        "year" => Some(c[0].to_string()),
        _ => None,
    }
}

/// Appends `n` as `format!("{n:02}")` writes it.
fn push_two_digits(out: &mut String, n: u32) {
    if n < 100 {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        out.push_str(&n.to_string());
    }
}

/// The capture groups of a regex match (1 to 3; the rest empty).
fn groups<'t>(c: &regex::Captures<'t>) -> [&'t str; 3] {
    let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
    [g(1), g(2), g(3)]
}

/// [`find_date`] by the regexes, with the [`Literals`] check on or (to test it) off: the
/// way for texts with Unicode digits, and the oracle of the hand-written matcher.
fn find_date_in(text: &str, reference: Option<Ymd>, check: bool) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let literals = Literals::of(text);
    for (re, kind) in patterns() {
        if check && !literals.allow(kind) {
            continue;
        }
        let Some(c) = re.captures(text) else { continue };
        let at = c.get(0).map(|m| m.start()).unwrap_or(0);
        if let Some(v) = value(kind, groups(&c), reference) {
            keep_better(&mut best, at, v);
        }
    }
    best.map(|(_, v)| v)
}

/// The first matches of the date patterns, found by hand: the same leftmost match and the
/// same groups as each regex of [`patterns`] on a text without Unicode digits (the
/// quantifiers tried in the regexes' order of preference), without compiling or running
/// the regexes. `\b` is Unicode's word boundary, `\s` Unicode white space.
struct Scan<'t> {
    t: &'t str,
    b: &'t [u8],
}

/// The patterns of [`patterns`], for [`Scan`].
#[derive(Debug, Clone, Copy)]
enum DateKind {
    Iso,
    Mdy,
    Dmy,
    Md,
    My,
    Weekday,
    Year,
}

impl DateKind {
    fn of(kind: &str) -> Option<DateKind> {
        use DateKind::*;
        Some(match kind {
            "iso" => Iso,
            "mdy" => Mdy,
            "dmy" => Dmy,
            "md" => Md,
            "my" => My,
            "weekday" => Weekday,
            "year" => Year,
            _ => return None,
        })
    }
}

/// Per [`DateKind`]: the bytes a match of its pattern may start with (each starts with `\b`
/// and then a byte of a few, or white space).
static START_BYTES: [[bool; 256]; 7] = {
    let mut t = [[false; 256]; 7];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let digit = b.is_ascii_digit();
        let month = matches!(b, b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D');
        t[DateKind::Iso as usize][c] = digit;
        t[DateKind::Dmy as usize][c] = digit;
        t[DateKind::Mdy as usize][c] = month;
        t[DateKind::Md as usize][c] = month;
        t[DateKind::My as usize][c] = month;
        t[DateKind::Year as usize][c] =
            matches!(b, b'i' | b's' | b'b' | b'o' | b'e' | b'l' | b'm' | b'd');
        // A word before the weekday, white space, or the weekday.
        t[DateKind::Weekday as usize][c] = matches!(
            b,
            b'o' | b'l' | b't' | b'n' | b'S' | b'M' | b'T' | b'W' | b'F'
        ) || b >= 0x80
            || matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        c += 1;
    }
    t
};

/// The words of the weekday pattern that may stand before a weekday, in its order.
const WEEKDAY_WORDS: [&str; 6] = ["on", "last", "this", "next", "Saturday's", "Sunday's"];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// The words of the year pattern, in its order.
const YEAR_WORDS: [&str; 8] = ["in", "since", "by", "of", "early", "late", "mid-", "during"];

/// The forms of each month name in [`MONTHS`], most preferred first (a greedy `?` tries its
/// group before skipping it; "Sept?(?:ember|\.)?" also takes "Sepember").
const MONTH_FORMS: [&[&str]; 12] = [
    &["January", "Jan.", "Jan"],
    &["February", "Feb.", "Feb"],
    &["March", "Mar.", "Mar"],
    &["April", "Apr.", "Apr"],
    &["May"],
    &["June", "Jun"],
    &["July", "Jul"],
    &["August", "Aug.", "Aug"],
    &["September", "Sept.", "Sept", "Sepember", "Sep.", "Sep"],
    &["October", "Oct.", "Oct"],
    &["November", "Nov.", "Nov"],
    &["December", "Dec.", "Dec"],
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'t> Scan<'t> {
    fn new(t: &'t str) -> Scan<'t> {
        Scan { t, b: t.as_bytes() }
    }

    /// `\b` at `i`: ASCII neighbours by a byte test, others as the regex engine decides.
    fn boundary(&self, i: usize) -> bool {
        let before = i.checked_sub(1).map(|j| self.b[j]);
        let after = self.b.get(i).copied();
        if before.is_some_and(|c| c >= 0x80) || after.is_some_and(|c| c >= 0x80) {
            return regex_automata::util::look::LookMatcher::new()
                .is_word_unicode(self.b, i)
                .unwrap_or(false);
        }
        before.is_some_and(is_word_byte) != after.is_some_and(is_word_byte)
    }

    /// The end of the run of white space (`\s*`) starting at `i`.
    fn spaces(&self, mut i: usize) -> usize {
        while let Some(&c) = self.b.get(i) {
            if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
                i += 1;
            } else if c >= 0x80 {
                match self.t.get(i..).and_then(|r| r.chars().next()) {
                    Some(ch) if ch.is_whitespace() => i += ch.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        i
    }

    /// The number of ASCII digits at `i`, up to `max`.
    fn digits(&self, i: usize, max: usize) -> usize {
        self.b
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count()
    }

    /// `\d{4}\b` at `i`: its end.
    fn year(&self, i: usize) -> Option<usize> {
        (self.digits(i, 4) == 4 && self.boundary(i + 4)).then_some(i + 4)
    }

    fn at(&self, i: usize, lit: &str) -> bool {
        self.b
            .get(i..)
            .is_some_and(|r| r.starts_with(lit.as_bytes()))
    }

    /// The ends of the forms of a month name at `i`, most preferred first.
    fn months(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let forms: &[&str] = match self.b.get(i..i + 3) {
            Some(p) => MONTH_FORMS
                .iter()
                .find(|f| f[f.len() - 1].as_bytes() == p)
                .map_or(&[], |f| *f),
            None => &[],
        };
        forms
            .iter()
            .filter(move |f| self.at(i, f))
            .map(move |f| i + f.len())
    }

    /// `\s+` at `i`: its end.
    fn space1(&self, i: usize) -> Option<usize> {
        let e = self.spaces(i);
        (e > i).then_some(e)
    }

    /// The first match of the pattern of `kind`: where it starts, and its groups.
    fn first(&self, kind: &str) -> Option<(usize, [&'t str; 3])> {
        self.first_from(DateKind::of(kind)?, 0)
    }

    /// [`Scan::first`] when no match starts before `from`.
    fn first_from(&self, kind: DateKind, from: usize) -> Option<(usize, [&'t str; 3])> {
        // Only where the pattern's first byte may stand (a table look-up per byte).
        let starts = &START_BYTES[kind as usize];
        self.b
            .get(from..)?
            .iter()
            .enumerate()
            .filter(|&(_, &c)| starts[c as usize])
            .find_map(|(n, _)| self.match_at(kind, from + n).map(|g| (from + n, g)))
    }

    /// The match of the pattern of `kind` starting at `p`, if any.
    fn match_at(&self, kind: DateKind, p: usize) -> Option<[&'t str; 3]> {
        use DateKind::*;
        let b = self.b;
        let t = self.t;
        let may_start = START_BYTES[kind as usize][b[p] as usize];
        if !may_start || !self.boundary(p) {
            return None;
        }
        match kind {
            Iso => {
                let ok = self.digits(p, 4) == 4
                    && b.get(p + 4) == Some(&b'-')
                    && self.digits(p + 5, 2) == 2
                    && b.get(p + 7) == Some(&b'-')
                    && self.digits(p + 8, 2) == 2
                    && self.boundary(p + 10);
                ok.then(|| [&t[p..p + 4], &t[p + 5..p + 7], &t[p + 8..p + 10]])
            }
            Mdy => self.months(p).find_map(|q| {
                let s = self.space1(q)?;
                // `\s+(\d{4})\b` at `i`: where the year starts and ends.
                let year_after = |i: usize| self.space1(i).and_then(|y| Some((y, self.year(y)?)));
                (1..=self.digits(s, 2)).rev().find_map(|n| {
                    let e = s + n;
                    // `,?` takes the comma first, and goes without it if the rest fails.
                    let (y, z) = (b.get(e) == Some(&b','))
                        .then(|| year_after(e + 1))
                        .flatten()
                        .or_else(|| year_after(e))?;
                    Some([&t[p..q], &t[s..e], &t[y..z]])
                })
            }),
            Dmy => (1..=self.digits(p, 2)).rev().find_map(|n| {
                let e = p + n;
                let s = self.space1(e)?;
                self.months(s).find_map(|q| {
                    let y = self.space1(q)?;
                    let z = self.year(y)?;
                    Some([&t[p..e], &t[s..q], &t[y..z]])
                })
            }),
            Md => self.months(p).find_map(|q| {
                let s = self.space1(q)?;
                (1..=self.digits(s, 2))
                    .rev()
                    .find(|&n| self.boundary(s + n))
                    .map(|n| [&t[p..q], &t[s..s + n], ""])
            }),
            My => self.months(p).find_map(|q| {
                let s = self.space1(q)?;
                let of = self
                    .at(s, "of")
                    .then(|| self.space1(s + 2))
                    .flatten()
                    .and_then(|y| self.year(y).map(|z| (y, z)));
                let (y, z) = of.or_else(|| self.year(s).map(|z| (s, z)))?;
                Some([&t[p..q], &t[y..z], ""])
            }),
            Weekday => {
                let day = |q: usize| {
                    WEEKDAYS
                        .iter()
                        .find(|d| self.at(q, d) && self.boundary(q + d.len()))
                        .map(|d| [&t[q..q + d.len()], "", ""])
                };
                WEEKDAY_WORDS
                    .iter()
                    .filter(|w| self.at(p, w))
                    .find_map(|w| day(self.spaces(p + w.len())))
                    .or_else(|| day(self.spaces(p)))
            }
            Year => {
                let w = YEAR_WORDS.iter().find(|w| self.at(p, w))?;
                let q = self.spaces(p + w.len());
                let century = self.at(q, "19") || self.at(q, "20");
                let z = self.year(q).filter(|_| century)?;
                Some([&t[q..z], "", ""])
            }
        }
    }
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

/// The first full date (the "iso", "mdy" and "dmy" patterns; the earliest, the first kind
/// at the same place).
fn find_date_full(text: &str) -> Option<String> {
    if has_unicode_digit(text) {
        return find_date_full_regex(text);
    }
    find_date_full_by_hand(text)
}

fn find_date_full_by_hand(text: &str) -> Option<String> {
    let s = Scan::new(text);
    let mut best: Option<(usize, String)> = None;
    for kind in &KINDS[..3] {
        if let Some((at, g)) = s.first(kind) {
            if let Some(v) = value(kind, g, None) {
                if best.as_ref().is_none_or(|(b, _)| at < *b) {
                    best = Some((at, v));
                }
            }
        }
    }
    best.map(|(_, v)| v)
}

/// [`find_date_full`] by the regexes.
fn find_date_full_regex(text: &str) -> Option<String> {
    let p = patterns();
    let mut best: Option<(usize, String)> = None;
    for (re, kind) in &p[..3] {
        if let Some(c) = re.captures(text) {
            let at = c.get(0).map(|m| m.start()).unwrap_or(0);
            if let Some(v) = value(kind, groups(&c), None) {
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
        let none = Literals::of("nothing here, 2 1 9 - x mar ay D today holiday");
        assert!(Literals::of("Fridays").day);
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

    /// [`Literals::of`] as it reads every byte, without the blocks of sixteen.
    fn literals_byte_by_byte(text: &str) -> Literals {
        let mut l = Literals::default();
        for i in 0..text.len() {
            l.look_at(text.as_bytes(), i);
        }
        l
    }

    #[test]
    fn literal_blocks_miss_no_literal() {
        let pieces = [
            "in 2025",
            "since 1998",
            "on Monday",
            "last Sunday's",
            "March 16",
            "Sept. 2023",
            "2025-03-18",
            "-٣",
            "in 20٢٥",
            "May\u{a0}2020",
            "x",
            "ab",
            "  ",
            "é",
        ];
        for (n, piece) in pieces.iter().enumerate() {
            // Each piece at every place of a block, after and before filler (some of it the
            // bytes the blocks look for, which no literal starts).
            for pad in 0..40 {
                for filler in ["a", "D", "d", "1", "-", "é"] {
                    let text = format!("{}{piece} {}", filler.repeat(pad), pieces[(n + 1) % 14]);
                    assert_eq!(
                        Literals::of(&text),
                        literals_byte_by_byte(&text),
                        "{text:?}"
                    );
                    let unicode_digit = text.chars().any(|c| !c.is_ascii() && c.is_numeric());
                    assert_eq!(has_unicode_digit(&text), unicode_digit, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn push_two_digits_is_format() {
        for n in [0, 1, 9, 10, 31, 99, 100, 123, 4_000_000_000] {
            let mut out = String::from("x");
            push_two_digits(&mut out, n);
            assert_eq!(out, format!("x{n:02}"));
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
                let s = s.span.slice(&text);
                same_with_and_without_the_check(s);
                assert_eq!(Literals::of(s), literals_byte_by_byte(s), "{s:?}");
                let unicode_digit = s.chars().any(|c| !c.is_ascii() && c.is_numeric());
                assert_eq!(has_unicode_digit(s), unicode_digit, "{s:?}");
                n += 1;
            }
        }
        assert!(n > 100, "{n} sentences");
    }

    /// The hand-written matcher finds what the regexes find: every date, and the first full
    /// date as `document_date` looks for it.
    fn by_hand_as_by_regex(text: &str) {
        let r = Some(Ymd {
            y: 2025,
            m: 3,
            d: 18,
        });
        for reference in [r, None] {
            let oracle = find_date_in(text, reference, false);
            assert_eq!(find_date(text, reference), oracle, "{text:?}");
            if !has_unicode_digit(text) {
                assert_eq!(find_date_by_hand(text, reference), oracle, "{text:?}");
            }
        }
        assert_eq!(find_date_full(text), find_date_full_regex(text), "{text:?}");
        if !has_unicode_digit(text) {
            // The scan of each kind against its regex alone: where it starts, and the groups.
            let s = Scan::new(text);
            let literals = Literals::of(text);
            for (re, kind) in patterns() {
                let expected = re
                    .captures(text)
                    .map(|c| (c.get(0).map_or(0, |m| m.start()), groups(&c)));
                assert_eq!(s.first(kind), expected, "{kind} in {text:?}");
                // No match starts before where the literals let the scan start.
                if let (Some((at, _)), Some(k)) = (expected, DateKind::of(kind)) {
                    assert!(literals.allow(kind), "{kind} in {text:?}");
                    assert!(literals.from(k, s.b) <= at, "{kind} in {text:?}");
                }
            }
        }
    }

    #[test]
    fn by_hand_as_by_regex_on_the_seeds_and_odd_dates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut n = 0;
        for f in std::fs::read_dir(&dir).expect("seeds folder") {
            let text = std::fs::read_to_string(f.expect("seed").path()).expect("seed text");
            by_hand_as_by_regex(&text[..floor_boundary(&text, 3000)]);
            for s in crate::text::segment(&text).sentences {
                by_hand_as_by_regex(s.span.slice(&text));
                n += 1;
            }
        }
        assert!(n > 100, "{n} sentences");
        for text in [
            "Sepember 5, 2025",
            "Sept. 5, 2025 and Sep 2024",
            "September of 2020",
            "March 16,2025",
            "March 16 ,2025",
            "March 123, 2025",
            "March 1, 20251",
            "March 12, 2025_",
            "5 March 2025",
            "15 Mar. 2025",
            "115 March 2025",
            "x15 March 2025",
            "on Jan. 18, the eve",
            "Jan 18x",
            "Jan 181",
            "May\u{a0}2020",
            "May\u{2003}of\u{a0}2020",
            "May of2020",
            "Mayor 5",
            "onMonday",
            "Saturday's Monday",
            "Saturday's cat",
            "Sunday's  Sunday",
            "x Monday",
            "x, Monday",
            "last\u{a0}Friday",
            "Fridays",
            "Friday_",
            "Fridayé",
            "éFriday",
            "“Friday”",
            "in2014",
            "within 2014",
            "mid-2014",
            "mid- 1999 and in 2001",
            "since 19999",
            "by 2100",
            "of 2020é",
            "2025-03-18",
            "2025-03-18T09",
            "2025-03-180",
            "x2025-03-18",
            "é2025-03-18",
            "٣ March 2025",
            "March ٣, 2025",
            "in 20٢٥",
            "२०२५-०३-१८ and 2024-01-02",
        ] {
            by_hand_as_by_regex(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// Texts made of the pieces of the patterns and their neighbours.
        #[test]
        fn by_hand_as_by_regex_on_pieces(text in "(Jan|January|Jan\\.|Sept\\.|Sept|Sep|Sepember|September|Mar|March|May|June|Jun|July|Dec\\.|of|on |last|this|next|Saturday's|Sunday's|Monday|Friday|Sunday|day|in|since|by|early|late|mid-|during|19|20|2025|12|5|0|-|,|_|x|é|’|“|٣| |  |\t|\u{b}|\u{a0}|\u{2003})*") {
            by_hand_as_by_regex(&text);
        }

        /// Any short text of ASCII letters, digits and punctuation.
        #[test]
        fn by_hand_as_by_regex_on_ascii(text in "[ -~\t\n]{0,40}") {
            by_hand_as_by_regex(&text);
        }

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
