//! The text the privacy rules match: the author's text folded to plain ASCII where that keeps
//! its meaning, with every byte mapped back to the characters it came from.
//!
//! People (and word processors) write identifiers with no-break and thin spaces, en dashes and
//! non-breaking hyphens, curly apostrophes, full-width digits, HTML entities (`&nbsp;`,
//! `&#64;`) and zero-width characters inside words; names carry accents and letters outside
//! Latin-1 (`Müller`, `Łukasz`, `Nguyễn`). Folding all of that before matching lets the rules
//! stay ASCII patterns (fast, and one spelling per identifier), while findings are still placed
//! at the line and column where the author wrote them.
//!
//! Transliteration is `deunicode`'s table (it covers what NFKC folds for matching — full-width
//! forms, ligatures, compatibility digits — and also letters NFKC leaves alone, like `Ł`).
//! Inline HTML tags without attributes (`<td>`, `</b>`, `<br/>`) become one space, so a table
//! cell or a bold label reads like text; tags with attributes are kept, since an attribute
//! value (an `alt` text) is published text too.

use std::borrow::Cow;
use std::ops::Range;

/// A text as the rules read it.
pub struct Normalized<'a> {
    pub text: Cow<'a, str>,
    /// For each byte of `text`, the range of the original text it came from; empty when the
    /// text is the original.
    from: Vec<(usize, usize)>,
}

impl Normalized<'_> {
    /// The range of the original text that `range` of the normalized text came from.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        if self.from.is_empty() {
            return range;
        }
        let start = self
            .from
            .get(range.start)
            .map_or_else(|| self.from.last().map_or(0, |l| l.1), |f| f.0);
        if range.is_empty() {
            return start..start;
        }
        let end = self.from[range.end - 1].1;
        start..end.max(start)
    }
}

/// Fold `text` for matching.
pub fn normalize(text: &str) -> Normalized<'_> {
    if text.is_ascii() && !text.contains(['&', '<']) && !text.contains("__") {
        return Normalized {
            text: Cow::Borrowed(text),
            from: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let push = |out: &mut String, from: &mut Vec<(usize, usize)>, s: &str, r: (usize, usize)| {
        out.push_str(s);
        from.extend(std::iter::repeat_n(r, s.len()));
    };
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '&'
            && let Some((decoded, len)) = entity(rest)
        {
            let mut buf = [0u8; 4];
            let folded = fold(decoded, &mut buf);
            push(&mut out, &mut from, folded, (i, i + len));
            i += len;
            continue;
        }
        // `__bold__` must not glue its underscores to the label ("__MRN__" is "MRN").
        if c == '_' && rest.starts_with("__") {
            let len = rest.len() - rest.trim_start_matches('_').len();
            push(&mut out, &mut from, " ", (i, i + len));
            i += len;
            continue;
        }
        if c == '<'
            && let Some(len) = bare_tag(rest)
        {
            push(&mut out, &mut from, " ", (i, i + len));
            i += len;
            continue;
        }
        let mut buf = [0u8; 4];
        let folded = fold(c, &mut buf);
        push(&mut out, &mut from, folded, (i, i + c.len_utf8()));
        i += c.len_utf8();
    }
    Normalized {
        text: Cow::Owned(out),
        from,
    }
}

/// One character as the rules read it.
fn fold(c: char, buf: &mut [u8; 4]) -> &str {
    if c.is_ascii() {
        return c.encode_utf8(buf);
    }
    match c {
        // Zero-width and soft hyphen: invisible, so they must not split a word.
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => "",
        c if c.is_whitespace() => " ",
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => "-",
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{ff07}' => "'",
        '\u{201c}'..='\u{201f}' | '\u{2033}' | '\u{ff02}' => "\"",
        // Kept as it is: the coordinate rules look for it, and "deg" would join a number.
        '°' => "°",
        c => match deunicode::deunicode_char(c) {
            Some(s) if s.is_ascii() => s,
            _ => c.encode_utf8(buf),
        },
    }
}

/// An HTML character reference at the start of `s`: the character and the reference's length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s[..s.len().min(12)].find(';')?;
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(n)?
    } else {
        match body {
            "nbsp" | "ensp" | "emsp" | "thinsp" | "NonBreakingSpace" => ' ',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" | "rsquo" | "lsquo" | "prime" => '\'',
            "ldquo" | "rdquo" | "Prime" => '"',
            "ndash" | "mdash" | "minus" | "hyphen" | "dash" => '-',
            "commat" => '@',
            "period" => '.',
            "colon" => ':',
            "num" => '#',
            "sol" => '/',
            "lpar" => '(',
            "rpar" => ')',
            "lsqb" | "lbrack" => '[',
            "rsqb" | "rbrack" => ']',
            "deg" => '°',
            "shy" | "zwsp" | "ZeroWidthSpace" => '\u{200b}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The length of a tag without attributes at the start of `s` (`<td>`, `</b>`, `<br/>`).
fn bare_tag(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    let name_start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) && i - name_start < 12 {
        i += 1;
    }
    if i == name_start || !b[name_start].is_ascii_alphabetic() {
        return None;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    (b.get(i) == Some(&b'>')).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(text: &str, needle: &str) -> String {
        let n = normalize(text);
        let at = n.text.find(needle).expect("needle");
        text[n.original(at..at + needle.len())].to_string()
    }

    #[test]
    fn folded_text_maps_back_to_what_was_written() {
        assert_eq!(normalize("MRN:\u{a0}4455667").text, "MRN: 4455667");
        assert_eq!(back("MRN:\u{a0}4455667", ": 4"), ":\u{a0}4");
        assert_eq!(normalize("O’Brien").text, "O'Brien");
        assert_eq!(back("Mrs O&rsquo;Brien", "O'B"), "O&rsquo;B");
        assert_eq!(normalize("Müller Łukasz").text, "Muller Lukasz");
        assert_eq!(back("Herr Müller", "Muller"), "Müller");
        assert_eq!(normalize("１２３").text, "123");
        assert_eq!(normalize("M\u{200b}RN").text, "MRN");
        assert_eq!(normalize("<td>MRN</td><td>1</td>").text, " MRN  1 ");
        assert_eq!(
            normalize("<img alt=\"x\">").text,
            "<img alt=\"x\">",
            "tags with attributes stay"
        );
        assert_eq!(normalize("a &amp b &#64; &#x40;").text, "a &amp b @ @");
        assert_eq!(normalize("plain ascii").text, "plain ascii");
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "&",
            "&#;",
            "&#x110000;",
            "<",
            "</",
            "<1>",
            "&#99999999999;",
            "é&",
            "<b",
        ] {
            let n = normalize(s);
            let _ = n.original(0..n.text.len());
        }
    }
}
