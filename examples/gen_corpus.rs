//! Writes the synthetic news corpus of the whole-run benchmark (`benches/corpus.sh`).
//!
//! Every article is one of the seed articles with some paragraphs dropped and the names listed
//! in `benches/names.tsv` replaced by generated ones (syllable-built given names and surnames,
//! organizations like "Kavel de Mirou Cartel"). Which generated entity stands in for a seed name
//! follows a skewed draw over a pool that widens as the corpus grows, so, as in a real archive,
//! a few entities recur everywhere and new ones keep appearing. The output is JSON Lines files
//! of about 1 MB (`part-00000.jsonl`, …) and depends only on the seeds, the names file and the
//! size asked for: no clock, no system randomness.
//!
//! ```text
//! cargo run --release --example gen_corpus -- SEEDS_DIR NAMES_TSV OUT_DIR MEGABYTES
//! ```

use std::collections::HashMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};

/// Target size of one output file.
const FILE_BYTES: usize = 1 << 20;

/// SplitMix64: a small, fixed, well-mixed generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person,
    Organization,
}

/// One name of the seeds and how each of its surface forms maps onto a generated name.
struct Entry {
    kind: Kind,
    /// Words of the full name.
    words: Vec<String>,
}

#[derive(Clone, Copy)]
enum Form {
    /// Words `start..start+len` of the generated name.
    Run(usize, usize),
    /// The generated name's initials.
    Initials,
}

const FUNCTION_WORDS: &[&str] = &["de", "del", "la", "of", "and", "the", "for", "El"];
const ORG_WORDS: &[&str] = &[
    "Administration",
    "Agency",
    "Army",
    "Assembly",
    "Board",
    "Center",
    "Commission",
    "Community",
    "Conference",
    "Corps",
    "Department",
    "Enforcement",
    "Group",
    "Institute",
    "Observatory",
    "Party",
    "Protection",
    "University",
];
const ORG_SUFFIXES: &[&str] = &[
    "Cartel",
    "Group",
    "Institute",
    "Council",
    "Foundation",
    "Agency",
    "Brotherhood",
    "Front",
];
const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br",
    "dr", "tr", "st", "ch",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "a", "e", "o", "ia", "ei"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "l", "z"];

fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            'Á' => 'A',
            'É' => 'E',
            'Í' => 'I',
            'Ó' => 'O',
            'Ú' => 'U',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// A capitalized word of `syllables` syllables drawn from `seed`; now and then with an accent.
fn word(seed: u64, syllables: usize) -> String {
    let mut r = Rng(seed);
    let mut w = String::new();
    for i in 0..syllables {
        w.push_str(ONSETS[(r.next() % ONSETS.len() as u64) as usize]);
        w.push_str(VOWELS[(r.next() % VOWELS.len() as u64) as usize]);
        if i + 1 == syllables {
            w.push_str(CODAS[(r.next() % CODAS.len() as u64) as usize]);
        }
    }
    if r.next() % 16 == 0 {
        if let Some(p) = w.rfind('e') {
            w.replace_range(p..p + 1, "é");
        }
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
}

/// The generated stand-in number `id` for `entry`, as words.
fn generated(entry: &Entry, id: u64) -> Vec<String> {
    let base = mix(id.wrapping_mul(0x1000_0000_01B3)
        ^ if entry.kind == Kind::Person {
            0x5045_5253
        } else {
            0x4F52_4753
        });
    match entry.kind {
        Kind::Person => (0..entry.words.len())
            .map(|i| {
                word(
                    mix(base ^ i as u64),
                    if i == 0 {
                        2
                    } else {
                        2 + (mix(base + i as u64) % 2) as usize
                    },
                )
            })
            .collect(),
        Kind::Organization => {
            let mut out: Vec<String> = entry
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if FUNCTION_WORDS.contains(&w.as_str()) || ORG_WORDS.contains(&w.as_str()) {
                        w.clone()
                    } else {
                        word(
                            mix(base ^ i as u64),
                            2 + (mix(base + i as u64) % 2) as usize,
                        )
                    }
                })
                .collect();
            if !entry.words.iter().any(|w| ORG_WORDS.contains(&w.as_str())) {
                out.push(ORG_SUFFIXES[(base % ORG_SUFFIXES.len() as u64) as usize].to_string());
            }
            out
        }
    }
}

fn initials(words: &[String]) -> String {
    words
        .iter()
        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// The name pool and, for each surface form, its entry and kind.
type Names = (Vec<Entry>, Vec<(String, usize, Form)>);

fn read_names(path: &Path) -> Result<Names, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    let mut forms = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let kind = match cols[0] {
            "person" => Kind::Person,
            "organization" => Kind::Organization,
            other => {
                return Err(format!(
                    "{}:{}: unknown type {other:?}",
                    path.display(),
                    n + 1
                ))
            }
        };
        let full = cols.get(1).copied().unwrap_or("").trim();
        if full.is_empty() {
            return Err(format!("{}:{}: no name", path.display(), n + 1));
        }
        let words: Vec<String> = full.split_whitespace().map(str::to_string).collect();
        let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
        let e = entries.len();
        forms.push((full.to_string(), e, Form::Run(0, words.len())));
        for form in cols
            .get(2)
            .copied()
            .unwrap_or("")
            .split('|')
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            let fw: Vec<String> = form.split_whitespace().map(fold).collect();
            let run = (0..folded.len()).find(|&s| folded[s..].starts_with(&fw));
            let mapped = match run {
                Some(s) => Form::Run(s, fw.len()),
                None if form.len() >= 2 && form.chars().all(|c| c.is_ascii_uppercase()) => {
                    Form::Initials
                }
                // Another spelling of the whole name ("Itamar Ben Gvir").
                None => Form::Run(0, words.len()),
            };
            forms.push((form.to_string(), e, mapped));
        }
        entries.push(Entry { kind, words });
    }
    Ok((entries, forms))
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '-')
}

fn main() {
    if let Err(e) = run() {
        eprintln!("gen_corpus: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [seeds, names, out, mb] = args.as_slice() else {
        return Err("usage: gen_corpus SEEDS_DIR NAMES_TSV OUT_DIR MEGABYTES".into());
    };
    let target: usize = mb.parse::<usize>().map_err(|e| format!("MEGABYTES: {e}"))? * 1_000_000;
    let mut paths: Vec<PathBuf> = fs::read_dir(seeds)
        .map_err(|e| format!("{seeds}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    if texts.is_empty() {
        return Err(format!("{seeds}: no .txt seed articles"));
    }
    let (entries, forms) = read_names(Path::new(names))?;
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(forms.iter().map(|f| f.0.as_str()))
        .map_err(|e| e.to_string())?;
    fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;

    let mut rng = Rng(0x6B67_7261_7068); // "kgraph"
    let mut written = 0usize;
    let mut file_no = 0usize;
    let mut file: Option<BufWriter<fs::File>> = None;
    let mut file_bytes = 0usize;
    let mut k: u64 = 0;
    while written < target {
        let seed = &texts[(rng.next() % texts.len() as u64) as usize];
        // Keep the first lines (headline, dateline); drop about one paragraph in six after.
        let mut body = String::with_capacity(seed.len());
        for (i, line) in seed.split_inclusive('\n').enumerate() {
            if i < 3 || rng.next() % 6 != 0 {
                body.push_str(line);
            }
        }
        // The stand-ins of this article: a skewed draw over a pool that grows with the corpus.
        let pool = 100.0 + 2.0 * k as f64;
        let mut chosen: HashMap<usize, Vec<String>> = HashMap::new();
        let mut used: Vec<u64> = Vec::new();
        let mut text = String::with_capacity(body.len());
        let mut last = 0;
        for m in ac.find_iter(&body) {
            let before = body[..m.start()].chars().next_back();
            let after = body[m.end()..].chars().next();
            if is_word_char(before) || is_word_char(after) {
                continue;
            }
            let (_, e, form) = &forms[m.pattern().as_usize()];
            let name = chosen.entry(*e).or_insert_with(|| {
                let id = loop {
                    let id = (pool * rng.unit().powi(3)) as u64;
                    if !used.contains(&id) {
                        break id;
                    }
                };
                used.push(id);
                generated(&entries[*e], id)
            });
            text.push_str(&body[last..m.start()]);
            match *form {
                Form::Run(s, n) => {
                    text.push_str(&name[s.min(name.len())..(s + n).min(name.len())].join(" "))
                }
                Form::Initials => text.push_str(&initials(name)),
            }
            last = m.end();
        }
        text.push_str(&body[last..]);

        let title = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string();
        let date = format!(
            "{}-{:02}-{:02}",
            2015 + k / 336,
            (k / 28) % 12 + 1,
            k % 28 + 1
        );
        let line = serde_json::json!({"id": format!("syn-{k:08}"), "date": date, "title": title, "text": text});
        let line = serde_json::to_string(&line).map_err(|e| e.to_string())?;
        if file.is_none() || file_bytes >= FILE_BYTES {
            if let Some(mut f) = file.take() {
                f.flush().map_err(|e| e.to_string())?;
            }
            let p = Path::new(out).join(format!("part-{file_no:05}.jsonl"));
            file = Some(BufWriter::new(
                fs::File::create(&p).map_err(|e| format!("{}: {e}", p.display()))?,
            ));
            file_no += 1;
            file_bytes = 0;
        }
        if let Some(f) = file.as_mut() {
            f.write_all(line.as_bytes())
                .and_then(|_| f.write_all(b"\n"))
                .map_err(|e| e.to_string())?;
        }
        file_bytes += line.len() + 1;
        written += text.len();
        k += 1;
    }
    if let Some(mut f) = file.take() {
        f.flush().map_err(|e| e.to_string())?;
    }
    println!(
        "{k} articles, {:.1} MB of text, {file_no} files in {out}",
        written as f64 / 1e6
    );
    Ok(())
}
