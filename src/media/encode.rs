//! Resizing (fast_image_resize, Lanczos3) and encoding (JPEG, WebP, PNG) of decoded images.
//!
//! Pixels in, bytes out: no file system access here, so the cache decides what to run.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{DynamicImage, ImageEncoder};

use crate::types::{Format, Variant};

/// Part of every cache key: bump it whenever the output of this module changes.
pub const ENCODER_VERSION: &str = "radcase-encode-2;image-0.25;fir-6-lanczos3;webp-0.3";

/// Grayscale stays one channel (smaller, faster); colour becomes RGB. Sources arrive composited
/// (`raster::composite`): alpha is composited again here only so that no caller can hand over
/// hidden colour.
fn normalize(img: DynamicImage) -> DynamicImage {
    match super::raster::composite(img) {
        img @ (DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_)) => img,
        img @ DynamicImage::ImageLuma16(_) => DynamicImage::ImageLuma8(img.to_luma8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// A decoded image and the sizes made of it, from which the variants are encoded.
pub struct Sized {
    original: DynamicImage,
    /// Largest first.
    sizes: Vec<(u32, DynamicImage)>,
}

impl Sized {
    /// Resize `img` (upright, decoded) to the widths of `wanted`.
    pub fn new(img: DynamicImage, wanted: &[&Variant]) -> Result<Sized, String> {
        let original = normalize(img);
        let mut widths: Vec<u32> = wanted.iter().map(|v| v.width).collect();
        widths.sort_unstable_by(|a, b| b.cmp(a));
        widths.dedup();
        // Each size is made from the next larger one: much less work than from the source each
        // time, and Lanczos3 on a ≥ 1.25× step keeps the result sharp.
        let mut sizes: Vec<(u32, DynamicImage)> = Vec::with_capacity(widths.len());
        let mut resizer = Resizer::new();
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        for w in widths {
            let from = sizes.last().map_or(&original, |(_, i)| i);
            let h = wanted.iter().find(|v| v.width == w).map_or(1, |v| v.height);
            let next = if from.width() == w && from.height() == h {
                from.clone()
            } else {
                let mut dst = DynamicImage::new(w, h, from.color());
                resizer
                    .resize(from, &mut dst, &options)
                    .map_err(|e| format!("resize failed: {e}"))?;
                dst
            };
            sizes.push((w, next));
        }
        Ok(Sized { original, sizes })
    }

    /// The bytes of the `wanted` variants (those given to [`Sized::new`]), in their order.
    pub fn encode(&self, wanted: &[&Variant], quality: u8) -> Result<Vec<Vec<u8>>, String> {
        wanted
            .iter()
            .map(|v| {
                let img = &self
                    .sizes
                    .iter()
                    .find(|(w, _)| *w == v.width)
                    .ok_or("size missing")?
                    .1;
                encode(img, v.format, quality)
            })
            .collect()
    }

    /// The smallest of the sizes (or the original) that still covers `width`×`height`: what a
    /// smaller picture of it (a share card) is made from with the least work and no loss.
    pub fn smallest_covering(&self, width: u32, height: u32) -> &DynamicImage {
        self.sizes
            .iter()
            .rev()
            .map(|(_, img)| img)
            .find(|img| img.width() >= width && img.height() >= height)
            .unwrap_or(&self.original)
    }
}

fn encode(img: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let (w, h) = (img.width(), img.height());
    match format {
        Format::Jpeg => {
            let enc = JpegEncoder::new_with_quality(&mut out, quality);
            enc.write_image(img.as_bytes(), w, h, img.color().into())
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let enc =
                PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive);
            enc.write_image(img.as_bytes(), w, h, img.color().into())
                .map_err(|e| e.to_string())?;
        }
        Format::Webp => {
            let rgb;
            let bytes = match img {
                DynamicImage::ImageRgb8(i) => i.as_raw(),
                other => {
                    rgb = other.to_rgb8();
                    rgb.as_raw()
                }
            };
            let mem = webp::Encoder::from_rgb(bytes, w, h).encode(f32::from(quality));
            return Ok(mem.to_vec());
        }
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::plan_variants;

    #[test]
    fn makes_every_wanted_variant_at_its_size() {
        let img = DynamicImage::ImageLuma8(image::GrayImage::from_fn(400, 200, |x, y| {
            image::Luma([(x ^ y) as u8])
        }));
        let variants = plan_variants(
            "/",
            "",
            "a",
            (400, 200),
            &[100, 400],
            &[Format::Webp, Format::Jpeg, Format::Png],
        );
        let wanted: Vec<&Variant> = variants.iter().collect();
        let sized = Sized::new(img, &wanted).unwrap();
        let out = sized.encode(&wanted, 80).unwrap();
        for (v, bytes) in variants.iter().zip(&out) {
            let decoded = image::load_from_memory(bytes).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (v.width, v.height),
                "{}",
                v.output
            );
        }
        // 100×50 is too small to cover 120×60; 400×200 covers it, and so does the original.
        assert_eq!(sized.smallest_covering(120, 60).width(), 400);
        assert_eq!(sized.smallest_covering(90, 40).width(), 100);
        assert_eq!(sized.smallest_covering(900, 40).width(), 400);
    }
}
