//! The iCalendar (RFC 5545) content-line writer: CRLF line ends, lines folded at 75 octets
//! without splitting a UTF-8 character, TEXT values escaped. It knows nothing of events; the
//! calendar module says what to write.
//!
//! Written here rather than with the `icalendar` crate: that crate adds a DTSTAMP from the clock
//! and a random UID to any component without them (a build would not be reproducible if one
//! were ever forgotten), it writes no VTIMEZONE, and this is all the format radcase needs.

/// The most octets a content line may hold, its line end excluded (RFC 5545 3.1).
const LIMIT: usize = 75;

#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// `NAME[;PARAMS]:value`, the value written as it is (dates, URIs, durations).
    pub fn raw(&mut self, name: &str, value: &str) {
        fold_into(&mut self.out, &format!("{name}:{value}"));
    }

    /// A TEXT property: the value escaped.
    pub fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }

    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every line break
/// as `\n`; other control characters, which TEXT may not hold, left out.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` folded: at most 75 octets per physical line (the leading space of a
/// continuation counts), each cut on a character boundary, each line ended by CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = LIMIT;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Some readers trim the end of each physical line before unfolding: a line never ends
        // in white space, so a space in the text survives them.
        let trimmed = rest[..cut].trim_end_matches([' ', '\t']).len();
        if trimmed > 0 {
            cut = trimmed;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_by_octets_on_character_boundaries() {
        let mut w = Writer::new();
        let value = "é".repeat(100) + &"a".repeat(80) + &"😀".repeat(30);
        w.text("DESCRIPTION", &value);
        let out = w.finish();
        assert!(out.ends_with("\r\n"));
        for physical in out.split_terminator("\r\n") {
            assert!(physical.len() <= LIMIT, "{} octets", physical.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("DESCRIPTION:{value}"));
        assert!(!out.replace("\r\n", "").contains(['\r', '\n']));
    }

    #[test]
    fn no_physical_line_ends_in_white_space() {
        let mut w = Writer::new();
        let value = "word ".repeat(60) + "end";
        w.text("DESCRIPTION", &value);
        let out = w.finish();
        for physical in out.split_terminator("\r\n") {
            assert!(!physical.ends_with(' '), "{physical:?}");
            assert!(physical.len() <= LIMIT);
        }
        assert_eq!(
            out.trim_end_matches("\r\n").replace("\r\n ", ""),
            format!("DESCRIPTION:{value}")
        );
    }

    #[test]
    fn short_lines_are_not_folded() {
        let mut w = Writer::new();
        w.raw("X", &"a".repeat(LIMIT - 2));
        assert_eq!(w.finish().matches("\r\n").count(), 1);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h:i"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng".to_string() + "h:i"
        );
    }
}
