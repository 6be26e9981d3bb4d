//! Card text: the embedded fonts, what they can draw, line breaking with an ellipsis, and glyph
//! drawing onto a card.
//!
//! Only the fonts embedded here are ever loaded, never the system's, so a card is drawn the same
//! on every machine. Shaping, line breaking and rasterising are cosmic-text's; the rules a card
//! needs on top (at most N lines, then "…") are here.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use cosmic_text::skrifa::{FontRef, MetadataProvider};
use cosmic_text::{
    Attrs, Buffer, Color, Family, FontSystem, Metrics, PhysicalGlyph, Renderer, Shaping,
    SwashCache, SwashContent, Weight, Wrap, fontdb,
};
use image::RgbImage;

use super::paint;

/// Noto Sans (SIL Open Font License 1.1), cut down to Latin, Greek and Cyrillic: see
/// `themes/default/fonts/README.md`.
pub const BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/themes/default/fonts/NotoSans-Bold.ttf"
));
pub const REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/themes/default/fonts/NotoSans-Regular.ttf"
));
const FAMILY: &str = "Noto Sans";

/// How a piece of card text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Font size in pixels.
    pub size: f32,
    /// Distance between baselines, in pixels.
    pub line_height: f32,
    pub bold: bool,
    /// Letter spacing in em (labels in capitals read better spaced out).
    pub tracking: f32,
}

impl Style {
    fn attrs(&self) -> Attrs<'static> {
        let attrs = Attrs::new()
            .family(Family::Name(FAMILY))
            .weight(if self.bold {
                Weight::BOLD
            } else {
                Weight::NORMAL
            });
        if self.tracking == 0.0 {
            attrs
        } else {
            attrs.letter_spacing(self.tracking)
        }
    }

    fn metrics(&self) -> Metrics {
        Metrics::new(self.size, self.line_height)
    }
}

/// Whether the card font has a glyph for `c` (both weights cover the same characters).
pub fn covers(c: char) -> bool {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::new(BOLD).ok())
        .as_ref()
        .is_some_and(|f| f.charmap().map(c).is_some())
}

/// The text as the card font can draw it, whitespace collapsed. Symbols and emoji the font
/// lacks are left out; `None` when it lacks a letter or digit (a script it does not cover):
/// a headline with letters missing would say something else, and boxes in place of letters
/// ("tofu") look broken.
pub fn drawable(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if !covers(c) {
            if c.is_alphanumeric() {
                return None;
            }
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    (!out.is_empty()).then_some(out)
}

/// A shaping and rasterising context, reused for every card a thread draws (building one
/// parses the fonts; its glyph cache then serves every card).
pub struct Engine {
    fonts: FontSystem,
    glyphs: SwashCache,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
}

impl Engine {
    fn new() -> Engine {
        let mut db = fontdb::Database::new();
        for bytes in [BOLD, REGULAR] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        db.set_sans_serif_family(FAMILY);
        Engine {
            // The locale only orders fallback fonts, and there are none to fall back to.
            fonts: FontSystem::new_with_locale_and_db("en-US".into(), db),
            glyphs: SwashCache::new(),
        }
    }

    /// Run `f` with this thread's engine.
    pub fn with<R>(f: impl FnOnce(&mut Engine) -> R) -> R {
        ENGINE.with(|e| f(&mut e.borrow_mut()))
    }

    fn buffer(&mut self, text: &str, style: &Style, width: Option<f32>) -> Buffer {
        let mut buffer = Buffer::new(&mut self.fonts, style.metrics());
        buffer.set_wrap(Wrap::WordOrGlyph);
        buffer.set_size(width, None);
        buffer.set_text(text, &style.attrs(), Shaping::Advanced, None);
        buffer.shape_until_scroll(&mut self.fonts, false);
        buffer
    }

    /// Width of `text` set on one line, in pixels.
    pub fn width(&mut self, text: &str, style: &Style) -> f32 {
        let buffer = self.buffer(text, style, None);
        buffer.layout_runs().map(|r| r.line_w).fold(0.0, f32::max)
    }

    /// `text` broken into lines no wider than `width` (a word too long for a line is broken
    /// inside).
    pub fn wrap(&mut self, text: &str, style: &Style, width: f32) -> Vec<String> {
        let buffer = self.buffer(text, style, Some(width));
        buffer
            .layout_runs()
            .filter_map(|run| {
                let start = run.glyphs.iter().map(|g| g.start).min()?;
                let end = run.glyphs.iter().map(|g| g.end).max()?;
                let line = run.text.get(start..end)?.trim();
                (!line.is_empty()).then(|| line.to_string())
            })
            .collect()
    }

    /// `text` in at most `max_lines` lines no wider than `width`; when it needs more, the last
    /// line is cut at a word (or, for one long word, a letter) and ends with "…".
    pub fn fit(&mut self, text: &str, style: &Style, width: f32, max_lines: usize) -> Vec<String> {
        let mut lines = self.wrap(text, style, width);
        if lines.len() <= max_lines || max_lines == 0 {
            return lines;
        }
        lines.truncate(max_lines);
        let mut last = lines.pop().unwrap_or_default();
        loop {
            let trimmed = last.trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '(' | '/')
            });
            let candidate = format!("{trimmed}…");
            if trimmed.is_empty() || self.width(&candidate, style) <= width {
                lines.push(candidate);
                return lines;
            }
            last = match trimmed.rfind(' ') {
                Some(i) => trimmed[..i].to_string(),
                None => {
                    let mut t = trimmed.to_string();
                    t.pop();
                    t
                }
            };
        }
    }

    /// Draw one line of text with its top-left corner at (`x`, `top`).
    pub fn draw_line(
        &mut self,
        canvas: &mut RgbImage,
        text: &str,
        style: &Style,
        origin: (i32, i32),
        rgb: [u8; 3],
    ) {
        let mut buffer = self.buffer(text, style, None);
        buffer.set_wrap(Wrap::None);
        let color = Color::rgb(rgb[0], rgb[1], rgb[2]);
        // What `Buffer::draw` does, but each glyph's mask is blended a row at a time rather
        // than through a call per pixel (that was a ninth of a cold build's CPU time).
        buffer.shape_until_scroll(&mut self.fonts, false);
        let mut blit = Blit {
            canvas,
            origin,
            rgb,
            fonts: &mut self.fonts,
            glyphs: &mut self.glyphs,
        };
        for run in buffer.layout_runs() {
            for glyph in run.glyphs {
                blit.glyph(glyph.physical((0., run.line_y), 1.0), color);
            }
            cosmic_text::render_decoration(&mut blit, &run, color);
        }
    }
}

/// Draws glyphs onto a card in one colour, through their coverage.
struct Blit<'a> {
    canvas: &'a mut RgbImage,
    /// Where the line's top-left corner is on the canvas.
    origin: (i32, i32),
    rgb: [u8; 3],
    fonts: &'a mut FontSystem,
    glyphs: &'a mut SwashCache,
}

impl Renderer for Blit<'_> {
    fn rectangle(&mut self, x: i32, y: i32, w: u32, h: u32, color: Color) {
        let alpha = f32::from(color.a()) / 255.0;
        let (ox, oy) = self.origin;
        for dy in 0..h as i32 {
            for dx in 0..w as i32 {
                paint::blend(self.canvas, ox + x + dx, oy + y + dy, self.rgb, alpha);
            }
        }
    }

    fn glyph(&mut self, glyph: PhysicalGlyph, _: Color) {
        let Some(image) = self.glyphs.get_image(self.fonts, glyph.cache_key) else {
            return;
        };
        let at = (
            self.origin.0 + glyph.x + image.placement.left,
            self.origin.1 + glyph.y - image.placement.top,
        );
        let size = (image.placement.width, image.placement.height);
        // Only the coverage counts: the text is drawn in `rgb` whatever colour a glyph has.
        let (coverage, step) = match image.content {
            SwashContent::Mask => (&image.data[..], 1),
            SwashContent::Color => (image.data.get(3..).unwrap_or_default(), 4),
            SwashContent::SubpixelMask => return,
        };
        paint::blend_coverage(self.canvas, at, size, coverage, step, self.rgb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: Style = Style {
        size: 52.0,
        line_height: 60.0,
        bold: true,
        tracking: 0.0,
    };

    #[test]
    fn fonts_cover_latin_greek_and_cyrillic_but_not_cjk() {
        for c in ['a', 'é', 'ß', 'ő', 'ư', 'Ω', 'λ', 'Ж', 'я', '…', '–', '·'] {
            assert!(covers(c), "{c}");
        }
        for c in ['急', 'ب', 'א', '😀'] {
            assert!(!covers(c), "{c}");
        }
    }

    #[test]
    fn drawable_drops_symbols_but_refuses_missing_letters() {
        assert_eq!(
            drawable("  Case 3:\n  pneumothorax 🎉 ").as_deref(),
            Some("Case 3: pneumothorax")
        );
        assert_eq!(
            drawable("Пневмоторакс — Πνευμοθώρακας").as_deref(),
            Some("Пневмоторакс — Πνευμοθώρακας")
        );
        assert_eq!(drawable("急性虫垂炎 (acute appendicitis)"), None);
        assert_eq!(drawable("التهاب الزائدة"), None);
        assert_eq!(drawable("🎉"), None);
    }

    /// Drawing a line through [`Blit`] gives the pixels `Buffer::draw` gives with a blend per
    /// pixel, as cards were drawn before.
    #[test]
    fn lines_are_drawn_as_buffer_draw_draws_them() {
        let styles = [
            TITLE,
            Style {
                size: 22.0,
                line_height: 30.0,
                bold: false,
                tracking: 0.1,
            },
        ];
        for (text, style) in [
            ("Acute appendicitis", styles[0]),
            ("MRI · Θώρακας — Жк", styles[1]),
        ] {
            let start =
                RgbImage::from_fn(700, 120, |x, y| image::Rgb([(x % 256) as u8, y as u8, 40]));
            // Partly off the canvas on the left, so clipping is compared too.
            let (x, top, rgb) = (-12, 20, [0xf4, 0xf6, 0xf8]);
            let mut drawn = start.clone();
            Engine::with(|e| e.draw_line(&mut drawn, text, &style, (x, top), rgb));
            let mut reference = start.clone();
            Engine::with(|e| {
                let mut buffer = e.buffer(text, &style, None);
                buffer.set_wrap(Wrap::None);
                let color = Color::rgb(rgb[0], rgb[1], rgb[2]);
                buffer.draw(
                    &mut e.fonts,
                    &mut e.glyphs,
                    color,
                    |gx, gy, w, h, c: Color| {
                        let alpha = f32::from(c.a()) / 255.0;
                        for dy in 0..h as i32 {
                            for dx in 0..w as i32 {
                                paint::blend(
                                    &mut reference,
                                    x + gx + dx,
                                    top + gy + dy,
                                    rgb,
                                    alpha,
                                );
                            }
                        }
                    },
                );
            });
            assert!(drawn != start, "{text}: nothing drawn");
            assert!(drawn == reference, "{text}: pixels differ");
        }
    }

    #[test]
    fn short_text_stays_on_one_line() {
        let lines = Engine::with(|e| e.fit("Acute appendicitis", &TITLE, 600.0, 3));
        assert_eq!(lines, ["Acute appendicitis"]);
    }

    #[test]
    fn long_titles_wrap_within_the_width_and_end_with_an_ellipsis() {
        let title = "Spontaneous pneumothorax in a tall young smoker with sudden pleuritic chest \
                     pain, followed for six weeks with serial radiographs and a chest CT";
        let width = 530.0;
        let (lines, widths) = Engine::with(|e| {
            let lines = e.fit(title, &TITLE, width, 3);
            let widths: Vec<f32> = lines.iter().map(|l| e.width(l, &TITLE)).collect();
            (lines, widths)
        });
        assert_eq!(lines.len(), 3, "{lines:?}");
        for (line, w) in lines.iter().zip(&widths) {
            assert!(*w <= width, "{line:?} is {w} px wide");
            assert!(*w > width * 0.5, "{line:?} wastes its line ({w} px)");
        }
        let last = lines.last().unwrap();
        assert!(last.ends_with('…'), "{last:?}");
        assert!(!last.ends_with(" …") && !last.ends_with(",…"), "{last:?}");
        // Nothing invented: the lines are the title's own words, in order.
        let shown = lines.join(" ");
        assert!(title.starts_with(shown.trim_end_matches('…')), "{shown}");
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken_inside() {
        let word = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3);
        let lines = Engine::with(|e| e.fit(&word, &TITLE, 300.0, 2));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with('…'));
        Engine::with(|e| {
            for l in &lines {
                assert!(e.width(l, &TITLE) <= 300.0, "{l}");
            }
        });
    }
}
