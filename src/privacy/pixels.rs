//! Text burned into the pixels an image publishes (found by `media::ocr` while the image stage
//! decodes it), as privacy findings: each image with text fails the build until its entry
//! blacks the text out with `redact` or the case acknowledges that it holds nothing identifying.
//!
//! What OCR read is matched against the text rules and against the file's own DICOM header
//! (its patient's name, ID and dates), so the report says which regions are identifiers; it
//! is printed masked, like every finding.

use std::path::Path;

use super::Scans;
use super::finding::Finding;
use super::rules::{self, RuleId};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::media::FoundText;
use crate::media::ocr::{self, Ocr, TextRegion};
use crate::source::Source;
use crate::types::slash_path;

/// The pixels of one published image and what was found in them.
pub struct Searched<'a> {
    pub source: &'a Path,
    /// A DICOM frame: its header's own values are looked for in what OCR read.
    pub dicom: bool,
    /// A stack slice (a stack takes no `redact`).
    pub slice: bool,
    /// For an image published in its own format (`static/`, a figure a page links to): its
    /// source. It takes no `redact`, and `[privacy] publish` in config.toml may allow it.
    pub as_is: Option<&'a Source>,
    pub found: &'a FoundText,
}

/// What the pixels of a run say.
#[derive(Debug, Default)]
pub struct PixelVerdict {
    /// An error per image with text no acknowledgement covers.
    pub errors: Vec<Diagnostic>,
    /// Images with text that an acknowledgement covers.
    pub acknowledged: usize,
    /// `text-in-image` acknowledgements that cover none of the images searched (meaningful only
    /// when every image of the site was).
    pub stale: Vec<Diagnostic>,
}

impl Scans {
    /// Findings for the text in `searched`, with the acknowledgements of the cases that publish
    /// the images applied.
    pub fn pixel_text(&self, config: &Config, searched: &[Searched<'_>]) -> PixelVerdict {
        let mut verdict = PixelVerdict::default();
        let mut used: Vec<Vec<bool>> = self
            .files
            .iter()
            .map(|f| vec![false; f.acks.len()])
            .collect();
        let mut slices: Vec<(std::path::PathBuf, String)> = Vec::new();
        let mut frames: std::collections::HashMap<&Path, usize> = Default::default();
        for s in searched.iter().filter(|s| s.slice) {
            *frames.entry(s.source).or_default() += 1;
        }
        for s in searched.iter().filter(|s| !s.found.regions.is_empty()) {
            // The case whose bundle holds the image; the innermost when bundles nest.
            let owner = self
                .files
                .iter()
                .enumerate()
                .filter_map(|(i, f)| Some((i, f.bundle_dir.as_deref()?)))
                .filter(|(_, dir)| s.source.starts_with(dir))
                .max_by_key(|(_, dir)| dir.components().count());
            let id = match (owner, s.as_is) {
                (Some((_, dir)), _) => slash_path(s.source.strip_prefix(dir).unwrap_or(s.source)),
                (None, Some(source)) => super::files::site_path(source, config.theme.as_deref()),
                (None, None) => slash_path(s.source),
            };
            let finding = Finding {
                path: s.source.to_path_buf(),
                shown: s.source.to_path_buf(),
                line: None,
                column: None,
                rule: RuleId::TextInImage.rule(),
                masked: String::new(),
                id: id.clone(),
                context: id.clone(),
                draft: false,
            };
            if s.as_is
                .is_some_and(|source| super::publish_allows(config, source))
            {
                verdict.acknowledged += 1;
                continue;
            }
            let covered = owner.and_then(|(i, _)| {
                let k = self.files[i].acks.iter().position(|a| a.covers(&finding))?;
                Some((i, k))
            });
            match covered {
                Some((i, k)) => {
                    used[i][k] = true;
                    verdict.acknowledged += 1;
                }
                None if s.slice => {
                    // A stack of 200 slices with a banner in each is one problem, not 200: a
                    // multi-frame file is its stack, a folder of slices is.
                    let folder = if frames.get(s.source).is_some_and(|n| *n > 1) {
                        s.source.to_path_buf()
                    } else {
                        s.source.parent().unwrap_or(s.source).to_path_buf()
                    };
                    let shown = slices.iter().filter(|(f, _)| *f == folder).count();
                    if shown < SLICES_SHOWN {
                        verdict.errors.push(diagnostic(s, &id, owner.is_some()));
                    }
                    slices.push((folder, id));
                }
                None => verdict.errors.push(diagnostic(s, &id, owner.is_some())),
            }
        }
        let mut folders: Vec<&std::path::PathBuf> = slices.iter().map(|(f, _)| f).collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            let more = slices.iter().filter(|(f, _)| f == folder).count();
            if more > SLICES_SHOWN {
                verdict.errors.push(
                    Diagnostic::in_file(
                        folder,
                        format!(
                            "privacy [text-in-image]: {} more slices of this stack have text burned into the pixels",
                            more - SLICES_SHOWN
                        ),
                    )
                    .with_hint("black the text out in every slice and add the stack again; acknowledge the stack's folder only once you have looked at every slice"),
                );
            }
        }
        for (i, file) in self.files.iter().enumerate() {
            for (k, ack) in file.acks.iter().enumerate() {
                if ack.rule.id == RuleId::TextInImage && !used[i][k] {
                    verdict.stale.push(ack.stale());
                }
            }
        }
        verdict
    }
}

/// Slices of one stack reported one by one; the rest are counted.
const SLICES_SHOWN: usize = 3;

/// Regions listed in a report at most; the hint's `redact` still covers every one.
const LISTED: usize = 6;

fn diagnostic(s: &Searched<'_>, id: &str, in_case: bool) -> Diagnostic {
    let own = if s.dicom {
        crate::privacy::dicom::own_values(s.source)
    } else {
        Vec::new()
    };
    let regions = &s.found.regions;
    let mut lines: Vec<String> = regions
        .iter()
        .take(LISTED)
        .map(|r| describe(r, &own))
        .collect();
    if regions.len() > LISTED {
        lines.push(format!("and {} more", regions.len() - LISTED));
    }
    let (w, h) = s.found.size;
    let message = format!(
        "privacy [text-in-image]: text is burned into the pixels ({w}×{h}), {} {}:\n  {}",
        regions.len(),
        if regions.len() == 1 { "line" } else { "lines" },
        lines.join("\n  ")
    );
    let rects: Vec<String> = regions
        .iter()
        .map(|r| {
            let (x, y, w, h) = r.rect;
            format!("[{x}, {y}, {w}, {h}]")
        })
        .collect();
    let fix = if s.slice {
        "Black the text out in every slice of the stack and add it again".to_string()
    } else if s.as_is.is_some() {
        format!(
            "Black it out in the file ({}), or list it in a case's `images`, where redact = [[x, y, width, height]] can",
            rects.join(", ")
        )
    } else {
        format!(
            "Black it out: give the image's entry in `images` redact = [{}] (pixels of the image as shown, each with a margin), and look at the published sizes",
            rects.join(", ")
        )
    };
    let unread = match ocr::ocr() {
        Ocr::Ready => String::new(),
        Ocr::Unavailable(why) => format!(
            "\nWhat the text says was not read ({why}; install tesseract-ocr and tesseract-ocr-eng to have it read): every region needs a redact or an acknowledgement."
        ),
    };
    let ack = if in_case {
        format!(
            "acknowledge it in the case's front matter: [[privacy.acknowledge]] with rule = \"text-in-image\", text = \"{id}\"{}, reason = what you checked",
            if s.slice {
                " (or the stack's folder)"
            } else {
                ""
            }
        )
    } else {
        format!(
            "allow it in config.toml: [privacy] publish = [{{ path = \"{id}\", reason = \"what you checked\" }}] (its path from the site folder)"
        )
    };
    Diagnostic::in_file(s.source, message).with_hint(format!(
        "{fix}.\nIf you have checked that it identifies nobody (a scale, a side marker, a logo, a label you wrote), {ack}.{unread}"
    ))
}

/// One region as printed: where, what it reads (masked), and what that is.
fn describe(region: &TextRegion, own: &[(&'static str, String)]) -> String {
    let (x, y, w, h) = region.rect;
    let at = format!("at [{x}, {y}, {w}, {h}]");
    let Some(text) = region.text.as_deref() else {
        return format!("{at} (not read)");
    };
    if text.trim().is_empty() {
        return format!("{at} (OCR read nothing: look at it)");
    }
    let mut what: Vec<String> = rules::find(text)
        .iter()
        .map(|hit| hit.rule.what.to_string())
        .collect();
    what.extend(
        own.iter()
            .filter(|(_, value)| reads(text, value))
            .map(|(name, _)| format!("this file's own {name}")),
    );
    what.dedup();
    let masked = rules::mask_id(text);
    if what.is_empty() {
        format!("{at} reads `{masked}`")
    } else {
        format!("{at} reads `{masked}`: {}", what.join(", "))
    }
}

/// Whether OCR `text` holds a header `value`: a person name by any of its parts of three
/// letters or more (`SMITH^JOHN`), anything else by its letters and digits in order, so that
/// `2023-03-14` reads the DICOM date `20230314`.
fn reads(text: &str, value: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let text_words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if value.contains('^') {
        return value
            .split(['^', ' '])
            .filter(|p| p.chars().count() >= 3)
            .any(|p| text_words.iter().any(|w| *w == p.to_lowercase()));
    }
    let value = squash(value);
    if value.len() < 4 {
        return false;
    }
    let flat = squash(text);
    if flat.contains(&value) {
        return true;
    }
    // A DICOM date written with its parts in another order (03/14/2023).
    value.len() == 8
        && value.chars().all(|c| c.is_ascii_digit())
        && [
            format!("{}{}{}", &value[4..6], &value[6..8], &value[..4]),
            format!("{}{}{}", &value[6..8], &value[4..6], &value[..4]),
        ]
        .iter()
        .any(|v| flat.contains(v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_recognised_however_the_text_writes_them() {
        assert!(reads("SMITH, JOHN 4455667", "SMITH^JOHN"));
        assert!(reads("john smith", "SMITH^JOHN"));
        assert!(!reads("SMITHFIELD", "SMITH^JOHN"));
        assert!(reads("ID: 44-55-667", "4455667"));
        assert!(reads("DOB 1950-03-14", "19500314"));
        assert!(reads("03/14/1950", "19500314"));
        assert!(reads("14.03.1950", "19500314"));
        assert!(!reads("L R 12", "19500314"));
        assert!(!reads("AX T2", "T2"));
    }

    #[test]
    fn a_region_says_what_it_reads_masked() {
        let region = TextRegion {
            rect: (4, 8, 120, 20),
            text: Some("SMITH JOHN MRN 4455667".into()),
            confidence: 0.9,
            glyphs: 20,
            ocr_confidence: Some(0.9),
            polarity: ocr::Polarity::LightOnDark,
        };
        let line = describe(&region, &[("PatientName", "SMITH^JOHN".into())]);
        assert!(
            line.starts_with("at [4, 8, 120, 20] reads `S**** J*** *** 4******`"),
            "{line}"
        );
        assert!(line.contains("PatientName"), "{line}");
        assert!(
            !line.contains("4455667") && !line.contains("SMITH"),
            "{line}"
        );
        let unread = TextRegion {
            text: None,
            ..region
        };
        assert_eq!(describe(&unread, &[]), "at [4, 8, 120, 20] (not read)");
    }
}
