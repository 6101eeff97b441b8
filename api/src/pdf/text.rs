//! Text for the standard Helvetica faces: what they can show, how wide it is, and how to
//! make it fit a width.
//!
//! The standard 14 PDF fonts are written with `/WinAnsiEncoding` (PDF 32000-1 Annex D.2), a
//! single-byte encoding: anything outside it cannot be shown at all, so it becomes `?` here,
//! before measuring, and the width we lay out with is the width the reader will draw.
//! Widths come from the metric-compatible faces that printpdf ships for the standard fonts
//! (the same advance widths as Adobe's Helvetica AFM).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use printpdf::BuiltinFont;

/// Longest text we will ever lay out from one field. Anything longer is cut before wrapping,
/// so a pathological input costs no more than a long one.
const MAX_FIELD_CHARS: usize = 4_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(crate) fn builtin(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
        }
    }
}

/// Advance widths in thousandths of the font size, by character.
struct Metrics {
    widths: BTreeMap<char, f32>,
}

impl Metrics {
    fn load(font: BuiltinFont) -> Metrics {
        let mut widths = BTreeMap::new();
        if let Some(parsed) = font.get_parsed_font() {
            let units = f32::from(parsed.units_per_em.max(1));
            for (&codepoint, glyph) in &parsed.codepoint_to_glyph {
                if let (Some(c), Some(&w)) =
                    (char::from_u32(codepoint), parsed.glyph_widths.get(glyph))
                {
                    widths.insert(c, f32::from(w) * 1000.0 / units);
                }
            }
        }
        Metrics { widths }
    }

    fn width(&self, c: char) -> f32 {
        match self.widths.get(&c) {
            Some(&w) => w,
            // Helvetica's space and non-breaking space are 278; 556 is its digit width and a
            // fair middle for anything the table lacks (the table is the fallback's fallback).
            None if c == ' ' || c == '\u{a0}' => 278.0,
            None => 556.0,
        }
    }
}

fn metrics(face: Face) -> &'static Metrics {
    static REGULAR: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    match face {
        Face::Regular => REGULAR.get_or_init(|| Metrics::load(BuiltinFont::Helvetica)),
        Face::Bold => BOLD.get_or_init(|| Metrics::load(BuiltinFont::HelveticaBold)),
    }
}

/// Whether WinAnsiEncoding has a code for `c` (ASCII printable, Latin-1's upper half, and the
/// typographic characters CP1252 puts in 0x80..=0x9F).
fn is_winansi(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{ff}')
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// `s` as the fonts can show it: one line, control characters as spaces, anything outside
/// WinAnsi as `?`, and no longer than [`MAX_FIELD_CHARS`].
pub(crate) fn printable(s: &str) -> String {
    s.chars()
        .take(MAX_FIELD_CHARS)
        .map(|c| {
            if c.is_control() {
                ' '
            } else if is_winansi(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Width in points of already-printable text.
pub(crate) fn width(face: Face, size: f32, s: &str) -> f32 {
    let m = metrics(face);
    s.chars().map(|c| m.width(c)).sum::<f32>() * size / 1000.0
}

/// Printable `s` cut to `max_width` points, ending in an ellipsis when it was cut.
pub(crate) fn truncate(face: Face, size: f32, s: &str, max_width: f32) -> String {
    let s = printable(s);
    if width(face, size, &s) <= max_width {
        return s;
    }
    let m = metrics(face);
    let budget = max_width - m.width('…') * size / 1000.0;
    let mut out = String::new();
    let mut used = 0.0;
    for c in s.chars() {
        let w = m.width(c) * size / 1000.0;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    out
}

/// Printable `s` broken into at most `max_lines` lines of `max_width` points: at spaces where
/// it can, inside a word where a word alone is too wide. Text that still does not fit ends
/// the last line with an ellipsis.
pub(crate) fn wrap(
    face: Face,
    size: f32,
    s: &str,
    max_width: f32,
    max_lines: usize,
) -> Vec<String> {
    let s = printable(s);
    let m = metrics(face);
    let char_w = |c: char| m.width(c) * size / 1000.0;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let word_w: f32 = word.chars().map(char_w).sum();
        let space_w = if line.is_empty() { 0.0 } else { char_w(' ') };
        if line_w + space_w + word_w <= max_width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w += space_w + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if word_w <= max_width {
            line.push_str(word);
            line_w = word_w;
            continue;
        }
        // A word wider than the column: break it wherever it has to.
        for c in word.chars() {
            let w = char_w(c);
            if line_w + w > max_width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let max_lines = max_lines.max(1);
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(truncate(face, size, &rest, max_width));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helvetica_widths_match_the_afm() {
        // Helvetica AFM: "a" 556, "i" 222; Helvetica-Bold "i" 278, space 278.
        assert!((width(Face::Regular, 1000.0, "a") - 556.0).abs() < 1.0);
        assert!((width(Face::Regular, 1000.0, "i") - 222.0).abs() < 1.0);
        assert!((width(Face::Bold, 1000.0, "i") - 278.0).abs() < 1.0);
        assert!((width(Face::Regular, 1000.0, " ") - 278.0).abs() < 1.0);
    }

    #[test]
    fn text_outside_winansi_becomes_a_question_mark() {
        assert_eq!(printable("Zoë – €5\tпривет 日本"), "Zoë – €5 ?????? ??");
    }

    #[test]
    fn wrapping_never_exceeds_the_width_or_the_line_count() {
        let long = "Fibre 1000 Mbit/s unlimited with static IPv4 and a very long add-on name \
                    Supercalifragilisticexpialidocious-and-then-some-more-characters";
        let lines = wrap(Face::Regular, 9.0, long, 100.0, 3);
        assert!(lines.len() <= 3);
        for line in &lines {
            assert!(width(Face::Regular, 9.0, line) <= 100.0 + 0.01, "{line}");
        }
        assert!(lines.last().is_some_and(|l| l.ends_with('…')));
    }

    #[test]
    fn truncation_keeps_short_text_whole() {
        assert_eq!(truncate(Face::Bold, 9.0, "29.90", 100.0), "29.90");
        let cut = truncate(Face::Bold, 9.0, &"W".repeat(100), 50.0);
        assert!(cut.ends_with('…') && width(Face::Bold, 9.0, &cut) <= 50.0);
    }
}
