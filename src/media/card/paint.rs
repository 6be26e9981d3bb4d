//! Pixel work of a card: gradients, an image cropped to fill a box, and anti-aliased shapes
//! (the brand mark), on an RGB canvas. Pure: pixels in, pixels out.

use std::borrow::Cow;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage};

/// Mix `rgb` over the pixel at (`x`, `y`) with opacity `alpha` (0–1); outside the canvas, nothing.
pub fn blend(canvas: &mut RgbImage, x: i32, y: i32, rgb: [u8; 3], alpha: f32) {
    if x < 0 || y < 0 || alpha <= 0.0 {
        return;
    }
    let Some(px) = canvas.get_pixel_mut_checked(x as u32, y as u32) else {
        return;
    };
    mix_into(&mut px.0, rgb, weight(alpha));
}

/// An opacity (0–1) as a weight out of 256, for integer mixing.
fn weight(alpha: f32) -> u32 {
    (alpha.clamp(0.0, 1.0) * 256.0).round() as u32
}

/// The weight of each coverage value of a glyph mask (0–255), as [`blend`] takes it
/// (`weight(coverage / 255)`), worked out once instead of for every pixel of every glyph.
fn coverage_weights() -> &'static [u32; 256] {
    static WEIGHTS: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| std::array::from_fn(|a| weight(a as f32 / 255.0)))
}

/// Mix `rgb` over the `width`×`height` pixels whose top-left corner is (`x`, `y`), each
/// through its coverage (0–255), the byte at `coverage[i * step]` for the `i`-th pixel in row
/// order: what [`blend`] of every pixel with opacity coverage / 255 gives, a row at a time,
/// clipped to the canvas. A glyph mask has a `step` of 1, an RGBA glyph (its alpha) of 4.
pub fn blend_coverage(
    canvas: &mut RgbImage,
    (x, y): (i32, i32),
    (width, height): (u32, u32),
    coverage: &[u8],
    step: usize,
    rgb: [u8; 3],
) {
    let weights = coverage_weights();
    let (cw, ch) = (i64::from(canvas.width()), i64::from(canvas.height()));
    let (x, y, w) = (i64::from(x), i64::from(y), i64::from(width));
    // The columns on the canvas, and where they start in a row of the mask.
    let (left, right) = (x.max(0), (x + w).min(cw));
    if left >= right {
        return;
    }
    let (skip, stride) = ((left - x) as usize, cw as usize * 3);
    let raw: &mut [u8] = canvas.as_mut();
    for row in 0..i64::from(height) {
        let py = y + row;
        if !(0..ch).contains(&py) {
            continue;
        }
        let from = (row as usize * width as usize + skip) * step;
        let Some(cover) = coverage.get(from..) else {
            return;
        };
        let start = py as usize * stride + left as usize * 3;
        let pixels = raw[start..start + (right - left) as usize * 3].chunks_exact_mut(3);
        for (px, &a) in pixels.zip(cover.iter().step_by(step)) {
            let wgt = weights[usize::from(a)];
            if wgt != 0
                && let Ok(dst) = <&mut [u8; 3]>::try_from(px)
            {
                mix_into(dst, rgb, wgt);
            }
        }
    }
}

/// `dst` ← `src` over `dst` at weight `w` out of 256. Integer arithmetic: a card blends hundreds
/// of thousands of pixels, and float rounding was a fifth of its drawing time.
fn mix_into(dst: &mut [u8; 3], src: [u8; 3], w: u32) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = ((u32::from(*d) * (256 - w) + u32::from(s) * w + 128) >> 8) as u8;
    }
}

/// Fill the rectangle `x0..x1` × `y0..y1` with a vertical gradient from `top` to `bottom`.
pub fn vertical_gradient(
    canvas: &mut RgbImage,
    (x0, y0, x1, y1): (u32, u32, u32, u32),
    top: [u8; 3],
    bottom: [u8; 3],
) {
    let span = (y1.saturating_sub(y0)).max(1) as f32;
    for y in y0..y1.min(canvas.height()) {
        let t = (y - y0) as f32 / span;
        let c = mix(top, bottom, t);
        for x in x0..x1.min(canvas.width()) {
            canvas.put_pixel(x, y, image::Rgb(c));
        }
    }
}

/// Lay `rgb` over the columns `x0..x1`, fully opaque at `x0` and fading out smoothly towards
/// `x1`, so an image's edge melts into the panel beside it.
pub fn fade_right(canvas: &mut RgbImage, x0: u32, x1: u32, rgb_at: impl Fn(u32) -> [u8; 3]) {
    let span = (x1.saturating_sub(x0)).max(1) as f32;
    let x1 = x1.min(canvas.width());
    let weights: Vec<u32> = (x0..x1)
        .map(|x| {
            let t = (x - x0) as f32 / span;
            weight(1.0 - t * t * (3.0 - 2.0 * t))
        })
        .collect();
    for y in 0..canvas.height() {
        let rgb = rgb_at(y);
        for (x, &w) in (x0..x1).zip(&weights) {
            mix_into(&mut canvas.get_pixel_mut(x, y).0, rgb, w);
        }
    }
}

/// `a` to `b` at `t` (0–1).
pub fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    let mut out = [0u8; 3];
    for i in 0..3 {
        out[i] = (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t).round() as u8;
    }
    out
}

/// `img` scaled to cover a `width`×`height` box, centred, the overflow cut off (CSS
/// `object-fit: cover`), as RGB.
pub fn cover(img: &DynamicImage, width: u32, height: u32) -> Result<RgbImage, String> {
    // Grey sources (most of radiology) are resized as one channel and only then made RGB.
    let src = match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => Cow::Borrowed(img),
        DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageLumaA16(_) => Cow::Owned(DynamicImage::ImageLuma8(img.to_luma8())),
        _ => Cow::Owned(DynamicImage::ImageRgb8(img.to_rgb8())),
    };
    let (sw, sh) = (f64::from(src.width()), f64::from(src.height()));
    let scale = (f64::from(width) / sw).max(f64::from(height) / sh);
    let (cw, ch) = (f64::from(width) / scale, f64::from(height) / scale);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop((sw - cw) / 2.0, (sh - ch) / 2.0, cw, ch);
    let mut dst = match *src {
        DynamicImage::ImageLuma8(_) => DynamicImage::new_luma8(width, height),
        _ => DynamicImage::new_rgb8(width, height),
    };
    Resizer::new()
        .resize(src.as_ref(), &mut dst, &options)
        .map_err(|e| format!("could not fit the image on the card: {e}"))?;
    Ok(match dst {
        // image's own conversion goes through colour-space code at ~20 ns a pixel.
        DynamicImage::ImageLuma8(grey) => {
            let raw = grey.as_raw().iter().flat_map(|&v| [v, v, v]).collect();
            RgbImage::from_raw(width, height, raw).ok_or("could not fit the image on the card")?
        }
        other => other.into_rgb8(),
    })
}

/// Copy `img` onto the canvas with its top-left corner at (`x`, `y`).
pub fn place(canvas: &mut RgbImage, img: &RgbImage, x: u32, y: u32) {
    let (cw, ch) = canvas.dimensions();
    if x >= cw || y >= ch {
        return;
    }
    let columns = img.width().min(cw - x) as usize * 3;
    let (src_stride, dst_stride) = (img.width() as usize * 3, cw as usize * 3);
    let dst = canvas.as_mut();
    for row in 0..img.height().min(ch - y) as usize {
        let from = row * src_stride;
        let to = (y as usize + row) * dst_stride + x as usize * 3;
        dst[to..to + columns].copy_from_slice(&img.as_raw()[from..from + columns]);
    }
}

/// Paint a shape given by its signed distance (negative inside, in pixels) within the box
/// `x0..x1` × `y0..y1`; the half-pixel band around the edge is what anti-aliases it.
pub fn shape(
    canvas: &mut RgbImage,
    (x0, y0, x1, y1): (i32, i32, i32, i32),
    rgb: [u8; 3],
    alpha: f32,
    distance: impl Fn(f32, f32) -> f32,
) {
    for y in y0..y1 {
        for x in x0..x1 {
            let d = distance(x as f32 + 0.5, y as f32 + 0.5);
            let coverage = (0.5 - d).clamp(0.0, 1.0);
            if coverage > 0.0 {
                blend(canvas, x, y, rgb, alpha * coverage);
            }
        }
    }
}

/// Signed distance to a circle of radius `r` around (`cx`, `cy`).
pub fn circle(cx: f32, cy: f32, r: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| (x - cx).hypot(y - cy) - r
}

/// Signed distance to an ellipse (a first-order estimate: exact enough for thin strokes).
pub fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| {
        let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
        let q = dx.hypot(dy);
        let grad = (dx / rx).hypot(dy / ry);
        if grad == 0.0 {
            -rx.min(ry)
        } else {
            (q - 1.0) * q / grad
        }
    }
}

/// Signed distance to a rectangle with rounded corners.
pub fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> impl Fn(f32, f32) -> f32 {
    move |px, py| {
        let (hw, hh) = (w / 2.0, h / 2.0);
        let qx = (px - x - hw).abs() - (hw - r);
        let qy = (py - y - hh).abs() - (hh - r);
        qx.max(0.0).hypot(qy.max(0.0)) + qx.max(qy).min(0.0) - r
    }
}

/// The outline of a shape: a stroke `width` wide centred on its edge.
pub fn stroke(width: f32, d: impl Fn(f32, f32) -> f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| d(x, y).abs() - width / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_fills_the_box_and_keeps_the_centre() {
        // A wide image, white in its middle third: covering a square keeps the middle.
        let img = DynamicImage::ImageRgb8(RgbImage::from_fn(300, 100, |x, _| {
            if (100..200).contains(&x) {
                image::Rgb([255, 255, 255])
            } else {
                image::Rgb([0, 0, 0])
            }
        }));
        let out = cover(&img, 50, 50).unwrap();
        assert_eq!(out.dimensions(), (50, 50));
        assert_eq!(out.get_pixel(25, 25).0, [255, 255, 255]);
        assert!(out.get_pixel(2, 25).0[0] > 200, "the sides are cut off");
    }

    #[test]
    fn cover_keeps_grey_images_grey_and_colour_in_colour() {
        let grey = DynamicImage::ImageLuma16(image::ImageBuffer::from_fn(80, 60, |x, _| {
            image::Luma([(x * 800) as u16])
        }));
        let out = cover(&grey, 40, 40).unwrap();
        assert_eq!(out.dimensions(), (40, 40));
        assert!(out.pixels().all(|p| p.0[0] == p.0[1] && p.0[1] == p.0[2]));
        assert!(out.get_pixel(39, 20).0[0] > out.get_pixel(0, 20).0[0]);
        let red = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            30,
            30,
            image::Rgba([200, 10, 10, 255]),
        ));
        let out = cover(&red, 20, 10).unwrap();
        assert_eq!(out.get_pixel(10, 5).0, [200, 10, 10]);
    }

    #[test]
    fn blending_is_exact_at_the_ends_and_halfway() {
        let mut canvas = RgbImage::from_pixel(2, 1, image::Rgb([0, 100, 255]));
        blend(&mut canvas, 0, 0, [255, 0, 0], 1.0);
        assert_eq!(canvas.get_pixel(0, 0).0, [255, 0, 0]);
        blend(&mut canvas, 1, 0, [255, 0, 0], 0.5);
        assert_eq!(canvas.get_pixel(1, 0).0, [128, 50, 128]);
        blend(&mut canvas, 1, 0, [0, 0, 0], 0.0);
        assert_eq!(canvas.get_pixel(1, 0).0, [128, 50, 128]);
        blend(&mut canvas, 5, 0, [0, 0, 0], 1.0);
        blend(&mut canvas, -1, 0, [0, 0, 0], 1.0);
    }

    /// Blending a coverage mask a row at a time gives the pixels of blending each of its
    /// pixels alone, at every coverage, at every edge of the canvas.
    #[test]
    fn coverage_blends_as_pixel_by_pixel_blending_does() {
        let (w, h) = (23u32, 19u32);
        let mask: Vec<u8> = (0..w * h).map(|i| (i * 37 % 256) as u8).collect();
        let rgba: Vec<u8> = mask.iter().flat_map(|&a| [1, 2, 3, a]).collect();
        for at in [(5, 4), (-7, -3), (30, 25), (-30, 0), (50, 50)] {
            let start =
                RgbImage::from_fn(40, 32, |x, y| image::Rgb([x as u8 * 6, y as u8 * 7, 90]));
            let mut one_by_one = start.clone();
            for dy in 0..h as i32 {
                for dx in 0..w as i32 {
                    let a = mask[(dy as u32 * w + dx as u32) as usize];
                    let alpha = f32::from(a) / 255.0;
                    blend(&mut one_by_one, at.0 + dx, at.1 + dy, [250, 20, 140], alpha);
                }
            }
            let mut rows = start.clone();
            blend_coverage(&mut rows, at, (w, h), &mask, 1, [250, 20, 140]);
            assert_eq!(rows, one_by_one, "mask at {at:?}");
            let mut rows = start.clone();
            blend_coverage(&mut rows, at, (w, h), &rgba[3..], 4, [250, 20, 140]);
            assert_eq!(rows, one_by_one, "alpha of RGBA at {at:?}");
        }
    }

    #[test]
    fn placing_clips_at_the_canvas_edge() {
        let mut canvas = RgbImage::new(4, 3);
        let img = RgbImage::from_pixel(3, 3, image::Rgb([9, 9, 9]));
        place(&mut canvas, &img, 2, 1);
        let lit: Vec<(u32, u32)> = canvas
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0 == [9, 9, 9])
            .map(|(x, y, _)| (x, y))
            .collect();
        assert_eq!(lit, [(2, 1), (3, 1), (2, 2), (3, 2)]);
        place(&mut canvas, &img, 10, 10);
    }

    #[test]
    fn shapes_are_anti_aliased() {
        let mut canvas = RgbImage::new(40, 40);
        shape(
            &mut canvas,
            (0, 0, 40, 40),
            [255, 255, 255],
            1.0,
            circle(20.0, 20.0, 10.0),
        );
        assert_eq!(canvas.get_pixel(20, 20).0, [255, 255, 255]);
        assert_eq!(canvas.get_pixel(2, 2).0, [0, 0, 0]);
        let edge = canvas.get_pixel(29, 22).0[0];
        assert!(edge > 0 && edge < 255, "edge pixel {edge}");
    }
}
