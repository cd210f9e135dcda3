//! The first, plain version of the tokenizer, kept for the tests: [`super::tokenize`] must
//! give exactly its tokens.

use super::{is_combining, is_joiner, TokKind, Token, DOTTED};
use crate::text::Span;

/// Tokenizes `doc[span]` (the reference).
pub(super) fn tokenize(doc: &str, span: Span) -> Vec<Token> {
    let text = span.slice(doc);
    let base = span.start;
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut i = 0;
    let end_of = |k: usize| if k < n { chars[k].0 } else { text.len() };
    while i < n {
        let (s, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < n {
                let d = chars[j].1;
                if d.is_alphanumeric() || is_combining(d) {
                    j += 1;
                } else if is_joiner(d) && j + 1 < n && chars[j + 1].1.is_alphanumeric() {
                    // Possessive inside: "Trump's" stops before the apostrophe.
                    if matches!(d, '\'' | '’')
                        && matches!(chars[j + 1].1, 's' | 'S')
                        && (j + 2 >= n || !chars[j + 2].1.is_alphanumeric())
                    {
                        break;
                    }
                    j += 2;
                } else {
                    break;
                }
            }
            let mut word_end = end_of(j);
            let word = &text[s..word_end];
            // Trailing period of abbreviations and dotted acronyms.
            if j < n && chars[j].1 == '.' {
                let lw = word.to_lowercase();
                let dotted_acronym =
                    word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2);
                let initial = word.chars().count() == 1 && c.is_uppercase();
                if DOTTED.contains(&lw.as_str()) || dotted_acronym || initial {
                    j += 1;
                    word_end = end_of(j);
                }
            }
            // "Hamas-led": split a lower-case hyphenated tail off a capitalized word.
            let word = &text[s..word_end];
            if c.is_uppercase() {
                if let Some(h) = word.rfind('-') {
                    let tail = &word[h + 1..];
                    if !tail.is_empty() && tail.chars().all(|x| x.is_lowercase()) && h > 0 {
                        out.push(Token {
                            span: Span::new(base + s, base + s + h),
                            kind: TokKind::Word,
                        });
                        out.push(Token {
                            span: Span::new(base + s + h, base + s + h + 1),
                            kind: TokKind::Punct,
                        });
                        out.push(Token {
                            span: Span::new(base + s + h + 1, base + word_end),
                            kind: TokKind::Word,
                        });
                        i = j;
                        continue;
                    }
                }
            }
            let kind = if word
                .chars()
                .all(|x| x.is_ascii_digit() || x == ',' || x == '.')
            {
                TokKind::Number
            } else {
                TokKind::Word
            };
            out.push(Token {
                span: Span::new(base + s, base + word_end),
                kind,
            });
            i = j;
            continue;
        }
        if matches!(c, '\'' | '’')
            && i + 1 < n
            && matches!(chars[i + 1].1, 's' | 'S')
            && (i + 2 >= n || !chars[i + 2].1.is_alphanumeric())
            && !out.is_empty()
        {
            out.push(Token {
                span: Span::new(base + s, base + end_of(i + 2)),
                kind: TokKind::Possessive,
            });
            i += 2;
            continue;
        }
        // Bare possessive apostrophe after a plural or an s-final name: "Hamas' refusal".
        if matches!(c, '\'' | '’')
            && out.last().is_some_and(|t: &Token| {
                t.kind == TokKind::Word
                    && doc[t.span.start..t.span.end].ends_with(['s', 'S'])
                    && t.span.end == base + s
            })
            && (i + 1 >= n || chars[i + 1].1.is_whitespace())
        {
            out.push(Token {
                span: Span::new(base + s, base + end_of(i + 1)),
                kind: TokKind::Possessive,
            });
            i += 1;
            continue;
        }
        out.push(Token {
            span: Span::new(base + s, base + end_of(i + 1)),
            kind: TokKind::Punct,
        });
        i += 1;
    }
    out
}
