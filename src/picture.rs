//! Responsive `<picture>` markup for a published image: one `<source>` per preferred format,
//! the fallback format in `<img>` with width, height, alt, lazy loading and async decoding.
//!
//! Used for images written in Markdown; theme templates build the same markup from the views.

use crate::types::{Picture, escape_html};

/// `sizes` for an image in the reading column.
pub const PROSE_SIZES: &str = "(max-width: 48rem) 100vw, 46rem";

/// `<picture>…</picture>` for `pic`, showing a size fit for `sizes`.
pub fn picture_html(pic: &Picture, alt: &str, sizes: &str) -> String {
    let fallback = pic.fallback_format();
    let mut out = String::from("<picture>");
    for format in pic.formats() {
        if format != fallback {
            out.push_str(&format!(
                "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\">",
                format.mime(),
                escape_html(&pic.srcset(format)),
                sizes
            ));
        }
    }
    if let Some(src) = pic.at_least(960) {
        out.push_str(&format!(
            "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
            escape_html(&src.url),
            escape_html(&pic.srcset(fallback)),
            sizes,
            src.width,
            src.height,
            escape_html(alt)
        ));
    }
    out.push_str("</picture>");
    out
}

/// A figure for an image standing alone in a paragraph; the caption comes from the Markdown title.
pub fn figure_html(pic: &Picture, alt: &str, caption: Option<&str>) -> String {
    let large = pic.largest().map_or(String::new(), |v| escape_html(&v.url));
    let caption = caption
        .filter(|c| !c.is_empty())
        .map(|c| format!("<figcaption>{}</figcaption>", escape_html(c)))
        .unwrap_or_default();
    format!(
        "<figure class=\"figure\"><a class=\"gallery-link\" href=\"{large}\" data-lightbox=\"inline\">{}</a>{caption}</figure>\n",
        picture_html(pic, alt, PROSE_SIZES)
    )
}
