//! Synthetic radiology-like phantom images for the radcase example site.
//!
//! Every picture is drawn from scratch out of ellipses, polygons, strokes and arcs, then
//! given a little deterministic noise and blur so it reads as an image rather than a flat
//! drawing. There is no real patient data anywhere in these images: they exist only so
//! that the fictional teaching cases in `example-site/` have something plausible to show
//! while developing and testing radcase.
//!
//! Run from the repository root:
//!
//! ```text
//! cargo run --release --example phantoms -- example-site
//! ```
//!
//! The 8-bit grayscale PNGs are written into the case bundles under
//! `<site>/content/cases/`. Output is deterministic: every image seeds its own small PRNG,
//! so the same bytes come out on every run.
//!
//! Geometry uses normalised coordinates: the origin is the image centre, one unit is half
//! of the shorter image side, x grows to the right and y grows downwards. Image left is
//! the patient's right, as on a radiology workstation.

use std::error::Error;
use std::f32::consts::{FRAC_PI_2, PI, TAU};
use std::fs::File;
use std::io::BufWriter;
use std::ops::Range;
use std::path::{Path, PathBuf};

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{GrayImage, Luma};

type Result<T> = std::result::Result<T, Box<dyn Error>>;
type Pt = (f32, f32);

// ------------------------------------------------------------------------------------
// Deterministic PRNG

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

// ------------------------------------------------------------------------------------
// Shapes

/// A filled region described by an approximate signed distance (positive inside), so
/// that edges can be anti-aliased.
#[derive(Clone, Debug)]
enum Shape {
    /// Ellipse centred at `c` with semi-axes `r`, rotated by `rot` radians (clockwise on
    /// screen), its outline optionally wobbled by integer harmonics `(k, amplitude, phase)`.
    Blob {
        c: Pt,
        r: Pt,
        rot: f32,
        wobble: Vec<(f32, f32, f32)>,
    },
    /// Annular sector around `c`: radii `r0..r1`, angles `mid ± half` (radians, 0 = +x).
    Sector {
        c: Pt,
        r0: f32,
        r1: f32,
        mid: f32,
        half: f32,
    },
    /// Axis-aligned rectangle.
    Rect {
        min: Pt,
        max: Pt,
    },
    /// Polyline with round caps.
    Stroke {
        pts: Vec<Pt>,
        width: f32,
    },
    /// Closed polygon (even-odd rule).
    Poly(Vec<Pt>),
    And(Box<Shape>, Box<Shape>),
    Minus(Box<Shape>, Box<Shape>),
}

fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> Shape {
    Shape::Blob {
        c: (cx, cy),
        r: (rx, ry),
        rot: 0.0,
        wobble: Vec::new(),
    }
}

fn circle(cx: f32, cy: f32, r: f32) -> Shape {
    ellipse(cx, cy, r, r)
}

/// Elliptical ring of thickness `t` (measured inwards).
fn ring(cx: f32, cy: f32, rx: f32, ry: f32, t: f32) -> Shape {
    ellipse(cx, cy, rx, ry).minus(ellipse(cx, cy, rx - t, ry - t))
}

fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
    Shape::Rect {
        min: (x0, y0),
        max: (x1, y1),
    }
}

fn line(a: Pt, b: Pt, width: f32) -> Shape {
    stroke(vec![a, b], width)
}

fn stroke(pts: Vec<Pt>, width: f32) -> Shape {
    Shape::Stroke { pts, width }
}

fn poly(pts: &[Pt]) -> Shape {
    Shape::Poly(pts.to_vec())
}

/// `n + 1` points on an elliptical arc from `a0` to `a1` degrees (0 = +x, clockwise).
fn arc_pts(c: Pt, r: Pt, a0: f32, a1: f32, n: usize) -> Vec<Pt> {
    (0..=n)
        .map(|i| {
            let a = (a0 + (a1 - a0) * i as f32 / n as f32).to_radians();
            (c.0 + r.0 * a.cos(), c.1 + r.1 * a.sin())
        })
        .collect()
}

/// Offset every point of a polyline.
fn shifted(pts: &[Pt], dx: f32, dy: f32) -> Vec<Pt> {
    pts.iter().map(|&(x, y)| (x + dx, y + dy)).collect()
}

/// Scale points towards `c` so that the outline moves in by about `d`.
fn shrink_towards(pts: &[Pt], c: Pt, d: f32) -> Vec<Pt> {
    pts.iter()
        .map(|&(x, y)| {
            let len = dist((x, y), c).max(1e-3);
            let f = (len - d) / len;
            (c.0 + (x - c.0) * f, c.1 + (y - c.1) * f)
        })
        .collect()
}

/// Smooth closed outline through control points (Catmull–Rom), `steps` per segment.
fn smooth_closed(ctrl: &[Pt], steps: usize) -> Vec<Pt> {
    let n = ctrl.len();
    let mut out = Vec::with_capacity(n * steps);
    for i in 0..n {
        let (p0, p1, p2, p3) = (
            ctrl[(i + n - 1) % n],
            ctrl[i],
            ctrl[(i + 1) % n],
            ctrl[(i + 2) % n],
        );
        for s in 0..steps {
            let t = s as f32 / steps as f32;
            let f = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (c - a) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t * t
                    + (3.0 * b - a - 3.0 * c + d) * t * t * t)
            };
            out.push((f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    out
}

/// Mirror x for a side: `side = -1` is image left (patient right), `+1` image right.
fn mirrored(pts: &[Pt], side: f32) -> Vec<Pt> {
    pts.iter().map(|&(x, y)| (x * side, y)).collect()
}

fn dist(a: Pt, b: Pt) -> f32 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

fn seg_dist(p: Pt, a: Pt, b: Pt) -> f32 {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len2 = vx * vx + vy * vy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    dist(p, (a.0 + t * vx, a.1 + t * vy))
}

/// Wrap an angle into [-PI, PI].
fn wrap(a: f32) -> f32 {
    (a + PI).rem_euclid(TAU) - PI
}

impl Shape {
    /// Rotate a blob by `deg` degrees (clockwise on screen). Other shapes are unchanged.
    fn rot(mut self, deg: f32) -> Self {
        if let Shape::Blob { rot, .. } = &mut self {
            *rot = deg.to_radians();
        }
        self
    }

    /// Add an outline harmonic to a blob (`k` should be an integer).
    fn wobble(mut self, k: f32, amp: f32, phase: f32) -> Self {
        if let Shape::Blob { wobble, .. } = &mut self {
            wobble.push((k, amp, phase));
        }
        self
    }

    fn and(self, other: Shape) -> Self {
        Shape::And(Box::new(self), Box::new(other))
    }

    fn minus(self, other: Shape) -> Self {
        Shape::Minus(Box::new(self), Box::new(other))
    }

    /// Grow (or with negative `d`, shrink) a blob or stroke by about `d`.
    fn grow(&self, d: f32) -> Self {
        match self {
            Shape::Blob { c, r, rot, wobble } => Shape::Blob {
                c: *c,
                r: (r.0 + d, r.1 + d),
                rot: *rot,
                wobble: wobble.clone(),
            },
            Shape::Stroke { pts, width } => stroke(pts.clone(), width + 2.0 * d),
            Shape::Rect { min, max } => rect(min.0 - d, min.1 - d, max.0 + d, max.1 + d),
            other => other.clone(),
        }
    }

    /// Approximate signed distance in normalised units, positive inside.
    fn sdf(&self, p: Pt) -> f32 {
        match self {
            Shape::Blob { c, r, rot, wobble } => {
                let (dx, dy) = (p.0 - c.0, p.1 - c.1);
                let (s, co) = rot.sin_cos();
                let (u, v) = (dx * co + dy * s, -dx * s + dy * co);
                let (nu, nv) = (u / r.0, v / r.1);
                let q = nu.hypot(nv);
                let th = nv.atan2(nu);
                let edge: f32 = 1.0
                    + wobble
                        .iter()
                        .map(|&(k, a, ph)| a * (k * th + ph).sin())
                        .sum::<f32>();
                (edge - q) * (r.0 * th.cos()).hypot(r.1 * th.sin())
            }
            Shape::Sector {
                c,
                r0,
                r1,
                mid,
                half,
            } => {
                let (dx, dy) = (p.0 - c.0, p.1 - c.1);
                let rr = dx.hypot(dy);
                let dth = wrap(dy.atan2(dx) - mid).abs();
                (rr - r0).min(r1 - rr).min((half - dth) * rr)
            }
            Shape::Rect { min, max } => (p.0 - min.0)
                .min(max.0 - p.0)
                .min(p.1 - min.1)
                .min(max.1 - p.1),
            Shape::Stroke { pts, width } => {
                let d = if pts.len() == 1 {
                    dist(p, pts[0])
                } else {
                    pts.windows(2)
                        .map(|w| seg_dist(p, w[0], w[1]))
                        .fold(f32::MAX, f32::min)
                };
                width / 2.0 - d
            }
            Shape::Poly(pts) => {
                let mut inside = false;
                let mut d = f32::MAX;
                for (i, &a) in pts.iter().enumerate() {
                    let b = pts[(i + 1) % pts.len()];
                    d = d.min(seg_dist(p, a, b));
                    if (a.1 > p.1) != (b.1 > p.1)
                        && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0)
                    {
                        inside = !inside;
                    }
                }
                if inside { d } else { -d }
            }
            Shape::And(a, b) => a.sdf(p).min(b.sdf(p)),
            Shape::Minus(a, b) => a.sdf(p).min(-b.sdf(p)),
        }
    }

    /// Conservative bounding box (min, max) in normalised units.
    fn bbox(&self) -> (Pt, Pt) {
        let around = |pts: &[Pt], pad: f32| {
            let (mut lo, mut hi) = ((f32::MAX, f32::MAX), (f32::MIN, f32::MIN));
            for &(x, y) in pts {
                lo = (lo.0.min(x - pad), lo.1.min(y - pad));
                hi = (hi.0.max(x + pad), hi.1.max(y + pad));
            }
            (lo, hi)
        };
        match self {
            Shape::Blob { c, r, wobble, .. } => {
                let m = r.0.max(r.1) * (1.0 + wobble.iter().map(|w| w.1.abs()).sum::<f32>());
                ((c.0 - m, c.1 - m), (c.0 + m, c.1 + m))
            }
            Shape::Sector { c, r1, .. } => ((c.0 - r1, c.1 - r1), (c.0 + r1, c.1 + r1)),
            Shape::Rect { min, max } => (*min, *max),
            Shape::Stroke { pts, width } => around(pts, width / 2.0),
            Shape::Poly(pts) => around(pts, 0.0),
            Shape::And(a, b) => {
                let ((a0, a1), (b0, b1)) = (a.bbox(), b.bbox());
                (
                    (a0.0.max(b0.0), a0.1.max(b0.1)),
                    (a1.0.min(b1.0), a1.1.min(b1.1)),
                )
            }
            Shape::Minus(a, _) => a.bbox(),
        }
    }
}

// ------------------------------------------------------------------------------------
// Canvas

/// How a shape changes the pixels it covers (weighted by edge coverage).
#[derive(Clone, Copy)]
enum Paint {
    Set(f32),
    Add(f32),
    Mul(f32),
}

impl Paint {
    fn apply(self, old: f32, alpha: f32) -> f32 {
        match self {
            Paint::Set(v) => old + alpha * (v - old),
            Paint::Add(d) => old + alpha * d,
            Paint::Mul(f) => old * (1.0 + alpha * (f - 1.0)),
        }
    }
}

/// A floating-point grayscale image; 0 is black and 1 is white.
#[derive(Clone)]
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<f32>,
}

impl Canvas {
    fn new(w: usize, h: usize, value: f32) -> Self {
        Self {
            w,
            h,
            px: vec![value; w * h],
        }
    }

    /// Pixels per normalised unit.
    fn unit(&self) -> f32 {
        self.w.min(self.h) as f32 / 2.0
    }

    /// Normalised coordinates of the centre of pixel (x, y).
    fn norm(&self, x: usize, y: usize) -> Pt {
        let u = self.unit();
        (
            (x as f32 + 0.5 - self.w as f32 / 2.0) / u,
            (y as f32 + 0.5 - self.h as f32 / 2.0) / u,
        )
    }

    /// Pixel indices covering the normalised interval lo..hi along an axis of length n.
    fn span(&self, lo: f32, hi: f32, n: usize) -> Range<usize> {
        let u = self.unit();
        let to_px = |v: f32| v * u + n as f32 / 2.0;
        let a = (to_px(lo) - 1.0).floor().max(0.0) as usize;
        let b = ((to_px(hi) + 2.0).ceil().max(0.0) as usize).min(n);
        a..b.max(a)
    }

    fn paint(&mut self, shape: &Shape, paint: Paint) {
        let u = self.unit();
        let (lo, hi) = shape.bbox();
        let xs = self.span(lo.0, hi.0, self.w);
        for y in self.span(lo.1, hi.1, self.h) {
            for x in xs.clone() {
                let alpha = (shape.sdf(self.norm(x, y)) * u + 0.5).clamp(0.0, 1.0);
                if alpha > 0.0 {
                    let i = y * self.w + x;
                    self.px[i] = paint.apply(self.px[i], alpha);
                }
            }
        }
    }

    /// Keep only what lies inside `shape`; everything else becomes `outside`.
    fn mask(&mut self, shape: &Shape, outside: f32) {
        let mut m = Canvas::new(self.w, self.h, 0.0);
        m.paint(shape, Paint::Set(1.0));
        for (v, a) in self.px.iter_mut().zip(&m.px) {
            *v = outside + a * (*v - outside);
        }
    }

    /// Separable Gaussian blur with independent horizontal and vertical sigmas (pixels).
    fn blur(&mut self, sigma_x: f32, sigma_y: f32) {
        if sigma_x > 0.0 {
            self.blur_axis(sigma_x, 1, self.w);
        }
        if sigma_y > 0.0 {
            self.blur_axis(sigma_y, self.w, self.h);
        }
    }

    /// Blur along lines whose neighbouring samples are `stride` apart, `len` samples long.
    fn blur_axis(&mut self, sigma: f32, stride: usize, len: usize) {
        let k = gaussian_kernel(sigma);
        let r = (k.len() / 2) as isize;
        let mut out = vec![0.0; self.px.len()];
        for (i, o) in out.iter_mut().enumerate() {
            let pos = (i / stride % len) as isize;
            let base = i - pos as usize * stride;
            *o = k
                .iter()
                .enumerate()
                .map(|(j, kv)| {
                    let q = (pos + j as isize - r).clamp(0, len as isize - 1) as usize;
                    kv * self.px[base + q * stride]
                })
                .sum();
        }
        self.px = out;
    }

    /// Add Gaussian noise of `sigma` to pixels brighter than `floor`.
    fn add_noise(&mut self, rng: &mut Rng, sigma: f32, floor: f32) {
        for v in &mut self.px {
            let n = rng.gauss();
            if *v > floor {
                *v += sigma * n;
            }
        }
    }

    /// Multiply every pixel by `1 + amp * field`.
    fn modulate(&mut self, field: &Canvas, amp: f32) {
        for (v, f) in self.px.iter_mut().zip(&field.px) {
            *v *= 1.0 + amp * f;
        }
    }

    /// Bilinear zoom of the square around `c` with half-size `half` (normalised units).
    fn zoom(&self, c: Pt, half: f32, out: usize) -> Canvas {
        let u = self.unit();
        let mut z = Canvas::new(out, out, 0.0);
        for y in 0..out {
            for x in 0..out {
                let fx = (c.0 - half + 2.0 * half * (x as f32 + 0.5) / out as f32) * u
                    + self.w as f32 / 2.0
                    - 0.5;
                let fy = (c.1 - half + 2.0 * half * (y as f32 + 0.5) / out as f32) * u
                    + self.h as f32 / 2.0
                    - 0.5;
                z.px[y * out + x] = self.sample(fx, fy);
            }
        }
        z
    }

    fn sample(&self, fx: f32, fy: f32) -> f32 {
        let x0 = (fx.floor().max(0.0) as usize).min(self.w - 2);
        let y0 = (fy.floor().max(0.0) as usize).min(self.h - 2);
        let (tx, ty) = (
            (fx - x0 as f32).clamp(0.0, 1.0),
            (fy - y0 as f32).clamp(0.0, 1.0),
        );
        let at = |x: usize, y: usize| self.px[y * self.w + x];
        let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
        let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
        top * (1.0 - ty) + bottom * ty
    }

    /// Write as an 8-bit grayscale PNG and return its size in bytes.
    fn save(&self, path: &Path) -> Result<u64> {
        let img = GrayImage::from_fn(self.w as u32, self.h as u32, |x, y| {
            let v = self.px[y as usize * self.w + x as usize];
            Luma([(v.clamp(0.0, 1.0) * 255.0).round() as u8])
        });
        let file = BufWriter::new(File::create(path)?);
        let encoder =
            PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive);
        img.write_with_encoder(encoder)?;
        Ok(std::fs::metadata(path)?.len())
    }
}

fn gaussian_kernel(sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil() as i32;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = k.iter().sum();
    k.into_iter().map(|v| v / sum).collect()
}

/// Smooth random field with zero mean and unit standard deviation.
fn noise_field(w: usize, h: usize, rng: &mut Rng, sigma_x: f32, sigma_y: f32) -> Canvas {
    let mut c = Canvas::new(w, h, 0.0);
    for v in &mut c.px {
        *v = rng.gauss();
    }
    c.blur(sigma_x, sigma_y);
    let n = c.px.len() as f32;
    let mean = c.px.iter().sum::<f32>() / n;
    let sd = (c.px.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n).sqrt();
    for v in &mut c.px {
        *v = (*v - mean) / sd.max(1e-6);
    }
    c
}

/// Cross-sectional look (CT, MRI): partial-volume blur, fine tissue texture and slightly
/// correlated noise on everything brighter than `floor`.
fn finish_tomo(c: &mut Canvas, rng: &mut Rng, blur: f32, noise: f32, floor: f32) {
    c.blur(blur, blur);
    let texture = noise_field(c.w, c.h, rng, 2.5, 2.5);
    c.modulate(&texture, 0.03);
    let mut n = Canvas::new(c.w, c.h, 0.0);
    n.add_noise(rng, 1.0, -1.0);
    n.blur(0.9, 0.9);
    for (v, e) in c.px.iter_mut().zip(&n.px) {
        if *v > floor {
            *v += noise * 1.8 * e;
        }
    }
}

// ------------------------------------------------------------------------------------
// Head (axial CT / MRI)

/// Tissue intensities of one head contrast.
struct HeadContrast {
    scalp: f32,
    bone: f32,
    diploe: f32,
    csf: f32,
    gray: f32,
    white: f32,
    deep: f32,
}

const HEAD_CT: HeadContrast = HeadContrast {
    scalp: 0.5,
    bone: 1.0,
    diploe: 0.9,
    csf: 0.16,
    gray: 0.6,
    white: 0.5,
    deep: 0.58,
};

const HEAD_DWI: HeadContrast = HeadContrast {
    scalp: 0.14,
    bone: 0.02,
    diploe: 0.06,
    csf: 0.05,
    gray: 0.34,
    white: 0.29,
    deep: 0.32,
};

const HEAD_ADC: HeadContrast = HeadContrast {
    scalp: 0.28,
    bone: 0.03,
    diploe: 0.1,
    csf: 0.9,
    gray: 0.46,
    white: 0.4,
    deep: 0.43,
};

const HEAD_T1_POST: HeadContrast = HeadContrast {
    scalp: 0.8,
    bone: 0.06,
    diploe: 0.5,
    csf: 0.12,
    gray: 0.42,
    white: 0.56,
    deep: 0.46,
};

const HEAD_FLAIR: HeadContrast = HeadContrast {
    scalp: 0.55,
    bone: 0.05,
    diploe: 0.35,
    csf: 0.07,
    gray: 0.52,
    white: 0.43,
    deep: 0.48,
};

fn brain_outline() -> Shape {
    ellipse(0.0, 0.01, 0.63, 0.81).wobble(3.0, 0.01, 0.5)
}

fn white_matter() -> Shape {
    ellipse(0.0, 0.02, 0.5, 0.67)
        .wobble(9.0, 0.035, 0.3)
        .wobble(14.0, 0.03, 1.1)
        .wobble(23.0, 0.02, 2.0)
}

/// Normal axial head at the level of the basal ganglia. `shift` displaces the ventricles
/// towards image right (mass effect from an image-left lesion).
fn draw_head(c: &mut Canvas, k: &HeadContrast, shift: f32, rng: &mut Rng) {
    use Paint::Set;
    c.paint(&ellipse(0.0, 0.0, 0.76, 0.94), Set(k.scalp));
    c.paint(&ellipse(0.0, 0.0, 0.71, 0.89), Set(k.bone));
    c.paint(&ring(0.0, 0.0, 0.695, 0.875, 0.02), Set(k.diploe));
    c.paint(&ellipse(0.0, 0.0, 0.66, 0.84), Set(k.csf));
    c.paint(&brain_outline(), Set(k.gray));
    c.paint(&white_matter(), Set(k.white));

    // Sulci: thin, bent, partial-volumed CSF clefts running in from the surface.
    let sulcus = Set(0.45 * k.gray + 0.55 * k.csf);
    let n = 46;
    for i in 0..n {
        let th = (i as f32 + rng.range(-0.3, 0.3)) / n as f32 * TAU;
        let len = rng.range(0.05, 0.12);
        let bend = rng.range(-0.025, 0.025);
        let (cs, sn) = (th.cos(), th.sin());
        let at = |d: f32, off: f32| ((0.65 - d) * cs - off * sn, (0.83 - d) * sn + off * cs);
        let pts = vec![at(0.0, 0.0), at(len * 0.5, bend), at(len, bend * 0.3)];
        if i % 3 == 0 {
            let fork = vec![pts[1], at(len * 0.9, bend + 0.03)];
            c.paint(&stroke(fork, 0.008), sulcus);
        }
        c.paint(&stroke(pts, rng.range(0.008, 0.013)), sulcus);
    }
    // Interhemispheric fissure and Sylvian fissures.
    c.paint(&line((0.0, -0.84), (0.0, -0.32), 0.018), Set(k.csf));
    c.paint(&line((0.0, 0.36), (0.0, 0.84), 0.018), Set(k.csf));
    for s in [-1.0, 1.0] {
        let pts = mirrored(&[(0.65, 0.03), (0.5, -0.01), (0.4, 0.03)], s);
        c.paint(&stroke(pts, 0.026), Set(k.csf));
    }

    // Deep gray matter, then ventricles.
    for s in [-1.0f32, 1.0] {
        let caudate = ellipse(s * 0.14 + shift, -0.2, 0.06, 0.09);
        c.paint(&caudate, Set(k.deep));
        c.paint(
            &ellipse(s * 0.27, 0.0, 0.06, 0.14).rot(-s * 15.0),
            Set(k.deep),
        );
        c.paint(&ellipse(s * 0.11 + shift, 0.15, 0.085, 0.12), Set(k.deep));
    }
    for s in [-1.0f32, 1.0] {
        // The frontal horn next to an image-left mass is compressed.
        let squeeze = if shift > 0.0 && s < 0.0 { 0.5 } else { 1.0 };
        let horn = ellipse(s * 0.075 + shift, -0.2, 0.045 * squeeze, 0.16).rot(s * 18.0);
        c.paint(&horn, Set(k.csf));
        let atrium = ellipse(s * 0.2 + shift * 0.5, 0.42, 0.04, 0.11).rot(-s * 25.0);
        c.paint(&atrium, Set(k.csf));
    }
    c.paint(&ellipse(shift, 0.12, 0.014, 0.07), Set(k.csf));
}

/// Left MCA territory (image right): lateral frontal, temporal and parietal lobes, insula
/// and lentiform nucleus.
fn mca_territory() -> Shape {
    ellipse(0.5, 0.0, 0.28, 0.44)
        .wobble(3.0, 0.1, 0.2)
        .wobble(5.0, 0.08, 0.7)
        .wobble(9.0, 0.05, 1.9)
        .and(brain_outline())
}

fn head_canvas() -> Canvas {
    Canvas::new(512, 512, 0.0)
}

fn stroke_ct() -> Canvas {
    let mut rng = Rng::new(101);
    let mut c = head_canvas();
    draw_head(&mut c, &HEAD_CT, 0.0, &mut rng);
    c.paint(&mca_territory(), Paint::Add(-0.045));
    // Hyperdense left MCA; the normal right MCA is only faintly visible.
    let mca = [(0.2, -0.03), (0.3, -0.025), (0.4, 0.01)];
    c.paint(&stroke(mca.to_vec(), 0.024), Paint::Set(0.86));
    c.paint(&stroke(mirrored(&mca, -1.0), 0.016), Paint::Set(0.63));
    finish_tomo(&mut c, &mut rng, 1.0, 0.02, 0.01);
    c
}

fn stroke_mr(k: &HeadContrast, lesion: f32, seed: u64) -> Canvas {
    let mut rng = Rng::new(seed);
    let mut c = head_canvas();
    draw_head(&mut c, k, 0.0, &mut rng);
    c.paint(&mca_territory(), Paint::Set(lesion));
    // Diffusion images are acquired at low resolution: blur more.
    finish_tomo(&mut c, &mut rng, 1.8, 0.02, 0.01);
    c
}

fn stroke_dwi() -> Canvas {
    stroke_mr(&HEAD_DWI, 0.72, 102)
}

fn stroke_adc() -> Canvas {
    stroke_mr(&HEAD_ADC, 0.2, 103)
}

/// Right frontal (image left) necrotic, rim-enhancing mass with vasogenic oedema.
fn glioma(k: &HeadContrast, seed: u64, oedema: Paint, rim: f32, core: f32) -> Canvas {
    let mut rng = Rng::new(seed);
    let mut c = head_canvas();
    draw_head(&mut c, k, 0.06, &mut rng);
    let oedema_shape = ellipse(-0.3, -0.32, 0.32, 0.38)
        .wobble(6.0, 0.12, 0.4)
        .wobble(11.0, 0.06, 1.3)
        .and(white_matter());
    c.paint(&oedema_shape, oedema);
    let mass = ellipse(-0.3, -0.38, 0.16, 0.14)
        .rot(20.0)
        .wobble(5.0, 0.1, 0.2)
        .wobble(8.0, 0.05, 1.0);
    let necrosis = ellipse(-0.29, -0.37, 0.1, 0.085)
        .rot(30.0)
        .wobble(4.0, 0.12, 2.0)
        .wobble(7.0, 0.06, 0.4);
    c.paint(&mass, Paint::Set(rim));
    c.paint(&necrosis, Paint::Set(core));
    finish_tomo(&mut c, &mut rng, 1.1, 0.018, 0.01);
    c
}

fn glioma_t1_post() -> Canvas {
    glioma(&HEAD_T1_POST, 201, Paint::Add(-0.09), 0.93, 0.17)
}

fn glioma_flair() -> Canvas {
    glioma(&HEAD_FLAIR, 202, Paint::Set(0.82), 0.62, 0.5)
}

// ------------------------------------------------------------------------------------
// Head CT series (a scrollable stack)
//
// A 3-D head built from ellipsoids and cut into axial slices from the skull base to the
// vertex. The third coordinate, z, uses the same normalised units as x and y and grows
// towards the vertex. Every structure is a solid, so each slice is a consistent section of
// the same head: the ventricles, the skull base and the infarct grow and shrink smoothly
// through the series.

/// The case bundle and the folder of the series inside it.
const SERIES_BUNDLE: &str = "2024-left-mca-infarct";
const SERIES_DIR: &str = "ct-axial";
/// Number of slices and their side in pixels.
const SERIES_SLICES: usize = 48;
const SERIES_SIZE: usize = 384;
/// Heights of the first (skull base) and last (vertex) slices.
const SERIES_Z: (f32, f32) = (-0.62, 1.0);
/// Slices (0-based) that show the infarct: 15 in the middle of the series.
const INFARCT_SLICES: Range<usize> = 17..32;
/// Below this height the skull base fills the front of the cranium.
const SKULL_BASE_TOP: f32 = -0.1;
/// Height of the M1 segment of the middle cerebral arteries.
const MCA_Z: f32 = -0.05;

/// Non-contrast CT in a brain window. Bone is far above the window, so it stays white
/// under the mottle.
const SERIES_CT: HeadContrast = HeadContrast {
    bone: 1.15,
    ..HEAD_CT
};

type Pt3 = (f32, f32, f32);

/// An ellipsoid centred at `c` with semi-axes `r`, turned about the z axis by `rot` degrees
/// (clockwise on screen).
#[derive(Clone, Copy)]
struct Ellipsoid {
    c: Pt3,
    r: Pt3,
    rot: f32,
}

const fn ellipsoid(c: Pt3, r: Pt3, rot: f32) -> Ellipsoid {
    Ellipsoid { c, r, rot }
}

impl Ellipsoid {
    /// In-plane semi-axes of the axial section at height `z`, if the ellipsoid reaches it.
    fn radii_at(&self, z: f32) -> Option<Pt> {
        let t = (z - self.c.2) / self.r.2;
        let f = (1.0 - t * t).sqrt();
        (t.abs() < 1.0).then_some((self.r.0 * f, self.r.1 * f))
    }

    /// The axial section at height `z`, if the ellipsoid reaches it.
    fn section(&self, z: f32) -> Option<Shape> {
        let (rx, ry) = self.radii_at(z)?;
        Some(ellipse(self.c.0, self.c.1, rx, ry).rot(self.rot))
    }

    /// The same ellipsoid on `side`: `1` as defined, `-1` mirrored to the other side.
    const fn side(self, s: f32) -> Self {
        Self {
            c: (self.c.0 * s, self.c.1, self.c.2),
            rot: self.rot * s,
            ..self
        }
    }

    /// The ellipsoid grown by `d` along every axis.
    fn grown(self, d: f32) -> Self {
        let r = (self.r.0 + d, self.r.1 + d, self.r.2 + d);
        Self { r, ..self }
    }
}

/// Paint the section of `e` at height `z` (nothing if it does not reach that high).
fn paint_section(c: &mut Canvas, e: Ellipsoid, z: f32, paint: Paint) {
    if let Some(s) = e.section(z) {
        c.paint(&s, paint);
    }
}

/// Paint an image-right structure and its mirror image on the left.
fn paint_pair(c: &mut Canvas, e: Ellipsoid, z: f32, paint: Paint) {
    for s in [-1.0, 1.0] {
        paint_section(c, e.side(s), z, paint);
    }
}

const HEAD_CENTRE: Pt3 = (0.0, 0.0, 0.05);
const SCALP: Ellipsoid = ellipsoid(HEAD_CENTRE, (0.8, 0.97, 1.02), 0.0);
const SKULL: Ellipsoid = ellipsoid(HEAD_CENTRE, (0.75, 0.92, 0.97), 0.0);
const CRANIUM: Ellipsoid = ellipsoid(HEAD_CENTRE, (0.69, 0.86, 0.91), 0.0);
const BRAIN: Ellipsoid = ellipsoid(HEAD_CENTRE, (0.67, 0.84, 0.89), 0.0);
const WHITE_MATTER: Ellipsoid = ellipsoid((0.0, 0.03, 0.3), (0.53, 0.68, 0.45), 0.0);

// Paired structures are given on image right (the patient's left).
const CAUDATE: Ellipsoid = ellipsoid((0.14, -0.2, 0.22), (0.06, 0.09, 0.16), 0.0);
const LENTIFORM: Ellipsoid = ellipsoid((0.27, 0.0, 0.1), (0.06, 0.14, 0.14), -15.0);
const THALAMUS: Ellipsoid = ellipsoid((0.11, 0.15, 0.1), (0.085, 0.12, 0.13), 0.0);
const FRONTAL_HORN: Ellipsoid = ellipsoid((0.08, -0.22, 0.2), (0.05, 0.17, 0.2), 18.0);
const VENTRICLE_BODY: Ellipsoid = ellipsoid((0.1, 0.02, 0.38), (0.045, 0.32, 0.14), 5.0);
const ATRIUM: Ellipsoid = ellipsoid((0.2, 0.4, 0.15), (0.045, 0.13, 0.15), -25.0);
const TEMPORAL_HORN: Ellipsoid = ellipsoid((0.36, -0.05, -0.22), (0.025, 0.1, 0.1), 10.0);
const THIRD_VENTRICLE: Ellipsoid = ellipsoid((0.0, 0.1, 0.05), (0.014, 0.09, 0.12), 0.0);
const SUPRASELLAR_CISTERN: Ellipsoid = ellipsoid((0.0, -0.08, -0.08), (0.12, 0.08, 0.07), 0.0);

// The skull base: bones, then the air and the orbits they hold.
const ANTERIOR_BASE: Ellipsoid = ellipsoid((0.0, -0.78, -0.62), (0.6, 0.45, 0.5), 0.0);
const SPHENOID_BODY: Ellipsoid = ellipsoid((0.0, -0.14, -0.64), (0.12, 0.22, 0.3), 0.0);
const PETROUS_BONE: Ellipsoid = ellipsoid((0.42, 0.16, -0.45), (0.06, 0.3, 0.13), -50.0);
const SKULL_BASE_BONES: [Ellipsoid; 4] = [
    ANTERIOR_BASE,
    SPHENOID_BODY,
    PETROUS_BONE,
    PETROUS_BONE.side(-1.0),
];
const SPHENOID_SINUS: Ellipsoid = ellipsoid((0.0, -0.2, -0.52), (0.11, 0.14, 0.14), 0.0);
const ETHMOID_CELLS: [Ellipsoid; 3] = [
    ellipsoid((0.05, -0.66, -0.52), (0.03, 0.04, 0.1), 20.0),
    ellipsoid((0.07, -0.57, -0.5), (0.045, 0.05, 0.12), -10.0),
    ellipsoid((0.05, -0.47, -0.53), (0.035, 0.045, 0.1), 30.0),
];
const ORBIT: Ellipsoid = ellipsoid((0.27, -0.45, -0.62), (0.13, 0.2, 0.13), 20.0);
const OPTIC_NERVE: Ellipsoid = ellipsoid((0.22, -0.42, -0.62), (0.025, 0.14, 0.05), 28.0);
const GLOBE: Ellipsoid = ellipsoid((0.28, -0.6, -0.62), (0.105, 0.105, 0.1), 0.0);
const LENS: Ellipsoid = ellipsoid((0.28, -0.69, -0.62), (0.04, 0.015, 0.03), 0.0);

// The posterior fossa: brainstem in front of the fourth ventricle, cerebellum around.
const BRAINSTEM: Ellipsoid = ellipsoid((0.0, 0.2, -0.35), (0.13, 0.11, 0.42), 0.0);
const PREPONTINE_CISTERN: Ellipsoid = ellipsoid((0.0, 0.185, -0.35), (0.145, 0.125, 0.45), 0.0);
const FOURTH_VENTRICLE: Ellipsoid = ellipsoid((0.0, 0.37, -0.4), (0.06, 0.04, 0.12), 0.0);

/// Outline of the infarct on its largest slice: from its apex at the lentiform nucleus
/// out to the cortex of the frontal, temporal and parietal lobes (clipped to the brain).
const INFARCT_OUTLINE: [Pt; 8] = [
    (0.14, 0.0),
    (0.28, -0.2),
    (0.47, -0.4),
    (0.75, -0.42),
    (0.82, 0.0),
    (0.75, 0.42),
    (0.48, 0.38),
    (0.28, 0.2),
];

/// Height of slice `i` (0-based).
fn slice_z(i: usize) -> f32 {
    let (lo, hi) = SERIES_Z;
    lo + (hi - lo) * i as f32 / (SERIES_SLICES - 1) as f32
}

/// A cortical sulcus: where it sits around the brain, and its shape.
struct Sulcus {
    angle: f32,
    phase: f32,
    len: f32,
    bend: f32,
    width: f32,
    fork: bool,
}

/// The sulci of the series, the same for every slice so that they run on smoothly.
fn series_sulci() -> Vec<Sulcus> {
    let mut rng = Rng::new(300);
    let n = 46;
    (0..n)
        .map(|i| Sulcus {
            angle: (i as f32 + rng.range(-0.3, 0.3)) / n as f32 * TAU,
            phase: rng.range(0.0, TAU),
            len: rng.range(0.05, 0.12),
            bend: rng.range(-0.025, 0.025),
            width: rng.range(0.008, 0.013),
            fork: i % 3 == 0,
        })
        .collect()
}

/// Scalp, skull and the CSF space inside it.
fn series_skull(c: &mut Canvas, z: f32, k: &HeadContrast) {
    use Paint::Set;
    paint_section(c, SCALP, z, Set(k.scalp));
    paint_section(c, SKULL, z, Set(k.bone));
    paint_section(c, CRANIUM, z, Set(k.csf));
}

/// Cortex with gyri, white matter and the deep gray nuclei.
fn series_parenchyma(c: &mut Canvas, z: f32, brain: &Shape, k: &HeadContrast) {
    use Paint::Set;
    c.paint(brain, Set(k.gray));
    if let Some(white) = WHITE_MATTER.section(z) {
        // The gyri turn a little from slice to slice.
        let white = white
            .wobble(9.0, 0.035, 0.3 + 2.0 * z)
            .wobble(14.0, 0.03, 1.1 - 3.0 * z)
            .wobble(23.0, 0.02, 2.0 + 5.0 * z);
        c.paint(&white, Set(k.white));
    }
    for nucleus in [CAUDATE, LENTIFORM, THALAMUS] {
        paint_pair(c, nucleus, z, Set(k.deep));
    }
}

/// Sulci, the interhemispheric fissure and the Sylvian fissures.
fn series_fissures(c: &mut Canvas, z: f32, (rx, ry): Pt, sulci: &[Sulcus], k: &HeadContrast) {
    use Paint::Set;
    let sulcus = Set(0.45 * k.gray + 0.55 * k.csf);
    let scale = (rx / 0.5).min(1.0);
    for s in sulci {
        let th = s.angle + 0.12 * (4.0 * z + s.phase).sin();
        let len = s.len * scale * (0.8 + 0.2 * (5.0 * z + s.phase).sin());
        let (cs, sn) = (th.cos(), th.sin());
        let at = |d: f32, off: f32| {
            (
                (rx + 0.02 - d) * cs - off * sn,
                (ry + 0.02 - d) * sn + off * cs,
            )
        };
        let pts = vec![at(0.0, 0.0), at(len * 0.5, s.bend), at(len, s.bend * 0.3)];
        if s.fork {
            c.paint(
                &stroke(vec![pts[1], at(len * 0.9, s.bend + 0.03)], 0.008),
                sulcus,
            );
        }
        c.paint(&stroke(pts, s.width), sulcus);
    }
    if z > SKULL_BASE_TOP {
        // Below the corpus callosum the fissure is interrupted by the ventricles.
        let (front, back) = if z > 0.5 { (0.0, 0.0) } else { (-0.3, 0.38) };
        c.paint(&line((0.0, -ry - 0.02), (0.0, front), 0.018), Set(k.csf));
        c.paint(&line((0.0, back), (0.0, ry + 0.02), 0.018), Set(k.csf));
    }
    if (SKULL_BASE_TOP..0.15).contains(&z) {
        for s in [-1.0, 1.0] {
            let pts = [(rx + 0.02, 0.03), (rx - 0.13, -0.01), (rx - 0.23, 0.03)];
            c.paint(&stroke(mirrored(&pts, s), 0.026), Set(k.csf));
        }
    }
}

/// Lateral, third and fourth ventricles, temporal horns and the basal cisterns.
fn series_csf_spaces(c: &mut Canvas, z: f32, k: &HeadContrast) {
    let csf = Paint::Set(k.csf);
    for part in [FRONTAL_HORN, VENTRICLE_BODY, ATRIUM, TEMPORAL_HORN] {
        paint_pair(c, part, z, csf);
    }
    for space in [THIRD_VENTRICLE, SUPRASELLAR_CISTERN] {
        paint_section(c, space, z, csf);
    }
}

/// The floor of the anterior and middle cranial fossae (with a thin layer of CSF over
/// it), the sinuses and orbits in front, and the petrous bones behind the temporal lobes.
fn series_skull_base(c: &mut Canvas, z: f32, k: &HeadContrast) {
    use Paint::Set;
    let (Some(skull), Some(cranium)) = (SKULL.section(z), CRANIUM.section(z)) else {
        return;
    };
    for (d, paint, within) in [(0.015, Set(k.csf), &cranium), (0.0, Set(k.bone), &skull)] {
        for bone in SKULL_BASE_BONES
            .iter()
            .filter_map(|b| b.grown(d).section(z))
        {
            c.paint(&bone.and(within.clone()), paint);
        }
    }
    paint_section(c, SPHENOID_SINUS, z, Set(0.0));
    for cell in ETHMOID_CELLS {
        paint_pair(c, cell, z, Set(0.0));
    }
    paint_pair(c, ORBIT, z, Set(0.03));
    paint_pair(c, OPTIC_NERVE, z, Set(0.45));
    paint_pair(c, GLOBE, z, Set(0.35));
    paint_pair(c, LENS, z, Set(0.85));
}

/// The brainstem with the cistern in front of it, and the fourth ventricle behind it.
fn series_posterior_fossa(c: &mut Canvas, z: f32, k: &HeadContrast) {
    if z < SKULL_BASE_TOP + 0.05 {
        paint_section(c, PREPONTINE_CISTERN, z, Paint::Set(k.csf));
        paint_section(c, BRAINSTEM, z, Paint::Set(0.55));
        paint_section(c, FOURTH_VENTRICLE, z, Paint::Set(k.csf));
    }
}

/// The infarct at height `z`: a hypodense wedge of the left MCA territory (image right),
/// largest in the middle of its slices and shrinking towards the cortex above and below.
fn series_infarct(z: f32, brain: &Shape) -> Option<Shape> {
    let step = slice_z(1) - slice_z(0);
    let mid = (INFARCT_SLICES.start + INFARCT_SLICES.end - 1) as f32 / 2.0;
    let half = INFARCT_SLICES.len() as f32 / 2.0 * step;
    let t = (z - slice_z(0) - mid * step) / half;
    if t.abs() >= 1.0 {
        return None;
    }
    let f = (1.0 - t * t).powf(0.35);
    let anchor = (0.7, 0.0);
    let ctrl: Vec<Pt> = INFARCT_OUTLINE
        .iter()
        .enumerate()
        .map(|(j, &(x, y))| {
            let s = f * (1.0 + 0.08 * (6.0 * z + 1.7 * j as f32).sin());
            (anchor.0 + (x - anchor.0) * s, anchor.1 + (y - anchor.1) * s)
        })
        .collect();
    Some(poly(&smooth_closed(&ctrl, 6)).and(brain.clone()))
}

/// Darken what lies inside `shape` by the fraction `amount`, with soft edges.
fn darken_soft(c: &mut Canvas, shape: &Shape, amount: f32) {
    let mut mask = Canvas::new(c.w, c.h, 0.0);
    mask.paint(shape, Paint::Set(1.0));
    mask.blur(1.5, 1.5);
    c.modulate(&mask, -amount);
}

/// Slice `i` of the axial non-contrast head CT series.
fn head_ct_slice(i: usize, sulci: &[Sulcus]) -> Canvas {
    let (z, k) = (slice_z(i), &SERIES_CT);
    let mut rng = Rng::new(300 + i as u64);
    let mut c = Canvas::new(SERIES_SIZE, SERIES_SIZE, 0.0);
    series_skull(&mut c, z, k);
    if let (Some(brain), Some(radii)) = (BRAIN.section(z), BRAIN.radii_at(z)) {
        series_parenchyma(&mut c, z, &brain, k);
        if let Some(infarct) = series_infarct(z, &brain) {
            darken_soft(&mut c, &infarct, 0.15);
        }
        series_fissures(&mut c, z, radii, sulci, k);
        series_csf_spaces(&mut c, z, k);
    }
    series_skull_base(&mut c, z, k);
    series_posterior_fossa(&mut c, z, k);
    if (z - MCA_Z).abs() < 0.035 {
        // Hyperdense left MCA; the normal right MCA is only faintly visible.
        let mca = [(0.12, -0.03), (0.25, -0.03), (0.4, 0.01)];
        c.paint(&stroke(mca.to_vec(), 0.022), Paint::Set(0.86));
        c.paint(&stroke(mirrored(&mca, -1.0), 0.014), Paint::Set(0.63));
    }
    finish_series(&mut c, &mut rng);
    c
}

/// CT look for the series: a little partial-volume blur and a coarse mottle, then 64 gray
/// levels, which is finer than the mottle and keeps every PNG small.
fn finish_series(c: &mut Canvas, rng: &mut Rng) {
    c.blur(0.5, 0.5);
    let mottle = noise_field(c.w, c.h, rng, 5.0, 5.0);
    c.modulate(&mottle, 0.02);
    for v in &mut c.px {
        *v = (*v * 63.0).round() / 63.0;
    }
}

/// Write the series as `001.png`, `002.png`… into its folder; return the bytes written.
fn write_series(cases: &Path) -> Result<u64> {
    let dir = cases.join(SERIES_BUNDLE).join(SERIES_DIR);
    std::fs::create_dir_all(&dir)?;
    let sulci = series_sulci();
    let mut total = 0;
    for i in 0..SERIES_SLICES {
        total += head_ct_slice(i, &sulci).save(&dir.join(format!("{:03}.png", i + 1)))?;
    }
    println!(
        "{total:>7} bytes  {} ({SERIES_SLICES} slices)",
        dir.display()
    );
    Ok(total)
}

// ------------------------------------------------------------------------------------
// Chest radiograph

/// One branch of the pulmonary vascular tree.
struct Vessel {
    start: Pt,
    angle: f32,
    len: f32,
    width: f32,
}

fn draw_vessels(c: &mut Canvas, lung: &Shape, v: Vessel, depth: u32, rng: &mut Rng) {
    let end = (
        v.start.0 + v.len * v.angle.cos(),
        v.start.1 + v.len * v.angle.sin(),
    );
    let seg = line(v.start, end, v.width).and(lung.clone());
    c.paint(&seg, Paint::Add(0.05 + 1.6 * v.width));
    if depth < 5 {
        for turn in [-0.38, 0.32] {
            let child = Vessel {
                start: end,
                angle: v.angle + turn + rng.range(-0.15, 0.15),
                len: v.len * rng.range(0.62, 0.8),
                width: v.width * 0.72,
            };
            draw_vessels(c, lung, child, depth + 1, rng);
        }
    }
}

fn posterior_rib(side: f32, y0: f32) -> Shape {
    let pts = (0..=20)
        .map(|i| {
            let t = i as f32 / 20.0;
            (
                side * (0.07 + 0.82 * t),
                y0 - 0.09 * (PI * t).sin() + 0.3 * t * t,
            )
        })
        .collect();
    stroke(pts, 0.05)
}

fn anterior_rib(side: f32, y0: f32) -> Shape {
    let pts = arc_pts(
        (side * 0.55, y0 + 0.05),
        (0.33, 0.45),
        90.0 - 60.0 * side,
        90.0,
        12,
    );
    stroke(pts, 0.035)
}

/// What is abnormal on a chest film.
#[derive(Clone, Copy, PartialEq)]
enum ChestFinding {
    RightPneumothorax,
    FreeAirRight,
}

/// Outline of the right lung (image left) on a frontal film, as control points.
const RIGHT_LUNG: [Pt; 14] = [
    (-0.36, -0.9),
    (-0.55, -0.8),
    (-0.7, -0.55),
    (-0.79, -0.2),
    (-0.83, 0.2),
    (-0.85, 0.5),
    (-0.84, 0.64),
    (-0.68, 0.5),
    (-0.48, 0.43),
    (-0.28, 0.44),
    (-0.13, 0.5),
    (-0.1, 0.1),
    (-0.13, -0.35),
    (-0.22, -0.8),
];

fn chest_radiograph(finding: ChestFinding, seed: u64) -> Canvas {
    use Paint::{Add, Set};
    let mut rng = Rng::new(seed);
    let mut c = Canvas::new(512, 576, 0.03);

    // Soft tissues: torso, neck, shoulders and arms.
    let torso = poly(&smooth_closed(
        &[
            (-0.26, -1.2),
            (0.26, -1.2),
            (0.34, -0.95),
            (0.75, -0.9),
            (0.95, -0.76),
            (0.93, -0.3),
            (0.9, 0.4),
            (0.86, 1.2),
            (-0.86, 1.2),
            (-0.9, 0.4),
            (-0.93, -0.3),
            (-0.95, -0.76),
            (-0.75, -0.9),
            (-0.34, -0.95),
        ],
        6,
    ));
    c.paint(&torso, Set(0.44));
    for s in [-1.0, 1.0] {
        c.paint(&line((s * 0.93, -0.8), (s * 1.05, 0.4), 0.22), Set(0.42));
        c.paint(&circle(s * 0.9, -0.79, 0.13), Add(0.16));
    }
    // Abdomen below the hemidiaphragms is denser than the chest.
    c.paint(&rect(-0.9, 0.45, 0.9, 1.2).and(torso.clone()), Set(0.55));

    // Lungs; the left dome sits a little lower; heart and mediastinum on top.
    let right_lung = poly(&smooth_closed(&RIGHT_LUNG, 8));
    let left_pts: Vec<Pt> = RIGHT_LUNG
        .iter()
        .map(|&(x, y)| (-x * 0.97, if y > 0.3 { y + 0.06 } else { y + 0.02 }))
        .collect();
    let left_lung = poly(&smooth_closed(&left_pts, 8));
    c.paint(&right_lung, Set(0.17));
    c.paint(&left_lung, Set(0.17));
    let heart = ellipse(0.14, 0.3, 0.3, 0.23)
        .rot(-15.0)
        .wobble(2.0, 0.04, 0.0);
    c.paint(&ellipse(0.0, -0.42, 0.13, 0.5), Set(0.58));
    c.paint(&circle(0.12, -0.45, 0.07), Set(0.6));
    c.paint(&ellipse(0.15, -0.2, 0.06, 0.09), Set(0.58));
    c.paint(&heart, Set(0.62));
    let bubble = ellipse(0.42, 0.66, 0.13, 0.09).and(rect(-1.0, 0.0, 1.0, 0.68));
    c.paint(&bubble, Set(0.22));

    // Which part of the right lung is aerated and carries vessels.
    let aerated_right = if finding == ChestFinding::RightPneumothorax {
        let shrunk: Vec<Pt> = RIGHT_LUNG
            .iter()
            .map(|&(x, y)| (-0.12 + (x + 0.12) * 0.72, 0.5 + (y - 0.5) * 0.86))
            .collect();
        let collapsed = poly(&smooth_closed(&shrunk, 8));
        c.paint(&right_lung.clone().minus(collapsed.clone()), Set(0.08));
        c.paint(&collapsed, Set(0.22));
        let pleura = collapsed.clone().minus(poly(&smooth_closed(
            &shrink_towards(&shrunk, (-0.3, 0.1), 0.015),
            8,
        )));
        c.paint(&pleura.and(right_lung.clone()), Add(0.14));
        collapsed
    } else {
        right_lung.clone()
    };
    if finding == ChestFinding::FreeAirRight {
        let dome = |dy: f32, rx: f32| ellipse(-0.48, 0.8 + dy, rx, 0.37);
        let crescent = dome(0.03, 0.38)
            .minus(dome(0.1, 0.44))
            .minus(right_lung.clone())
            .and(rect(-0.84, 0.0, -0.12, 1.2));
        c.paint(&crescent, Set(0.1));
    }

    // Vessels fan out from the hila.
    for (side, lung, hilum) in [
        (-1.0f32, &aerated_right, (-0.16, -0.08)),
        (1.0, &left_lung, (0.17, -0.11)),
    ] {
        c.paint(&ellipse(hilum.0, hilum.1, 0.06, 0.11), Add(0.1));
        for deg in [200.0f32, 232.0, 165.0, 130.0] {
            let a = if side < 0.0 { deg } else { 180.0 - deg };
            let v = Vessel {
                start: hilum,
                angle: a.to_radians(),
                len: 0.2,
                width: 0.026,
            };
            draw_vessels(&mut c, lung, v, 0, &mut rng);
        }
    }

    // Bones and airway on top (radiographs add up densities).
    c.paint(&line((0.0, -1.2), (0.0, 1.2), 0.15), Add(0.07));
    let airway = stroke(vec![(0.0, -1.2), (0.0, -0.42)], 0.07);
    c.paint(&airway, Add(-0.2));
    for s in [-1.0, 1.0] {
        let bronchus = line((s * 0.02, -0.4), (s * 0.13, -0.3), 0.045).minus(airway.clone());
        c.paint(&bronchus, Add(-0.14));
    }
    for i in 0..10 {
        let y0 = -0.84 + 0.15 * i as f32;
        for s in [-1.0, 1.0] {
            c.paint(&posterior_rib(s, y0), Add(0.09));
            c.paint(&anterior_rib(s, y0 - 0.25), Add(0.04));
        }
    }
    for s in [-1.0, 1.0] {
        let clavicle = mirrored(
            &[(0.07, -0.8), (0.35, -0.83), (0.6, -0.9), (0.75, -0.92)],
            s,
        );
        c.paint(&stroke(clavicle, 0.055), Add(0.15));
    }

    c.blur(1.4, 1.4);
    let texture = noise_field(c.w, c.h, &mut rng, 4.0, 4.0);
    c.modulate(&texture, 0.035);
    c.add_noise(&mut rng, 0.004, -1.0);
    c.blur(0.8, 0.8);
    c
}

fn chest_pneumothorax() -> Canvas {
    chest_radiograph(ChestFinding::RightPneumothorax, 301)
}

fn chest_free_air() -> Canvas {
    chest_radiograph(ChestFinding::FreeAirRight, 302)
}

// ------------------------------------------------------------------------------------
// Abdominal CT (portal venous phase, soft-tissue window)

const AIR: f32 = -0.3;
const FAT: f32 = 0.15;
const FLUID: f32 = 0.38;
const MUSCLE: f32 = 0.52;

/// Skin, subcutaneous fat, abdominal wall muscles; returns the peritoneal cavity.
fn ct_body_wall(c: &mut Canvas, cy: f32, rx: f32, ry: f32) -> Shape {
    use Paint::Set;
    c.paint(&ellipse(0.0, cy, rx, ry).wobble(2.0, 0.015, 0.0), Set(FAT));
    c.paint(&ellipse(0.0, cy + 0.01, rx - 0.1, ry - 0.09), Set(MUSCLE));
    for s in [-1.0, 1.0] {
        c.paint(&ellipse(s * 0.12, cy - ry + 0.1, 0.12, 0.04), Set(MUSCLE));
    }
    let cavity = ellipse(0.0, cy + 0.02, rx - 0.15, ry - 0.13);
    c.paint(&cavity, Set(0.17));
    cavity
}

/// Lumbar vertebra with posterior elements and paraspinal muscles.
fn ct_spine(c: &mut Canvas, cy: f32) {
    use Paint::Set;
    for s in [-1.0, 1.0] {
        c.paint(&ellipse(s * 0.16, cy + 0.19, 0.13, 0.1), Set(MUSCLE));
    }
    c.paint(&circle(0.0, cy, 0.11), Set(0.97));
    c.paint(&circle(0.0, cy, 0.095), Set(0.76));
    let arch = arc_pts((0.0, cy + 0.16), (0.075, 0.07), 0.0, 180.0, 16);
    c.paint(&stroke(arch, 0.03), Set(0.95));
    c.paint(&line((0.0, cy + 0.22), (0.0, cy + 0.3), 0.035), Set(0.95));
    for s in [-1.0, 1.0] {
        c.paint(
            &line((s * 0.07, cy + 0.15), (s * 0.2, cy + 0.12), 0.03),
            Set(0.93),
        );
    }
    c.paint(&circle(0.0, cy + 0.155, 0.052), Set(0.42));
}

/// A bowel loop: enhancing wall around fluid or gas, slightly irregular in shape.
fn bowel_loop(c: &mut Canvas, centre: Pt, r: f32, content: f32, rng: &mut Rng) {
    let shape = ellipse(
        centre.0,
        centre.1,
        r * rng.range(0.85, 1.2),
        r * rng.range(0.7, 1.0),
    )
    .rot(rng.range(0.0, 180.0))
    .wobble(3.0, 0.06, rng.range(0.0, TAU));
    c.paint(&shape, Paint::Set(0.62));
    c.paint(&shape.grow(-0.013), Paint::Set(content));
}

/// Small enhancing mesenteric vessels scattered in the fat.
fn mesenteric_vessels(c: &mut Canvas, area: &Shape, rng: &mut Rng) {
    let ((x0, y0), (x1, y1)) = area.bbox();
    for _ in 0..40 {
        let p = (rng.range(x0, x1), rng.range(y0, y1));
        let dot = circle(p.0, p.1, rng.range(0.006, 0.012)).and(area.clone());
        c.paint(&dot, Paint::Set(0.78));
    }
}

/// Stool: soft-tissue density with gas bubbles.
fn stool(c: &mut Canvas, shape: &Shape, rng: &mut Rng) {
    c.paint(shape, Paint::Set(0.36));
    let ((x0, y0), (x1, y1)) = shape.bbox();
    for _ in 0..28 {
        let p = (rng.range(x0, x1), rng.range(y0, y1));
        let bubble = circle(p.0, p.1, rng.range(0.006, 0.018)).and(shape.clone());
        c.paint(&bubble, Paint::Set(AIR));
    }
}

fn appendix_axial() -> Canvas {
    use Paint::{Add, Set};
    let mut rng = Rng::new(401);
    let mut c = Canvas::new(512, 512, AIR);
    let cavity = ct_body_wall(&mut c, 0.02, 0.9, 0.64);
    ct_spine(&mut c, 0.3);
    for s in [-1.0, 1.0] {
        let wing = mirrored(&[(0.2, 0.46), (0.4, 0.4), (0.52, 0.28), (0.56, 0.15)], s);
        c.paint(&stroke(shifted(&wing, s * 0.05, 0.03), 0.11), Set(MUSCLE));
        c.paint(&stroke(shifted(&wing, -s * 0.06, -0.02), 0.07), Set(MUSCLE));
        c.paint(&stroke(wing.clone(), 0.055), Set(0.96));
        c.paint(&stroke(wing, 0.025), Set(0.74));
        c.paint(&ellipse(s * 0.16, 0.27, 0.07, 0.065), Set(MUSCLE));
        c.paint(&circle(s * 0.075, 0.15, 0.027), Set(0.84));
        c.paint(&circle(s * 0.06, 0.215, 0.03), Set(0.7));
    }

    // Inflamed fat around the appendix: hazy, streaky increased density.
    let inflamed = ellipse(-0.3, 0.14, 0.2, 0.13)
        .wobble(4.0, 0.1, 0.5)
        .and(cavity.clone());
    c.paint(&inflamed, Add(0.1));
    for _ in 0..14 {
        let p = (rng.range(-0.45, -0.15), rng.range(0.05, 0.24));
        let q = (p.0 + rng.range(-0.08, 0.08), p.1 + rng.range(-0.05, 0.05));
        c.paint(&line(p, q, 0.008).and(inflamed.clone()), Add(0.09));
    }
    c.paint(&ellipse(-0.2, 0.27, 0.05, 0.018).rot(-10.0), Set(FLUID));

    mesenteric_vessels(&mut c, &ellipse(0.05, -0.15, 0.4, 0.25), &mut rng);

    // Caecum and colon with stool, small-bowel loops.
    let caecum = circle(-0.48, -0.02, 0.13);
    c.paint(&caecum, Set(0.6));
    stool(&mut c, &caecum.grow(-0.012), &mut rng);
    let descending = circle(0.58, -0.05, 0.07);
    c.paint(&descending, Set(0.6));
    stool(&mut c, &descending.grow(-0.012), &mut rng);
    let loops = [
        (0.05, -0.26, 0.07, FLUID),
        (0.22, -0.31, 0.06, FLUID),
        (-0.12, -0.1, 0.065, FLUID),
        (0.12, -0.05, 0.07, AIR),
        (0.32, -0.12, 0.06, FLUID),
        (0.37, 0.1, 0.055, FLUID),
        (-0.08, -0.38, 0.06, AIR),
        (-0.28, -0.3, 0.065, FLUID),
        (0.42, -0.32, 0.05, FLUID),
        (0.02, 0.05, 0.05, FLUID),
    ];
    for (x, y, r, content) in loops {
        let jitter = (rng.range(-0.01, 0.01), rng.range(-0.01, 0.01));
        bowel_loop(&mut c, (x + jitter.0, y + jitter.1), r, content, &mut rng);
    }

    // The appendix: dilated, thick hyperenhancing wall, fluid lumen, appendicolith.
    let course = [(-0.42, 0.07), (-0.38, 0.14), (-0.32, 0.18), (-0.27, 0.16)];
    c.paint(&stroke(course.to_vec(), 0.072), Set(0.74));
    c.paint(&stroke(course.to_vec(), 0.038), Set(FLUID));
    c.paint(&circle(-0.395, 0.115, 0.015), Set(1.0));

    finish_tomo(&mut c, &mut rng, 0.8, 0.022, AIR + 0.05);
    c
}

fn appendix_zoom() -> Canvas {
    appendix_axial().zoom((-0.32, 0.12), 0.24, 512)
}

/// Left renal mass: enhances less than cortex, irregular necrotic centre.
fn renal_mass(c: &mut Canvas, centre: Pt, r: f32) {
    let mass = ellipse(centre.0, centre.1, r, r * 0.94).wobble(5.0, 0.06, 1.0);
    let necrosis = ellipse(centre.0 + 0.01, centre.1 + 0.01, r * 0.5, r * 0.45)
        .wobble(4.0, 0.15, 0.3)
        .wobble(7.0, 0.08, 1.7);
    c.paint(&mass, Paint::Set(0.63));
    c.paint(&necrosis, Paint::Set(0.41));
}

fn kidney(c: &mut Canvas, centre: Pt, r: Pt, rot: f32, hilum: Pt) {
    let k = ellipse(centre.0, centre.1, r.0, r.1).rot(rot);
    c.paint(&k.grow(0.025), Paint::Set(0.19));
    c.paint(&k, Paint::Set(0.8));
    let sinus = ellipse(
        centre.0 + hilum.0,
        centre.1 + hilum.1,
        r.0 * 0.45,
        r.1 * 0.5,
    )
    .rot(rot);
    c.paint(&sinus, Paint::Set(0.2));
}

fn rcc_axial() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(501);
    let mut c = Canvas::new(512, 512, AIR);
    let cavity = ct_body_wall(&mut c, 0.05, 0.88, 0.66);
    ct_spine(&mut c, 0.36);

    // Liver with portal veins and gallbladder, spleen, stomach, pancreas.
    let liver = ellipse(-0.4, -0.12, 0.42, 0.4)
        .wobble(3.0, 0.05, 0.4)
        .and(cavity.clone());
    c.paint(&liver, Set(0.67));
    for (a, b) in [
        ((-0.2, -0.05), (-0.45, -0.2)),
        ((-0.3, -0.1), (-0.6, -0.05)),
        ((-0.38, -0.14), (-0.35, -0.38)),
    ] {
        c.paint(&line(a, b, 0.024).and(liver.clone()), Set(0.79));
    }
    c.paint(&ellipse(-0.3, -0.34, 0.07, 0.05).rot(30.0), Set(FLUID));
    c.paint(
        &ellipse(0.55, -0.05, 0.13, 0.22)
            .rot(-25.0)
            .and(cavity.clone()),
        Set(0.64),
    );
    let stomach = ellipse(0.28, -0.3, 0.2, 0.13).rot(-15.0);
    c.paint(&stomach, Set(0.6));
    c.paint(&stomach.grow(-0.016), Set(FLUID));
    c.paint(
        &stomach.grow(-0.016).and(rect(-1.0, -1.0, 1.0, -0.33)),
        Set(AIR),
    );
    let pancreas = [(-0.06, 0.02), (0.15, 0.0), (0.33, 0.05), (0.44, 0.09)];
    c.paint(&stroke(pancreas.to_vec(), 0.075), Set(0.58));
    c.paint(&stroke(shifted(&pancreas, 0.0, 0.04), 0.02), Set(0.78));

    // Kidneys, renal vein, great vessels, psoas, crura.
    kidney(&mut c, (-0.3, 0.28), (0.095, 0.145), 30.0, (0.06, -0.02));
    kidney(&mut c, (0.33, 0.26), (0.095, 0.145), -30.0, (-0.06, -0.02));
    renal_mass(&mut c, (0.44, 0.33), 0.09);
    let renal_vein = [(0.26, 0.23), (0.1, 0.13), (-0.06, 0.1)];
    c.paint(&stroke(renal_vein.to_vec(), 0.025), Set(0.75));
    c.paint(&circle(0.05, 0.17, 0.045), Set(0.83));
    c.paint(&circle(0.05, 0.06, 0.018), Set(0.83));
    c.paint(&ellipse(-0.1, 0.11, 0.055, 0.04), Set(0.72));
    for s in [-1.0, 1.0] {
        c.paint(&ellipse(s * 0.15, 0.33, 0.045, 0.04), Set(MUSCLE));
        let crus = mirrored(&[(0.09, 0.08), (0.11, 0.18), (0.09, 0.27)], s);
        c.paint(&stroke(shifted(&crus, 0.03, 0.0), 0.028), Set(MUSCLE));
    }

    // Colon and small bowel.
    let hepatic_flexure = circle(-0.55, 0.17, 0.075);
    c.paint(&hepatic_flexure, Set(0.6));
    stool(&mut c, &hepatic_flexure.grow(-0.012), &mut rng);
    bowel_loop(&mut c, (0.62, 0.3), 0.06, AIR, &mut rng);
    for (x, y, r) in [
        (-0.06, -0.3, 0.05),
        (0.0, -0.46, 0.05),
        (-0.17, -0.45, 0.045),
    ] {
        bowel_loop(&mut c, (x, y), r, FLUID, &mut rng);
    }

    finish_tomo(&mut c, &mut rng, 0.8, 0.022, AIR + 0.05);
    c
}

fn rcc_coronal() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(502);
    let mut c = Canvas::new(512, 512, AIR);
    c.paint(&ellipse(0.0, 0.25, 0.86, 1.35), Set(FAT));
    c.paint(&ellipse(0.0, 0.25, 0.78, 1.26), Set(MUSCLE));
    let cavity = ellipse(0.0, 0.25, 0.73, 1.21);
    c.paint(&cavity, Set(0.17));

    // Lung bases and the heart, then liver and spleen domes under them.
    c.paint(&rect(-0.8, -1.1, 0.8, -0.85).and(cavity.clone()), Set(AIR));
    for s in [-1.0, 1.0] {
        c.paint(&ellipse(s * 0.42, -0.98, 0.34, 0.26), Set(AIR));
    }
    c.paint(&ellipse(0.08, -1.05, 0.32, 0.2), Set(0.47));
    let liver = ellipse(-0.36, -0.45, 0.4, 0.36)
        .rot(15.0)
        .wobble(3.0, 0.04, 1.0)
        .and(cavity.clone());
    c.paint(&liver, Set(0.67));
    c.paint(&ellipse(0.5, -0.58, 0.14, 0.22).rot(20.0), Set(0.64));
    let stomach = ellipse(0.2, -0.62, 0.17, 0.11);
    c.paint(&stomach, Set(0.6));
    c.paint(&stomach.grow(-0.016), Set(AIR));

    // Spine: vertebral bodies stacked with discs, psoas muscles fanning out below.
    for s in [-1.0, 1.0] {
        let psoas = [
            (0.08, -0.15),
            (0.13, 0.2),
            (0.24, 0.6),
            (0.33, 0.98),
            (0.2, 1.02),
            (0.12, 0.62),
            (0.07, 0.22),
        ];
        c.paint(&poly(&smooth_closed(&mirrored(&psoas, s), 6)), Set(MUSCLE));
    }
    c.paint(&rect(-0.1, -0.5, 0.1, 1.1), Set(0.48));
    for i in 0..10 {
        let y = -0.5 + 0.175 * i as f32;
        c.paint(&rect(-0.1, y, 0.1, y + 0.14), Set(0.95));
        c.paint(&rect(-0.088, y + 0.012, 0.088, y + 0.128), Set(0.76));
    }
    for s in [-1.0, 1.0] {
        let wing = [
            (0.12, 0.92),
            (0.28, 0.72),
            (0.48, 0.56),
            (0.7, 0.5),
            (0.74, 0.57),
            (0.56, 0.68),
            (0.42, 0.86),
            (0.34, 1.12),
            (0.12, 1.12),
        ];
        let wing = mirrored(&wing, s);
        c.paint(&poly(&smooth_closed(&wing, 6)), Set(0.95));
        let marrow = shrink_towards(&wing, (s * 0.3, 0.85), 0.03);
        c.paint(&poly(&smooth_closed(&marrow, 6)), Set(0.74));
    }

    // Kidneys (the right sits lower), left lower-pole mass.
    kidney(&mut c, (-0.32, 0.05), (0.12, 0.21), -10.0, (0.07, 0.0));
    kidney(&mut c, (0.32, -0.06), (0.12, 0.21), 10.0, (-0.07, 0.0));
    renal_mass(&mut c, (0.42, 0.13), 0.1);

    // Colon and small bowel.
    let flexure = ellipse(-0.55, 0.38, 0.09, 0.12);
    c.paint(&flexure, Set(0.6));
    stool(&mut c, &flexure.grow(-0.012), &mut rng);
    let descending = stroke(vec![(0.6, -0.25), (0.63, 0.1), (0.6, 0.45)], 0.11);
    c.paint(&descending, Set(0.6));
    stool(&mut c, &descending.grow(-0.012), &mut rng);
    for (x, y) in [
        (0.25, 0.45),
        (0.4, 0.6),
        (0.25, 0.75),
        (-0.3, 0.55),
        (-0.4, 0.78),
    ] {
        bowel_loop(&mut c, (x, y), 0.065, FLUID, &mut rng);
    }
    finish_tomo(&mut c, &mut rng, 0.9, 0.022, AIR + 0.05);
    c
}

// ------------------------------------------------------------------------------------
// Ultrasound

/// Curvilinear (convex) transducer: a fan of beams spreading down from `apex`.
struct Fan {
    apex: Pt,
    r0: f32,
    r1: f32,
    half: f32,
}

impl Fan {
    fn shape(&self) -> Shape {
        self.band(self.r0, self.r1)
    }

    /// Curved band of the fan between two depths measured from the apex.
    fn band(&self, from: f32, to: f32) -> Shape {
        Shape::Sector {
            c: self.apex,
            r0: from,
            r1: to,
            mid: FRAC_PI_2,
            half: self.half,
        }
    }

    /// Region hidden behind a disc, as seen from the transducer.
    fn behind(&self, c: Pt, r: f32) -> Shape {
        let d = dist(self.apex, c);
        Shape::Sector {
            c: self.apex,
            r0: d,
            r1: self.r1,
            mid: (c.1 - self.apex.1).atan2(c.0 - self.apex.0),
            half: (r / d).min(1.0).asin(),
        }
    }
}

/// Turn an echogenicity map into a B-mode image: multiplicative speckle (magnitude of a
/// blurred complex Gaussian field, coarser laterally), depth gain, field-of-view mask.
fn finish_ultrasound(echo: &Canvas, fov: &Shape, rng: &mut Rng) -> Canvas {
    let re = noise_field(echo.w, echo.h, rng, 4.0, 2.0);
    let im = noise_field(echo.w, echo.h, rng, 4.0, 2.0);
    let texture = noise_field(echo.w, echo.h, rng, 6.0, 4.0);
    let mut out = echo.clone();
    out.blur(1.2, 1.2);
    out.modulate(&texture, 0.08);
    for (i, v) in out.px.iter_mut().enumerate() {
        let speckle = re.px[i].hypot(im.px[i]) / 1.25;
        *v *= 0.6 + 0.4 * speckle;
    }
    out.blur(0.8, 0.8);
    out.mask(fov, 0.0);
    out
}

/// Depth marks along the right edge of the image, every `step` units.
fn depth_marks(c: &mut Canvas, x: f32, top: f32, bottom: f32, step: f32) {
    let mut y = top;
    while y <= bottom {
        c.paint(&circle(x, y, 0.01), Paint::Set(0.85));
        y += step;
    }
}

/// "+" shaped measurement caliper.
fn caliper(c: &mut Canvas, p: Pt) {
    let s = 0.025;
    c.paint(
        &line((p.0 - s, p.1), (p.0 + s, p.1), 0.008),
        Paint::Set(0.95),
    );
    c.paint(
        &line((p.0, p.1 - s), (p.0, p.1 + s), 0.008),
        Paint::Set(0.95),
    );
}

/// Echogenic stone: bright leading surface, the rest hidden by its own shadow.
fn stone(c: &mut Canvas, fan: &Fan, centre: Pt, r: f32) {
    let towards = (fan.apex.1 - centre.1)
        .atan2(fan.apex.0 - centre.0)
        .to_degrees();
    c.paint(&fan.behind(centre, r * 0.9), Paint::Mul(0.1));
    c.paint(&circle(centre.0, centre.1, r), Paint::Set(0.12));
    let surface = arc_pts(centre, (r, r), towards - 75.0, towards + 75.0, 16);
    c.paint(&stroke(surface, 0.03), Paint::Set(1.0));
}

/// Gallbladder with a thick, layered (oedematous) wall.
fn gallbladder(c: &mut Canvas, gb: &Shape) {
    use Paint::Set;
    c.paint(&gb.grow(0.05), Set(0.75));
    c.paint(&gb.grow(0.036), Set(0.13));
    c.paint(&gb.grow(0.014), Set(0.62));
    c.paint(gb, Set(0.02));
}

/// Abdominal wall layers at the top of a fan.
fn fan_wall(c: &mut Canvas, fan: &Fan) {
    use Paint::Set;
    let r = fan.r0;
    c.paint(&fan.band(r, r + 0.03), Set(0.75));
    c.paint(&fan.band(r + 0.03, r + 0.12), Set(0.22));
    c.paint(&fan.band(r + 0.12, r + 0.14), Set(0.7));
    c.paint(&fan.band(r + 0.14, r + 0.24), Set(0.36));
    c.paint(&fan.band(r + 0.24, r + 0.26), Set(0.72));
}

fn us_fan() -> Fan {
    Fan {
        apex: (0.0, -1.15),
        r0: 0.2,
        r1: 2.1,
        half: 36f32.to_radians(),
    }
}

fn gallbladder_long() -> Canvas {
    use Paint::{Mul, Set};
    let mut rng = Rng::new(601);
    let fan = us_fan();
    let mut c = Canvas::new(640, 512, 0.0);
    c.paint(&fan.shape(), Set(0.45));
    fan_wall(&mut c, &fan);
    // Portal vein and the upper pole of the right kidney deep to the liver.
    let pv = [(-0.95, 0.3), (-0.6, 0.36), (-0.35, 0.46)];
    c.paint(&stroke(pv.to_vec(), 0.085), Set(0.8));
    c.paint(&stroke(pv.to_vec(), 0.06), Set(0.04));
    let kidney = ellipse(0.55, 0.78, 0.45, 0.2).rot(8.0);
    c.paint(&kidney, Set(0.3));
    c.paint(&kidney.grow(-0.09), Set(0.7));

    let gb = ellipse(0.0, -0.12, 0.5, 0.17)
        .rot(10.0)
        .wobble(1.0, 0.08, 0.0);
    c.paint(
        &fan.behind((0.0, -0.1), 0.42).minus(gb.grow(0.05)),
        Mul(1.35),
    );
    c.paint(
        &ellipse(-0.55, -0.16, 0.1, 0.05).minus(gb.grow(0.05)),
        Set(0.03),
    );
    gallbladder(&mut c, &gb);
    c.paint(&gb.clone().and(rect(-2.0, -0.02, 2.0, 2.0)), Set(0.1));
    stone(&mut c, &fan, (0.3, -0.02), 0.065);

    let mut out = finish_ultrasound(&c, &fan.shape(), &mut rng);
    caliper(&mut out, (-0.12, -0.355));
    caliper(&mut out, (-0.12, -0.29));
    depth_marks(&mut out, 1.2, -0.95, 0.95, 0.25);
    out
}

fn gallbladder_trans() -> Canvas {
    use Paint::{Mul, Set};
    let mut rng = Rng::new(602);
    let fan = us_fan();
    let mut c = Canvas::new(640, 512, 0.0);
    c.paint(&fan.shape(), Set(0.46));
    fan_wall(&mut c, &fan);
    // IVC to the left, duodenum with gas to the right.
    c.paint(&ellipse(-0.55, 0.45, 0.16, 0.08), Set(0.05));
    c.paint(&circle(0.62, -0.1, 0.1), Set(0.75));
    c.paint(&fan.behind((0.62, -0.1), 0.09), Mul(0.35));

    let gb = ellipse(0.02, -0.1, 0.27, 0.22).wobble(3.0, 0.04, 1.0);
    c.paint(
        &fan.behind((0.02, -0.1), 0.26).minus(gb.grow(0.05)),
        Mul(1.35),
    );
    gallbladder(&mut c, &gb);
    stone(&mut c, &fan, (0.05, 0.04), 0.07);

    let mut out = finish_ultrasound(&c, &fan.shape(), &mut rng);
    caliper(&mut out, (0.02, -0.372));
    caliper(&mut out, (0.02, -0.31));
    depth_marks(&mut out, 1.2, -0.95, 0.95, 0.25);
    out
}

/// Field of view of a linear (high-frequency) transducer.
fn linear_fov() -> Shape {
    rect(-1.02, -0.92, 1.02, 0.92)
}

/// Skin and subcutaneous layers at the top of a linear image.
fn linear_wall(c: &mut Canvas, thickness: f32) {
    use Paint::Set;
    c.paint(&rect(-1.1, -0.92, 1.1, -0.89), Set(0.78));
    c.paint(&rect(-1.1, -0.89, 1.1, -0.89 + thickness), Set(0.3));
    c.paint(
        &rect(-1.1, -0.89 + thickness, 1.1, -0.87 + thickness),
        Set(0.7),
    );
}

/// Random hypoechoic and hyperechoic patches inside a shape.
fn blotches(c: &mut Canvas, shape: &Shape, rng: &mut Rng, n: usize) {
    let ((x0, y0), (x1, y1)) = shape.bbox();
    for _ in 0..n {
        let p = (rng.range(x0, x1), rng.range(y0, y1));
        let r = (rng.range(0.03, 0.09), rng.range(0.03, 0.07));
        let patch = ellipse(p.0, p.1, r.0, r.1)
            .rot(rng.range(0.0, 180.0))
            .wobble(3.0, 0.15, rng.range(0.0, TAU))
            .and(shape.clone());
        c.paint(&patch, Paint::Mul(rng.range(0.3, 1.5)));
    }
}

fn scrotum_transverse() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(701);
    let mut c = Canvas::new(576, 512, 0.0);
    c.paint(&linear_fov(), Set(0.28));
    linear_wall(&mut c, 0.03);
    c.paint(&line((0.0, -0.86), (0.0, 0.5), 0.03), Set(0.6));
    // Scrotal wall: thin on the right (image left), thickened and layered on the left.
    let upper = rect(-1.2, -1.0, 1.2, 0.05);
    c.paint(
        &ring(-0.55, 0.1, 0.5, 0.46, 0.04).and(upper.clone()),
        Set(0.62),
    );
    c.paint(
        &ring(0.52, 0.12, 0.7, 0.62, 0.16).and(upper.clone()),
        Set(0.45),
    );
    c.paint(&ring(0.52, 0.12, 0.64, 0.56, 0.02).and(upper), Set(0.2));

    let right = ellipse(-0.55, 0.05, 0.42, 0.32).rot(-5.0);
    c.paint(&right.grow(0.015), Set(0.8));
    c.paint(&right, Set(0.52));
    c.paint(&line((-0.62, 0.28), (-0.45, 0.3), 0.03), Set(0.75));

    let left = ellipse(0.52, 0.07, 0.46, 0.36).rot(4.0);
    c.paint(&ellipse(0.6, 0.16, 0.5, 0.4).rot(10.0), Set(0.03));
    c.paint(&left.grow(0.015), Set(0.8));
    c.paint(&left, Set(0.33));
    blotches(&mut c, &left, &mut rng, 30);
    for i in 0..6 {
        let a = (200.0 + 28.0 * i as f32).to_radians();
        let p = (0.52 + 0.08 * a.cos(), 0.07 + 0.08 * a.sin());
        let q = (0.52 + 0.38 * a.cos(), 0.07 + 0.3 * a.sin());
        c.paint(&line(p, q, 0.02), Paint::Mul(0.6));
    }
    finish_ultrasound(&c, &linear_fov(), &mut rng)
}

fn spermatic_cord() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(702);
    let mut c = Canvas::new(576, 512, 0.0);
    c.paint(&linear_fov(), Set(0.3));
    linear_wall(&mut c, 0.1);
    // Upper pole of the swollen, heterogeneous testis and a reactive hydrocele.
    let testis = ellipse(0.45, 0.76, 0.7, 0.4);
    c.paint(&ellipse(0.55, 0.8, 0.8, 0.47).rot(-6.0), Set(0.03));
    c.paint(&testis.grow(0.015), Set(0.75));
    c.paint(&testis, Set(0.36));
    blotches(&mut c, &testis, &mut rng, 14);

    // Twisted cord: the cord runs in from the upper left, coils into a round mass of
    // spiralling echogenic (fat) and hypoechoic (vessel) bands, then enters the testis.
    let centre = (-0.25, -0.18);
    c.paint(&line((-1.2, -0.62), centre, 0.26), Set(0.42));
    for dy in [-0.07, 0.0, 0.07] {
        let vessel = line((-1.2, -0.62 + dy), (centre.0, centre.1 + dy), 0.025);
        c.paint(&vessel, Set(0.12));
    }
    c.paint(&line(centre, (0.2, 0.45), 0.22), Set(0.38));
    let mass = ellipse(centre.0, centre.1, 0.34, 0.3).wobble(3.0, 0.04, 0.5);
    c.paint(&mass.grow(0.02), Set(0.55));
    c.paint(&mass, Set(0.16));
    let spiral: Vec<Pt> = (0..=200)
        .map(|i| {
            let t = i as f32 / 200.0;
            let a = t * 2.4 * TAU;
            let r = (0.04 + 0.27 * t) * (1.0 + 0.08 * (3.0 * a).sin());
            (centre.0 + r * a.cos(), centre.1 + 0.9 * r * a.sin())
        })
        .collect();
    c.paint(&stroke(spiral, 0.05), Set(0.6));
    finish_ultrasound(&c, &linear_fov(), &mut rng)
}

/// Neighbouring small-bowel loops: hypoechoic wall, echogenic mucosa and content.
fn us_bowel(c: &mut Canvas, centre: Pt, r: f32) {
    c.paint(&circle(centre.0, centre.1, r), Paint::Set(0.2));
    c.paint(&circle(centre.0, centre.1, r * 0.55), Paint::Set(0.7));
}

fn intussusception_target() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(801);
    let mut c = Canvas::new(576, 512, 0.0);
    c.paint(&linear_fov(), Set(0.4));
    linear_wall(&mut c, 0.07);
    c.paint(&rect(-1.1, -0.74, 1.1, -0.6), Set(0.3));
    c.paint(&rect(-1.1, -0.6, 1.1, -0.58), Set(0.72));
    us_bowel(&mut c, (-0.85, 0.05), 0.16);
    us_bowel(&mut c, (0.82, 0.45), 0.14);
    us_bowel(&mut c, (-0.75, 0.6), 0.13);
    let fluid = ellipse(0.66, -0.28, 0.14, 0.04)
        .rot(25.0)
        .wobble(2.0, 0.2, 0.0);
    c.paint(&fluid, Set(0.03));

    // Target: outer oedematous wall, echogenic mesenteric fat crescent with small
    // lymph nodes, inner (intussusceptum) wall, echogenic centre.
    let (cx, cy) = (0.0, 0.08);
    c.paint(&ellipse(cx, cy, 0.5, 0.46), Set(0.15));
    c.paint(&ellipse(cx + 0.03, cy - 0.02, 0.39, 0.35), Set(0.72));
    for (dx, dy) in [(-0.24, -0.12), (-0.18, 0.16), (-0.28, 0.03)] {
        c.paint(&ellipse(cx + dx, cy + dy, 0.045, 0.03), Set(0.14));
    }
    c.paint(&ellipse(cx + 0.09, cy + 0.01, 0.25, 0.22), Set(0.13));
    c.paint(&ellipse(cx + 0.1, cy + 0.01, 0.12, 0.09), Set(0.62));
    let mut out = finish_ultrasound(&c, &linear_fov(), &mut rng);
    depth_marks(&mut out, 1.08, -0.92, 0.92, 0.23);
    out
}

fn intussusception_long() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(802);
    let mut c = Canvas::new(576, 512, 0.0);
    c.paint(&linear_fov(), Set(0.4));
    linear_wall(&mut c, 0.07);
    c.paint(&rect(-1.1, -0.74, 1.1, -0.6), Set(0.3));
    c.paint(&rect(-1.1, -0.6, 1.1, -0.58), Set(0.72));
    us_bowel(&mut c, (0.85, 0.62), 0.15);
    // "Pseudokidney": hypoechoic walls layered around echogenic fat and mucosa.
    let body = |rx: f32, ry: f32| ellipse(0.0, 0.1, rx, ry).rot(-8.0);
    c.paint(&body(0.9, 0.4), Set(0.15));
    c.paint(&body(0.78, 0.27).wobble(6.0, 0.05, 0.3), Set(0.68));
    c.paint(&body(0.68, 0.15), Set(0.14));
    c.paint(&body(0.6, 0.03), Set(0.66));
    let mut out = finish_ultrasound(&c, &linear_fov(), &mut rng);
    depth_marks(&mut out, 1.08, -0.92, 0.92, 0.23);
    out
}

// ------------------------------------------------------------------------------------
// Knee MRI (sagittal proton-density, fat saturated; anterior is image left)

const KNEE_FAT: f32 = 0.12;
const KNEE_MUSCLE: f32 = 0.32;
const KNEE_FLUID: f32 = 0.9;
const KNEE_CARTILAGE: f32 = 0.6;
const KNEE_MARROW: f32 = 0.24;
const KNEE_DARK: f32 = 0.03;

/// A bone: dark cortex around fat-suppressed marrow, optional cartilage cap.
fn knee_bone(c: &mut Canvas, parts: &[Shape], cartilage: Option<Shape>) {
    if let Some(cart) = cartilage {
        c.paint(&cart, Paint::Set(KNEE_CARTILAGE));
    }
    for p in parts {
        c.paint(p, Paint::Set(KNEE_DARK));
    }
    for p in parts {
        c.paint(&p.grow(-0.022), Paint::Set(KNEE_MARROW));
    }
}

/// Soft tissues, effusion, patella and tendons; the femur and tibia are drawn by callers.
fn knee_soft_tissue(c: &mut Canvas) {
    use Paint::Set;
    let thigh = line((0.05, -1.3), (0.05, 0.0), 1.3);
    let leg = line((0.08, 0.0), (0.1, 1.3), 1.1);
    for part in [&thigh, &leg] {
        c.paint(part, Set(0.4));
    }
    for part in [&thigh, &leg] {
        c.paint(&part.grow(-0.015), Set(KNEE_FAT));
    }
    c.paint(&line((-0.36, -1.3), (-0.3, -0.62), 0.24), Set(KNEE_MUSCLE));
    c.paint(&line((0.45, -1.3), (0.42, -0.3), 0.3), Set(KNEE_MUSCLE));
    c.paint(&line((0.45, -0.15), (0.42, 1.3), 0.34), Set(KNEE_MUSCLE));
    c.paint(&line((-0.2, 0.72), (-0.2, 1.3), 0.12), Set(KNEE_MUSCLE));
    c.paint(&line((0.52, -1.3), (0.47, 1.3), 0.045), Set(KNEE_DARK));

    // Suprapatellar effusion, patella, extensor tendons.
    c.paint(&ellipse(-0.25, -0.56, 0.07, 0.24).rot(8.0), Set(KNEE_FLUID));
    c.paint(&line((-0.42, -0.46), (-0.33, -1.3), 0.07), Set(KNEE_DARK));
    c.paint(&line((-0.44, -0.1), (-0.19, 0.52), 0.055), Set(KNEE_DARK));
    let patella = ellipse(-0.42, -0.28, 0.085, 0.19).rot(-8.0);
    let cart = patella.grow(0.03).and(rect(-0.42, -1.0, 1.0, 1.0));
    knee_bone(c, &[patella], Some(cart));
}

fn knee_tibia(c: &mut Canvas, with_fibula: bool) {
    let plateau = ellipse(0.1, 0.33, 0.36, 0.12);
    let shaft = line((0.1, 0.35), (0.12, 1.35), 0.4);
    let tuberosity = ellipse(-0.13, 0.52, 0.08, 0.12);
    let cart = plateau.grow(0.025).and(rect(-1.0, -1.0, 1.0, 0.31));
    knee_bone(c, &[plateau, shaft, tuberosity], Some(cart));
    if with_fibula {
        knee_bone(c, &[ellipse(0.34, 0.62, 0.1, 0.09)], None);
    }
}

fn knee_finish(mut c: Canvas, rng: &mut Rng) -> Canvas {
    finish_tomo(&mut c, rng, 1.0, 0.02, 0.02);
    c
}

fn knee_notch() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(901);
    let mut c = Canvas::new(512, 512, 0.0);
    knee_soft_tissue(&mut c);
    // Femur at the intercondylar notch: the notch roof leaves room for the cruciates.
    let shaft = line((0.08, -1.3), (0.08, -0.4), 0.44);
    let roof = ellipse(0.07, -0.3, 0.33, 0.2).rot(-12.0);
    knee_bone(&mut c, &[shaft, roof], None);
    knee_tibia(&mut c, false);
    knee_bone(&mut c, &[ellipse(0.03, 0.21, 0.06, 0.04)], None);

    // Torn ACL: no fibres in the proximal notch, oedema and fluid along its course,
    // a short, horizontally lying distal stump. Intact but buckled PCL.
    let course = ellipse(0.11, 0.04, 0.075, 0.21)
        .rot(39.0)
        .wobble(5.0, 0.15, 0.6)
        .wobble(9.0, 0.06, 2.0);
    c.paint(&course, Set(0.55));
    let stump = [(-0.03, 0.2), (0.03, 0.14), (0.1, 0.13)];
    c.paint(&stroke(stump.to_vec(), 0.04), Set(0.12));
    let pcl = [
        (-0.05, -0.13),
        (0.13, -0.15),
        (0.28, -0.06),
        (0.35, 0.1),
        (0.34, 0.28),
    ];
    c.paint(&stroke(pcl.to_vec(), 0.065), Set(KNEE_DARK));
    knee_finish(c, &mut rng)
}

fn knee_lateral() -> Canvas {
    use Paint::Set;
    let mut rng = Rng::new(902);
    let mut c = Canvas::new(512, 512, 0.0);
    knee_soft_tissue(&mut c);
    let shaft = line((0.08, -1.3), (0.08, -0.4), 0.44);
    let condyle = ellipse(0.1, -0.15, 0.34, 0.3);
    c.paint(
        &condyle.grow(0.05).and(rect(0.12, -0.5, 1.0, 0.2)),
        Set(0.7),
    );
    knee_bone(
        &mut c,
        &[shaft.clone(), condyle.clone()],
        Some(condyle.grow(0.03)),
    );
    knee_tibia(&mut c, true);
    // Lateral meniscus: dark triangles, anterior and posterior horns.
    c.paint(
        &poly(&[(-0.29, 0.09), (-0.04, 0.185), (-0.29, 0.225)]),
        Set(KNEE_DARK),
    );
    c.paint(
        &poly(&[(0.47, 0.05), (0.22, 0.17), (0.47, 0.225)]),
        Set(KNEE_DARK),
    );
    // "Kissing" contusions: lateral femoral condyle and posterolateral tibial plateau.
    let femoral = ellipse(-0.08, -0.02, 0.15, 0.09)
        .wobble(5.0, 0.12, 0.4)
        .and(condyle.grow(-0.022));
    c.paint(&femoral, Set(0.62));
    let tibial = ellipse(0.32, 0.36, 0.13, 0.1)
        .wobble(4.0, 0.12, 1.1)
        .and(ellipse(0.1, 0.33, 0.338, 0.098).minus(rect(-1.0, -1.0, 1.0, 0.24)));
    c.paint(&tibial, Set(0.6));
    knee_finish(c, &mut rng)
}

// ------------------------------------------------------------------------------------
// Output

/// (case bundle, file name, generator)
type Output = (&'static str, &'static str, fn() -> Canvas);

const OUTPUTS: &[Output] = &[
    (
        "2024-acute-appendicitis",
        "ct-axial-appendix.png",
        appendix_axial,
    ),
    (
        "2024-acute-appendicitis",
        "ct-axial-appendix-zoom.png",
        appendix_zoom,
    ),
    (
        "2024-left-mca-infarct",
        "ct-head-noncontrast.png",
        stroke_ct,
    ),
    ("2024-left-mca-infarct", "mri-dwi.png", stroke_dwi),
    ("2024-left-mca-infarct", "mri-adc.png", stroke_adc),
    (
        "2024-spontaneous-pneumothorax",
        "xr-chest-pa.png",
        chest_pneumothorax,
    ),
    (
        "2025-acute-cholecystitis",
        "us-gallbladder-long.png",
        gallbladder_long,
    ),
    (
        "2025-acute-cholecystitis",
        "us-gallbladder-trans.png",
        gallbladder_trans,
    ),
    ("2025-acl-tear", "mri-knee-sag-notch.png", knee_notch),
    ("2025-acl-tear", "mri-knee-sag-lateral.png", knee_lateral),
    (
        "2025-pneumoperitoneum",
        "xr-chest-erect.png",
        chest_free_air,
    ),
    (
        "2025-renal-cell-carcinoma",
        "ct-axial-nephrographic.png",
        rcc_axial,
    ),
    ("2025-renal-cell-carcinoma", "ct-coronal.png", rcc_coronal),
    ("2025-glioblastoma", "mri-t1-post.png", glioma_t1_post),
    ("2025-glioblastoma", "mri-flair.png", glioma_flair),
    (
        "2026-testicular-torsion",
        "us-scrotum-transverse.png",
        scrotum_transverse,
    ),
    (
        "2026-testicular-torsion",
        "us-spermatic-cord.png",
        spermatic_cord,
    ),
    (
        "2026-ileocolic-intussusception",
        "us-rlq-transverse.png",
        intussusception_target,
    ),
    (
        "2026-ileocolic-intussusception",
        "us-rlq-longitudinal.png",
        intussusception_long,
    ),
];

fn main() -> Result<()> {
    let site = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "example-site".into()),
    );
    let cases = site.join("content").join("cases");
    let mut total = 0;
    for (bundle, file, draw) in OUTPUTS {
        let dir = cases.join(bundle);
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(file);
        let bytes = draw().save(&path)?;
        println!("{:>7} bytes  {}", bytes, path.display());
        total += bytes;
    }
    total += write_series(&cases)?;
    println!(
        "{total:>7} bytes  total ({} images and {SERIES_SLICES} slices)",
        OUTPUTS.len()
    );
    Ok(())
}
