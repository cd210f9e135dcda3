//! `kgraph eval conll` and `kgraph eval gold` end to end on hand-made samples, the gold schema,
//! and (when `../shared` is present) a run on the real CoNLL file and gold folder.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

/// A CoNLL-2003-format sample made up for this test: two documents, IOB1 tags, a dateline, a
/// `B-` right after an `I-` of the same type, a MISC chunk.
const SAMPLE: &str = "-DOCSTART- -X- -X- O

Maria NNP B-NP I-PER
Lindqvist NNP I-NP I-PER
joined VBD B-VP O
Nordbank NNP B-NP I-ORG
in IN B-PP O
Uppsala NNP B-NP I-LOC
last JJ B-NP O
year NN I-NP O
. . O O

STOCKHOLM NNP B-NP I-LOC
1997-03-02 CD I-NP O

-DOCSTART- -X- -X- O

Trains NNS B-NP O
between IN B-PP O
Oslo NNP B-NP I-LOC
Bergen NNP I-NP B-LOC
were VBD B-VP O
late JJ B-ADJP O
, , O O
Swedish JJ B-NP I-MISC
officials NNS I-NP O
and CC O O
Lindqvist NNP B-NP I-PER
said VBD B-VP O
. . O O
";

fn conll_json(file: &Path, extra: &[&str]) -> Value {
    let mut c = kgraph();
    c.args(["eval", "conll"])
        .arg(file)
        .arg("--json")
        .args(extra);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// Bookkeeping that holds whatever the extractor finds.
fn check_conll_invariants(r: &Value) {
    let mut sum = [0u64; 4];
    for t in ["PER", "ORG", "LOC"] {
        let s = &r["types"][t];
        assert!(
            n(&s["correct"]) <= n(&s["predicted"]) && n(&s["correct"]) <= n(&s["gold"]),
            "{t}: {s}"
        );
        assert_eq!(s["correct"], s["found"]);
        for (i, k) in ["gold", "predicted", "correct", "found"].iter().enumerate() {
            sum[i] += n(&s[k]);
        }
        for k in ["precision", "recall", "f1"] {
            let x = s[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{t} {k} = {x}");
        }
    }
    let o = &r["overall"];
    assert_eq!(
        [
            n(&o["gold"]),
            n(&o["predicted"]),
            n(&o["correct"]),
            n(&o["found"])
        ],
        sum
    );
    let u = &r["spans_untyped"];
    assert_eq!(n(&u["gold"]), sum[0]);
    assert_eq!(n(&u["predicted"]), sum[1]);
    assert!(n(&u["correct"]) >= sum[2]);
    // Every false positive and false negative is counted under exactly one kind.
    let kinds = r["error_kinds"].as_object().unwrap();
    let side = |p: &str| {
        kinds
            .iter()
            .filter(|(k, _)| k.starts_with(p))
            .map(|(_, v)| n(v))
            .sum::<u64>()
    };
    assert_eq!(side("fp: "), sum[1] - sum[2], "{kinds:?}");
    assert_eq!(side("fn: "), sum[0] - sum[2], "{kinds:?}");
}

#[test]
fn eval_conll_scores_a_hand_made_sample() {
    let dir = tempdir();
    let file = dir.path().join("sample.conll");
    fs::write(&file, SAMPLE).unwrap();
    let r = conll_json(&file, &[]);
    assert_eq!(
        (n(&r["documents"]), n(&r["sentences"]), n(&r["tokens"])),
        (2, 3, 24)
    );
    let gold: Vec<u64> = ["PER", "ORG", "LOC"]
        .iter()
        .map(|t| n(&r["types"][t]["gold"]))
        .collect();
    // PER: Maria Lindqvist, Lindqvist; ORG: Nordbank; LOC: Uppsala, STOCKHOLM, Oslo, Bergen.
    assert_eq!(gold, [2, 1, 4]);
    assert_eq!(n(&r["segmentation"]["lines"]), 3);
    assert_eq!(
        n(&r["segmentation"]["merged_sentences"]),
        0,
        "one sentence per line: {}",
        r["segmentation"]
    );
    check_conll_invariants(&r);
    // Without --errors, no listing.
    assert_eq!(r["false_positives"], Value::Array(vec![]));
    assert_eq!(r["false_negatives"], Value::Array(vec![]));

    // --errors N keeps at most N of each, in file order, each with its sentence.
    let r = conll_json(&file, &["--errors", "1"]);
    for side in ["false_positives", "false_negatives"] {
        let items = r[side].as_array().unwrap();
        assert!(items.len() <= 1);
        for e in items {
            assert!(
                e["sentence"]
                    .as_str()
                    .unwrap()
                    .contains(e["text"].as_str().unwrap()),
                "{e}"
            );
        }
    }
    let r = conll_json(&file, &["--errors", "100"]);
    let listed = (r["false_positives"].as_array().unwrap().len()
        + r["false_negatives"].as_array().unwrap().len()) as u64;
    let counted: u64 = r["error_kinds"].as_object().unwrap().values().map(n).sum();
    assert_eq!(listed, counted);
}

#[test]
fn eval_conll_table_and_threads() {
    let dir = tempdir();
    let file = dir.path().join("sample.txt");
    fs::write(&file, SAMPLE).unwrap();
    let out = kgraph()
        .args(["eval", "conll"])
        .arg(&file)
        .args(["--errors", "5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "PER ",
        "ORG ",
        "LOC ",
        "overall",
        "any type",
        "false positives",
        "false negatives",
        "segmentation:",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let one = kgraph()
        .args(["eval", "conll", "--json", "--threads", "1"])
        .arg(&file)
        .output()
        .unwrap();
    let two = kgraph()
        .args(["eval", "conll", "--json", "--threads", "2"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn eval_conll_bad_tag_names_file_and_line() {
    let dir = tempdir();
    let file = dir.path().join("bad.conll");
    fs::write(
        &file,
        "-DOCSTART- -X- -X- O\n\nAnna NNP B-NP I-PER\nwaved VBD B-VP Q-PER\n",
    )
    .unwrap();
    let out = kgraph()
        .args(["eval", "conll"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.conll:4:") && err.contains("Q-PER"),
        "{err}"
    );
}

/// A page with a main story and, after a "Next Article" rail, an appended one.
const PAGE: &str = "Maduro speaks in Caracas

Venezuelan President Nicolás Maduro spoke in Caracas on Monday. Maduro said the Bolivarian National Guard would stay in Valencia.

Next Article

German Chancellor Angela Merkel met reporters in Berlin on Tuesday. Merkel said nothing new.
";

fn write_gold(dir: &Path, relations: &str) {
    let entities = r#"[
 {"id": "nicolas_maduro", "name": "Nicolás Maduro", "type": "person", "aliases": ["Nicolás Maduro", "Maduro"], "docs": ["page.txt"], "section": "main"},
 {"id": "caracas", "name": "Caracas", "type": "place", "aliases": ["Caracas"], "docs": ["page.txt"], "section": "main"},
 {"id": "valencia", "name": "Valencia", "type": "place", "aliases": ["Valencia"], "docs": ["page.txt"], "section": "main"},
 {"id": "national_guard", "name": "Bolivarian National Guard", "type": "organization", "aliases": ["Bolivarian National Guard"], "docs": ["page.txt"], "section": "main"},
 {"id": "maduro_speech", "name": "Speech of Nicolás Maduro in Caracas", "type": "event", "aliases": [], "docs": ["page.txt"], "section": "main", "date": "2025-03", "place": "caracas"},
 {"id": "angela_merkel", "name": "Angela Merkel", "type": "person", "aliases": ["Angela Merkel", "Merkel"], "docs": ["page.txt"], "section": "appended"},
 {"id": "berlin", "name": "Berlin", "type": "place", "aliases": ["Berlin"], "docs": ["page.txt"], "section": "appended"}
]"#;
    fs::write(dir.join("entities.json"), entities).unwrap();
    fs::write(dir.join("relations.json"), relations).unwrap();
}

const RELATIONS: &str = r#"[
 {"subject": "nicolas_maduro", "relation": "leader_of", "object": "national_guard", "docs": ["page.txt"], "evidence": null, "section": "main"},
 {"subject": "valencia", "relation": "located_in", "object": "caracas", "docs": ["page.txt"], "evidence": "made up", "section": "main"},
 {"subject": "angela_merkel", "relation": "spoke_to", "object": "berlin", "docs": ["page.txt"], "evidence": null, "section": "appended"}
]"#;

fn gold_json(gold: &Path, corpus: &Path, section: &str) -> Value {
    let out = kgraph()
        .args(["eval", "gold"])
        .arg(gold)
        .arg(corpus)
        .args(["--json", "--section", section])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            x["label"]
                .as_str()
                .or(x["name"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn eval_gold_on_a_hand_made_folder() {
    let work = tempdir();
    let (gold, corpus) = (work.path().join("gold"), work.path().join("corpus"));
    fs::create_dir_all(&gold).unwrap();
    fs::create_dir_all(&corpus).unwrap();
    write_gold(&gold, RELATIONS);
    fs::write(corpus.join("page.txt"), PAGE).unwrap();
    fs::write(
        corpus.join("other.txt"),
        "Pedro Sánchez visited Madrid on Friday.",
    )
    .unwrap();

    let main = gold_json(&gold, &corpus, "main");
    assert_eq!(main["section"], "main");
    assert_eq!(main["documents_read"], serde_json::json!(["page.txt"]));
    let gold_counts: Vec<u64> = ["person", "organization", "place", "event"]
        .iter()
        .map(|t| n(&main["entities"][t]["gold"]))
        .collect();
    assert_eq!(gold_counts, [1, 1, 2, 1]);
    assert_eq!(n(&main["relations"]["gold"]), 2);
    // Nodes only mentioned in the appended article or in another document are out of scope.
    let in_scope: Vec<String> = labels(&main["spurious"])
        .into_iter()
        .chain(labels(&main["merged"]))
        .collect();
    for out_of_scope in ["Merkel", "Berlin", "Sánchez", "Madrid"] {
        assert!(
            !in_scope.iter().any(|l| l.contains(out_of_scope)),
            "{out_of_scope} scored in main: {in_scope:?}"
        );
    }
    // Maduro is found (whatever else the extractor does).
    assert_eq!(
        n(&main["entities"]["person"]["found"]),
        1,
        "{}",
        main["entities"]
    );
    let missed = labels(&main["misses"]);
    assert!(!missed.contains(&"Nicolás Maduro".to_string()));
    // Every gold entity of the section is either found or missed.
    let u = &main["entities_untyped"];
    assert_eq!(n(&u["found"]) + missed.len() as u64, n(&u["gold"]));
    assert_eq!(
        n(&u["predicted"]) - n(&u["correct"]),
        main["spurious"].as_array().unwrap().len() as u64
    );

    let appended = gold_json(&gold, &corpus, "appended");
    assert_eq!(n(&appended["entities"]["person"]["gold"]), 1);
    assert_eq!(n(&appended["entities"]["place"]["gold"]), 1);
    assert_eq!(
        n(&appended["entities"]["person"]["found"]),
        1,
        "Merkel: {}",
        appended["entities"]
    );
    assert_eq!(n(&appended["relations"]["gold"]), 1);
    let all = gold_json(&gold, &corpus, "all");
    assert_eq!(n(&all["entities_overall"]["gold"]), 7);
    assert_eq!(n(&all["relations"]["gold"]), 3);

    // The readable report.
    let out = kgraph()
        .args(["eval", "gold"])
        .arg(&gold)
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "section: main",
        "1 of 1 gold documents read",
        "person",
        "missed entities",
        "spurious nodes",
        "split entities",
        "missed relations",
        "spurious relations",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn eval_gold_rejects_a_relation_to_an_unknown_id() {
    let work = tempdir();
    write_gold(
        work.path(),
        r#"[{"subject": "nicolas_maduro", "relation": "leader_of", "object": "nobody", "docs": ["page.txt"], "evidence": null, "section": "main"}]"#,
    );
    let out = kgraph()
        .args(["eval", "gold"])
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("relations.json") && err.contains("`nobody`"),
        "{err}"
    );

    fs::write(
        work.path().join("entities.json"),
        r#"[{"id": "x", "name": "X", "type": "thing", "docs": ["a"], "section": "main"}]"#,
    )
    .unwrap();
    let out = kgraph()
        .args(["eval", "gold"])
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("entities.json:1:"), "{err}");
}

/// A small JSON Schema checker for the keywords `schemas/gold.schema.json` uses: `$ref` (local),
/// `anyOf`, `type`, `enum`, `pattern`, `minLength`, `minItems`, `uniqueItems`, `items`,
/// `required`, `properties`, `additionalProperties: false`. Returns the first violation.
fn check(schema: &Value, root: &Value, v: &Value, at: &str) -> Result<(), String> {
    let obj = schema.as_object().expect("schema object");
    for (k, s) in obj {
        match k.as_str() {
            "$ref" => {
                let path = s.as_str().unwrap().strip_prefix("#/").expect("local ref");
                let target = path.split('/').fold(root, |node, part| &node[part]);
                assert!(!target.is_null(), "dangling $ref {path}");
                check(target, root, v, at)?;
            }
            "anyOf" => {
                let errs: Vec<String> = s
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|alt| check(alt, root, v, at).err())
                    .collect();
                if errs.len() == s.as_array().unwrap().len() {
                    return Err(format!(
                        "{at}: no alternative of anyOf holds ({})",
                        errs.join("; ")
                    ));
                }
            }
            "type" => {
                let types: Vec<&str> = match s {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad type"),
                };
                let actual = match v {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                };
                if !types.contains(&actual) {
                    return Err(format!("{at}: {actual} is not {types:?}"));
                }
            }
            "enum" if !s.as_array().unwrap().contains(v) => {
                return Err(format!("{at}: {v} not in {s}"))
            }
            "pattern" => {
                if let Some(text) = v.as_str() {
                    if !regex::Regex::new(s.as_str().unwrap())
                        .unwrap()
                        .is_match(text)
                    {
                        return Err(format!("{at}: {text:?} does not match {s}"));
                    }
                }
            }
            "minLength" => {
                if v.as_str()
                    .is_some_and(|t| (t.chars().count() as u64) < s.as_u64().unwrap())
                {
                    return Err(format!("{at}: shorter than {s}"));
                }
            }
            "minItems" => {
                if v.as_array()
                    .is_some_and(|a| (a.len() as u64) < s.as_u64().unwrap())
                {
                    return Err(format!("{at}: fewer than {s} items"));
                }
            }
            "uniqueItems" => {
                if let Some(a) = v.as_array() {
                    if (1..a.len()).any(|i| a[..i].contains(&a[i])) {
                        return Err(format!("{at}: repeated items"));
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, x) in a.iter().enumerate() {
                        check(s, root, x, &format!("{at}[{i}]"))?;
                    }
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for key in s.as_array().unwrap() {
                        if !o.contains_key(key.as_str().unwrap()) {
                            return Err(format!("{at}: missing {key}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (key, sub) in s.as_object().unwrap() {
                        if let Some(x) = o.get(key) {
                            check(sub, root, x, &format!("{at}.{key}"))?;
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(
                    s,
                    &Value::Bool(false),
                    "only additionalProperties: false is supported"
                );
                if let Some(o) = v.as_object() {
                    let known = obj["properties"].as_object().unwrap();
                    if let Some(extra) = o.keys().find(|k| !known.contains_key(*k)) {
                        return Err(format!("{at}: unknown field {extra}"));
                    }
                }
            }
            "$schema" | "title" | "description" | "$defs" | "enum" => {}
            other => panic!("keyword {other} is not supported by this checker; extend it"),
        }
    }
    Ok(())
}

fn gold_schema() -> Value {
    serde_json::from_str(&fs::read_to_string(root().join("schemas/gold.schema.json")).unwrap())
        .unwrap()
}

fn check_as(def: &str, v: &Value) -> Result<(), String> {
    let schema = gold_schema();
    check(&schema, &schema, v, def)?;
    check(&schema["$defs"][def], &schema, v, def)
}

#[test]
fn gold_schema_accepts_good_and_rejects_bad_files() {
    let work = tempdir();
    write_gold(work.path(), RELATIONS);
    let read = |name: &str| -> Value {
        serde_json::from_str(&fs::read_to_string(work.path().join(name)).unwrap()).unwrap()
    };
    check_as("entities", &read("entities.json")).unwrap();
    check_as("relations", &read("relations.json")).unwrap();
    let good = serde_json::json!({"id": "a_b", "name": "A B", "type": "event", "aliases": [], "docs": ["d.txt"], "section": "main", "date": "2024 (summer)", "place": null});
    for (field, bad) in [
        ("type", serde_json::json!("thing")),
        ("section", serde_json::json!("sidebar")),
        ("id", serde_json::json!("Not An Id")),
        ("docs", serde_json::json!([])),
        ("aliases", serde_json::json!(["A", "A"])),
        ("date", serde_json::json!("March 2024")),
        ("place", serde_json::json!(3)),
        ("colour", serde_json::json!("red")),
    ] {
        let mut e = good.clone();
        e[field] = bad;
        assert!(
            check_as("entities", &Value::Array(vec![e])).is_err(),
            "{field} accepted"
        );
    }
    for date in [
        "2023",
        "2023-09",
        "2025-03-15",
        "2013/2014",
        "2025-01-19/2025-03-18",
        "2023-10-07/",
        "2024 (early)",
    ] {
        let mut e = good.clone();
        e["date"] = Value::String(date.into());
        check_as("entities", &Value::Array(vec![e])).unwrap();
    }
    let mut no_section = good.clone();
    no_section.as_object_mut().unwrap().remove("section");
    assert!(check_as("entities", &Value::Array(vec![no_section])).is_err());
    let rel = serde_json::json!([{"subject": "a", "relation": "leader of", "object": "b", "docs": ["d"], "evidence": null, "section": "main"}]);
    assert!(check_as("relations", &rel).is_err());
}

#[test]
fn shared_gold_follows_the_schema() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is not present");
        return;
    };
    for (file, def) in [
        ("entities.json", "entities"),
        ("relations.json", "relations"),
    ] {
        let v: Value =
            serde_json::from_str(&fs::read_to_string(shared.join("gold").join(file)).unwrap())
                .unwrap();
        if let Err(e) = check_as(def, &v) {
            panic!("../shared/gold/{file}: {e}");
        }
    }
}

#[test]
fn eval_conll_runs_on_the_shared_dev_set() {
    let Some(file) = shared()
        .map(|s| s.join("eval/conll2003-dev.txt"))
        .filter(|f| f.is_file())
    else {
        eprintln!("skipping: ../shared/eval/conll2003-dev.txt is not present");
        return;
    };
    let r = conll_json(&file, &["--errors", "20"]);
    assert!(
        n(&r["documents"]) > 100 && n(&r["overall"]["gold"]) > 1000,
        "{}",
        r["overall"]
    );
    check_conll_invariants(&r);
    eprintln!(
        "CoNLL dev: P {} R {} F1 {} (PER {}, ORG {}, LOC {})",
        r["overall"]["precision"],
        r["overall"]["recall"],
        r["overall"]["f1"],
        r["types"]["PER"]["f1"],
        r["types"]["ORG"]["f1"],
        r["types"]["LOC"]["f1"]
    );
}

#[test]
fn eval_gold_runs_on_the_shared_gold_and_seeds() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is not present");
        return;
    };
    let gold = shared.join("gold");
    let r = gold_json(&gold, &root().join("seeds"), "main");
    let entities: Value =
        serde_json::from_str(&fs::read_to_string(gold.join("entities.json")).unwrap()).unwrap();
    let main = entities
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["section"] == "main")
        .count() as u64;
    assert_eq!(n(&r["entities_overall"]["gold"]), main);
    assert_eq!(r["documents_read"], r["gold_documents"]);
    assert!(n(&r["entities_untyped"]["predicted"]) > 0);
}
