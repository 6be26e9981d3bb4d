//! The site's addresses: where an output is published, and what a link written in it leads to,
//! resolved as a browser resolves it (the `url` crate implements the WHATWG URL standard:
//! `..`, `./`, percent-encoding, scheme-relative links).

use std::collections::HashSet;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::types::OutPath;

/// What a link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a web address (`mailto:`, `tel:`, `data:`, `javascript:`): nothing to check.
    Skip,
    /// An output of the site, and the fragment (decoded) if the link has one.
    File {
        out: String,
        fragment: Option<String>,
    },
    /// An address of the site that nothing is published at (`shown` is its path from the host
    /// root, as a reader would see it).
    Missing { shown: String },
    /// A relative or rooted link that leads out of the site's base path.
    Outside { shown: String },
    /// Not an address at all.
    Invalid { why: String },
    /// Another site's address (fragment removed), and the fragment.
    External { url: Url, fragment: Option<String> },
}

pub struct Resolver {
    base: Url,
    files: HashSet<String>,
}

impl Resolver {
    /// `base_url` is the site's (a valid http(s) URL, checked with the config); `files` are the
    /// paths of every output.
    pub fn new(base_url: &str, files: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut base = Url::parse(base_url).map_err(|e| format!("base_url: {e}"))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        Ok(Resolver {
            base,
            files: files.into_iter().collect(),
        })
    }

    /// `https://host[:port]`, without a slash.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// The path of the site's root from the host root (`/` or `/teaching/`).
    pub fn base_path(&self) -> &str {
        self.base.path()
    }

    /// Where the output `out` is published: `cases/a/index.html` at `BASE/cases/a/`.
    pub fn address(&self, out: &OutPath) -> Url {
        let rel = match out.page_url() {
            Some(url) => url[1..].to_string(),
            None => out.as_str().to_string(),
        };
        let encoded: String = rel
            .split('/')
            .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/");
        self.base
            .join(&encoded)
            .unwrap_or_else(|_| self.base.clone())
    }

    /// The output an address of the site is, if it is one (`None` for other sites).
    pub fn output_of(&self, url: &str) -> Option<String> {
        let url = Url::parse(url).ok()?;
        match self.resolve(&url, url.as_str()) {
            Target::File { out, .. } => Some(out),
            _ => None,
        }
    }

    /// What `link`, written in the document at `from`, leads to.
    pub fn resolve(&self, from: &Url, link: &str) -> Target {
        let url = match from.join(link) {
            Ok(url) => url,
            Err(e) => return Target::Invalid { why: e.to_string() },
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Target::Skip;
        }
        let fragment = url
            .fragment()
            .map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned())
            .filter(|f| !f.is_empty());
        let written_absolute = Url::parse(link).is_ok() || link.starts_with("//");
        let root = self.base.path();
        let inside = url.origin() == self.base.origin()
            && (url.path().starts_with(root) || url.path() == &root[..root.len() - 1]);
        if !inside {
            if written_absolute {
                let mut bare = url;
                bare.set_fragment(None);
                return Target::External {
                    url: bare,
                    fragment,
                };
            }
            return Target::Outside {
                shown: url.path().to_string(),
            };
        }
        let shown = url.path().to_string();
        let rel = shown.get(self.base.path().len()..).unwrap_or_default();
        let Ok(rel) = percent_decode_str(rel).decode_utf8() else {
            return Target::Missing { shown };
        };
        match self.lookup(&rel) {
            Some(out) => Target::File { out, fragment },
            None => Target::Missing { shown },
        }
    }

    /// The output a path under the root names: a file, or a folder's `index.html` (with or
    /// without the trailing slash, which every host adds by a redirect).
    fn lookup(&self, rel: &str) -> Option<String> {
        if rel.is_empty() || rel.ends_with('/') {
            let index = format!("{rel}index.html");
            return self.files.contains(&index).then_some(index);
        }
        if self.files.contains(rel) {
            return Some(rel.to_string());
        }
        let index = format!("{rel}/index.html");
        self.files.contains(&index).then_some(index)
    }
}

/// What a path segment must percent-encode to be read back as the same name.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base: &str) -> Resolver {
        let files = [
            "index.html",
            "cases/a/index.html",
            "cases/b/index.html",
            "cases/b/ct-480.webp",
            "files/my handout.pdf",
            "café/index.html",
            "css/site.css",
            "404.html",
        ];
        Resolver::new(base, files.map(String::from)).unwrap()
    }

    fn at(r: &Resolver, out: &str, link: &str) -> Target {
        r.resolve(&r.address(&OutPath::from(out)), link)
    }

    fn file(out: &str, fragment: Option<&str>) -> Target {
        Target::File {
            out: out.into(),
            fragment: fragment.map(String::from),
        }
    }

    #[test]
    fn links_of_every_form_find_their_output() {
        let r = site("https://x.org/t/");
        let from = "cases/a/index.html";
        for link in [
            "../b/",
            "../b",
            "../b/index.html",
            "./../b/",
            "/t/cases/b/",
            "https://x.org/t/cases/b/",
            "//x.org/t/cases/b/",
            "/t/cases/b/?x=1",
        ] {
            assert_eq!(
                at(&r, from, link),
                file("cases/b/index.html", None),
                "{link}"
            );
        }
        assert_eq!(
            at(&r, from, "../b/#find%20ings"),
            file("cases/b/index.html", Some("find ings"))
        );
        assert_eq!(at(&r, from, "#x"), file("cases/a/index.html", Some("x")));
        assert_eq!(
            at(&r, from, "/t/files/my%20handout.pdf"),
            file("files/my handout.pdf", None)
        );
        assert_eq!(at(&r, from, "/t/caf%C3%A9/"), file("café/index.html", None));
        assert_eq!(at(&r, from, "/t/café/"), file("café/index.html", None));
        assert_eq!(at(&r, from, "/t"), file("index.html", None));
        assert_eq!(
            at(&r, "404.html", "css/site.css"),
            file("css/site.css", None)
        );
        assert_eq!(
            at(&r, "cases/b/index.html", "ct-480.webp"),
            file("cases/b/ct-480.webp", None)
        );
    }

    #[test]
    fn missing_outside_and_other_sites() {
        let r = site("https://x.org/t/");
        let from = "cases/a/index.html";
        let missing = |shown: &str| Target::Missing {
            shown: shown.into(),
        };
        assert_eq!(at(&r, from, "../c/"), missing("/t/cases/c/"));
        assert_eq!(
            at(&r, from, "/t/css/site.css/"),
            missing("/t/css/site.css/")
        );
        assert_eq!(
            at(&r, from, "/t/cases/c/index.html"),
            missing("/t/cases/c/index.html")
        );
        assert_eq!(at(&r, from, "/t/caf%C3%A8/"), missing("/t/caf%C3%A8/"));
        assert_eq!(at(&r, from, "/t/%FF/"), missing("/t/%FF/"));
        assert_eq!(
            at(&r, from, "/cases/b/"),
            Target::Outside {
                shown: "/cases/b/".into()
            }
        );
        assert_eq!(
            at(&r, from, "../../../up/"),
            Target::Outside {
                shown: "/up/".into()
            }
        );
        let other = at(&r, from, "https://x.org/other/#a");
        assert!(
            matches!(&other, Target::External { url, fragment } if url.as_str() == "https://x.org/other/" && fragment.as_deref() == Some("a")),
            "{other:?}"
        );
        assert!(matches!(
            at(&r, from, "http://x.org/t/cases/b/"),
            Target::External { .. }
        ));
        for skip in [
            "mailto:a@b.c",
            "tel:+1555",
            "data:image/png;base64,AA",
            "javascript:void(0)",
        ] {
            assert_eq!(at(&r, from, skip), Target::Skip, "{skip}");
        }
        assert!(matches!(
            at(&r, from, "http://[::1"),
            Target::Invalid { .. }
        ));
    }
}
