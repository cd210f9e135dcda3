//! Measuring extraction: entity-level scores on CoNLL-2003 files ([`ner`]) and graph-level
//! scores against a hand-checked gold folder ([`gold`]).
//!
//! Both report precision, recall and F1 through [`Score`]; neither writes anything, and both
//! give the same numbers for the same inputs (every list is sorted, no hash order leaks out).

pub mod gold;
pub mod ner;

use serde::Serialize;

/// Counts behind a precision / recall / F1 triple.
///
/// Precision and recall may count different things: in the gold scoring a predicted node is
/// correct when it matches some gold entity, while a gold entity is found when some node
/// matches it. So the true positives are kept twice: `correct` (predictions that are right,
/// the numerator of precision) and `found` (gold items that were found, that of recall). On
/// span-level scores such as CoNLL's the two are equal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Gold items.
    pub gold: usize,
    /// Predicted items.
    pub predicted: usize,
    /// Predicted items that match a gold item.
    pub correct: usize,
    /// Gold items matched by a prediction.
    pub found: usize,
}

impl Counts {
    /// Counts where each match is one-to-one (spans, triples).
    pub fn exact(gold: usize, predicted: usize, matched: usize) -> Counts {
        Counts {
            gold,
            predicted,
            correct: matched,
            found: matched,
        }
    }

    /// The scores. An empty denominator gives 0 (nothing predicted is not "perfect precision").
    pub fn score(self) -> Score {
        let precision = ratio(self.correct, self.predicted);
        let recall = ratio(self.found, self.gold);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Score {
            counts: self,
            precision: round4(precision),
            recall: round4(recall),
            f1: round4(f1),
        }
    }
}

/// Sum of two counts (micro-averaging).
impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, other: Counts) -> Counts {
        Counts {
            gold: self.gold + other.gold,
            predicted: self.predicted + other.predicted,
            correct: self.correct + other.correct,
            found: self.found + other.found,
        }
    }
}

/// Counts with their precision, recall and F1 (each in `[0, 1]`, rounded to 4 decimals so the
/// JSON output is stable and readable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    #[serde(flatten)]
    pub counts: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One row of a score table: `label  gold  pred  correct  found  P  R  F1`.
pub(crate) fn score_row(label: &str, s: &Score) -> String {
    format!(
        "{:<14} {:>6} {:>6} {:>7} {:>6}  {:>6.2} {:>6.2} {:>6.2}",
        label,
        s.counts.gold,
        s.counts.predicted,
        s.counts.correct,
        s.counts.found,
        100.0 * s.precision,
        100.0 * s.recall,
        100.0 * s.f1
    )
}

/// The header of [`score_row`] tables.
pub(crate) fn score_header(first: &str) -> String {
    format!(
        "{:<14} {:>6} {:>6} {:>7} {:>6}  {:>6} {:>6} {:>6}",
        first, "gold", "pred", "correct", "found", "P%", "R%", "F1%"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_arithmetic() {
        // (gold, predicted, correct, found) → (precision, recall, f1)
        for (c, p, r, f) in [
            (Counts::exact(10, 8, 6), 0.75, 0.6, 0.6667),
            (Counts::exact(4, 4, 4), 1.0, 1.0, 1.0),
            (Counts::exact(0, 0, 0), 0.0, 0.0, 0.0),
            (Counts::exact(5, 0, 0), 0.0, 0.0, 0.0),
            (Counts::exact(0, 3, 0), 0.0, 0.0, 0.0),
            (
                Counts {
                    gold: 3,
                    predicted: 4,
                    correct: 4,
                    found: 2,
                },
                1.0,
                0.6667,
                0.8,
            ),
            (
                Counts {
                    gold: 3,
                    predicted: 1,
                    correct: 1,
                    found: 1,
                },
                1.0,
                0.3333,
                0.5,
            ),
        ] {
            let s = c.score();
            assert_eq!((s.precision, s.recall, s.f1), (p, r, f), "{c:?}");
        }
    }

    #[test]
    fn micro_average_sums_counts() {
        let a = Counts::exact(10, 5, 5);
        let b = Counts::exact(10, 15, 5);
        let s = (a + b).score();
        assert_eq!(s.counts, Counts::exact(20, 20, 10));
        assert_eq!((s.precision, s.recall, s.f1), (0.5, 0.5, 0.5));
    }
}
