//! Arbitrary bytes as a configuration file (lexicon TSV, JSON, ontology): checking may report
//! problems but never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = match first % 3 {
        0 => "fuzz.tsv",
        1 => "fuzz.json",
        _ => "ontology.json",
    };
    let text = String::from_utf8_lossy(rest);
    let _ = kgraph::validate::check_text(std::path::Path::new(name), &text);
});
