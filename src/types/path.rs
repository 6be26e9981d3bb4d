use std::fmt;
use std::path::Path;

/// A path relative to the output root, `/`-separated, no leading slash: where one output file
/// goes (`cases/a/index.html`, `cases/a/ct-480.webp`). Distinct from URL paths (which carry the
/// base path and end folders with `/`) and from source paths on disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct OutPath(String);

impl OutPath {
    pub fn new(path: impl Into<String>) -> OutPath {
        OutPath(path.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the path stays inside the output folder: relative, no `.`/`..`/empty segments,
    /// no `\`.
    pub fn is_safe(&self) -> bool {
        let p = &self.0;
        !p.is_empty()
            && !p.starts_with('/')
            && !p.contains('\\')
            && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
    }

    pub fn is_html(&self) -> bool {
        self.0.ends_with(".html")
    }

    pub fn extension(&self) -> Option<&str> {
        let name = self.0.rsplit('/').next().unwrap_or(&self.0);
        name.rsplit_once('.').map(|(_, e)| e)
    }

    /// The URL path (from the site root, without the base path) a browser shows for an HTML
    /// output: `cases/a/index.html` → `/cases/a/`, `404.html` → `/404.html`.
    pub fn page_url(&self) -> Option<String> {
        if let Some(dir) = self.0.strip_suffix("index.html")
            && (dir.is_empty() || dir.ends_with('/'))
        {
            return Some(format!("/{dir}"));
        }
        self.is_html().then(|| format!("/{}", self.0))
    }
}

impl fmt::Display for OutPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for OutPath {
    fn from(s: String) -> Self {
        OutPath(s)
    }
}

impl From<&str> for OutPath {
    fn from(s: &str) -> Self {
        OutPath(s.to_string())
    }
}

impl std::borrow::Borrow<str> for OutPath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A relative path with `/` between its parts, whatever the platform. A `\\` inside a file name
/// stays as it is (it is a legal character on Unix), so it can never act as a separator.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a name written in front matter (`ct.png`, `axial/001.png`) stays inside the page's
/// folder: not empty, not absolute, no `..`, `.` or empty segments.
pub fn is_inside(file: &str) -> bool {
    !file.is_empty()
        && !file.starts_with('/')
        && file
            .split('/')
            .all(|s| !s.is_empty() && s != ".." && s != ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_output_paths_are_refused() {
        for bad in [
            "",
            "/index.html",
            "../x/index.html",
            "a/../../b",
            "a//index.html",
            "a/./b",
            "a\\..\\b",
        ] {
            assert!(!OutPath::from(bad).is_safe(), "{bad}");
        }
        assert!(OutPath::from("cases/a/index.html").is_safe());
    }

    #[test]
    fn page_urls() {
        let url = |p: &str| OutPath::from(p).page_url();
        assert_eq!(url("index.html").as_deref(), Some("/"));
        assert_eq!(url("cases/a/index.html").as_deref(), Some("/cases/a/"));
        assert_eq!(url("404.html").as_deref(), Some("/404.html"));
        assert_eq!(url("rss.xml"), None);
    }

    #[test]
    fn inside_the_bundle() {
        assert!(is_inside("ct.png") && is_inside("axial/001.png"));
        for bad in ["../x.png", "/etc/x.png", "a//b.png", "", "./a.png"] {
            assert!(!is_inside(bad), "{bad}");
        }
    }
}
