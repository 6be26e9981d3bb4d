//! Where a link of the built output was written: the forms it may have had in the source (the
//! build puts the page's address before a bundle's relative links, the base path before rooted
//! ones, and percent-encodes what Markdown leaves as it is), and the lines that write one.

use percent_encoding::percent_decode_str;

/// The ways the source may have written `link`, which the build published in the page at the
/// URL path `page` of a site at `origin` (`https://host`) under `base_path`. Most specific
/// first. A feed's links are absolute: the page wrote them from its path.
pub fn candidates(link: &str, page: &str, origin: &str, base_path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let mut forms = vec![link.to_string()];
    if let Some(path) = link.strip_prefix(origin).filter(|p| p.starts_with('/')) {
        forms.push(path.to_string());
    }
    let decoded: Vec<String> = forms
        .iter()
        .map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned())
        .collect();
    forms.extend(decoded);
    for form in forms {
        add(form.clone());
        if form.contains('&') {
            add(form.replace('&', "&amp;"));
        }
        if let Some(rest) = form.strip_prefix(page)
            && page.ends_with('/')
        {
            add(rest.to_string());
            add(format!("./{rest}"));
        }
        if base_path != "/"
            && let Some(rest) = form.strip_prefix(base_path)
        {
            add(format!("/{rest}"));
        }
    }
    out
}

/// The first of `candidates` that `text` writes at all, and the lines (1-based) at which it
/// does, each time: as a whole address, between the delimiters of Markdown and HTML links.
pub fn lines<'c>(text: &str, candidates: &'c [String]) -> Option<(&'c str, Vec<usize>)> {
    for c in candidates {
        let found: Vec<usize> = text
            .match_indices(c.as_str())
            .filter(|(at, _)| {
                let before = text[..*at].chars().next_back();
                let after = text[at + c.len()..].chars().next();
                before.is_none_or(opens) && after.is_none_or(|ch| closes(ch, c))
            })
            .map(|(at, _)| text[..at].matches('\n').count() + 1)
            .collect();
        if !found.is_empty() {
            return Some((c, found));
        }
    }
    None
}

fn opens(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | '<' | '"' | '\'' | '=' | ',' | '[')
}

fn closes(c: char, candidate: &str) -> bool {
    c.is_whitespace()
        || matches!(c, ')' | '>' | '"' | '\'' | ',' | ']')
        // The source may add what the output left out: a fragment or a query.
        || (matches!(c, '#' | '?') && !candidate.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_a_link_may_have_had_in_the_source() {
        assert_eq!(
            candidates(
                "/t/cases/a/ct%20x.png",
                "/t/cases/a/",
                "https://x.org",
                "/t/"
            ),
            [
                "/t/cases/a/ct%20x.png",
                "ct%20x.png",
                "./ct%20x.png",
                "/cases/a/ct%20x.png",
                "/t/cases/a/ct x.png",
                "ct x.png",
                "./ct x.png",
                "/cases/a/ct x.png",
            ]
        );
        assert_eq!(
            candidates("?a=1&b=2", "/", "https://x.org", "/"),
            ["?a=1&b=2", "?a=1&amp;b=2"]
        );
        assert_eq!(
            candidates(
                "https://x.org/t/cases/a/../b/",
                "/t/cases/a/",
                "https://x.org",
                "/t/"
            ),
            [
                "https://x.org/t/cases/a/../b/",
                "/t/cases/a/../b/",
                "../b/",
                "./../b/",
                "/cases/a/../b/",
            ]
        );
    }

    #[test]
    fn lines_find_whole_addresses_only() {
        let text = "+++\ntitle = \"x\"\n+++\nSee [a](../b/) and [c](../b/c/).\n\n<img src=\"../b/\">\n[d](x../b/)\n[e](../b/#top)\n";
        let c = |s: &str| vec![s.to_string()];
        let found = |cands: &[String]| lines(text, cands).map(|(c, l)| (c.to_string(), l));
        assert_eq!(found(&c("../b/")), Some(("../b/".into(), vec![4, 6, 8])));
        assert_eq!(found(&c("b/")), None);
        assert_eq!(found(&c("../b/#top")), Some(("../b/#top".into(), vec![8])));
        assert_eq!(
            found(&["nope".into(), "../b/c/".into()]),
            Some(("../b/c/".into(), vec![4]))
        );
    }
}
