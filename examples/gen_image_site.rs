//! A benchmark site of large JPEG pictures, as a radcase site and as a Hugo site that
//! publish the same files (for `bench/images.sh`).
//!
//! ```text
//! cargo run --release --example gen_image_site -- OUT [--cases 100] [--images 4] [--size 1600] [--seed 1]
//! ```
//!
//! Writes
//! - `OUT/radcase/`: `config.toml` with `[images] widths = [1024]`, `thumbnail = 320`,
//!   `quality = 82`, `formats = ["jpeg"]`, a cases section (`page_kind = "case"`), and one
//!   bundle per case, `content/cases/case-NNN/index.md`, whose `images` list names its
//!   pictures `img-1.jpg`… with alt text and a caption;
//! - `OUT/hugo/`: the same bundles (every JPEG is a hard link to the radcase one) with the
//!   alt text and caption as `[[resources]]` metadata, `[imaging] quality = 82` and
//!   `resampleFilter = "Lanczos"`, and layouts that resize every picture to 1024 and
//!   320 pixels wide. Bundle resources are published only when a template uses them, so
//!   Hugo, like radcase, writes just the two sizes and not the originals.
//!
//! Pictures are SIZE×SIZE pixels, drawn from scratch and saved as JPEG quality 90. In
//! every group of four, three are grayscale (a CT-like cross-section, a radiograph and an
//! ultrasound fan, in turn) and one is in colour (ultrasound with a colour Doppler box and
//! yellow annotations). Fine noise makes them compress like real exports: about 300–600 KB
//! each at 1600 pixels. The output depends only on the arguments.

use std::error::Error;
use std::f32::consts::TAU;
use std::fmt::Write as _;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use image::ExtendedColorType;
use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use rayon::prelude::*;

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

const USAGE: &str = "usage: gen_image_site OUT [--cases N] [--images N] [--size PX] [--seed N]";
const SOURCE_QUALITY: u8 = 90;
const BASE_URL: &str = "https://bench.example.org/";

// ------------------------------------------------------------------------------------
// Command line

struct Args {
    out: PathBuf,
    cases: usize,
    images: usize,
    size: u32,
    seed: u64,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        out: PathBuf::new(),
        cases: 100,
        images: 4,
        size: 1600,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--cases" => args.cases = value()?.parse()?,
            "--images" => args.images = value()?.parse()?,
            "--size" => args.size = value()?.parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ if a.starts_with('-') || !args.out.as_os_str().is_empty() => {
                return Err(format!("unexpected argument `{a}`\n{USAGE}").into());
            }
            _ => args.out = PathBuf::from(a),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err(USAGE.into());
    }
    if args.cases == 0 || args.images == 0 || args.size < 64 {
        return Err("--cases and --images must be at least 1, --size at least 64".into());
    }
    Ok(args)
}

// ------------------------------------------------------------------------------------
// Randomness

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Per-pixel Gaussian noise: four table look-ups per 64-bit draw, fast enough for
/// millions of pixels.
struct Noise {
    table: Vec<f32>,
    rng: Rng,
    bits: u64,
    left: u32,
}

impl Noise {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x5EED);
        let table = (0..1 << 16).map(|_| rng.gauss()).collect();
        Self {
            table,
            rng: Rng::new(seed),
            bits: 0,
            left: 0,
        }
    }

    fn next(&mut self) -> f32 {
        if self.left == 0 {
            self.bits = self.rng.next_u64();
            self.left = 4;
        }
        let v = self.table[(self.bits & 0xFFFF) as usize];
        self.bits >>= 16;
        self.left -= 1;
        v
    }
}

/// A smooth random field in about [-1, 1]: a coarse grid of random values, interpolated.
struct Smooth {
    n: usize,
    grid: Vec<f32>,
}

impl Smooth {
    fn new(rng: &mut Rng, n: usize) -> Self {
        let grid = (0..(n + 1) * (n + 1))
            .map(|_| rng.range(-1.0, 1.0))
            .collect();
        Self { n, grid }
    }

    /// Value at (x, y) in [0, 1]².
    fn at(&self, x: f32, y: f32) -> f32 {
        let (fx, fy) = (
            x.clamp(0.0, 1.0) * self.n as f32,
            y.clamp(0.0, 1.0) * self.n as f32,
        );
        let (i, j) = ((fx as usize).min(self.n - 1), (fy as usize).min(self.n - 1));
        let (tx, ty) = (smoothstep(fx - i as f32), smoothstep(fy - j as f32));
        let g = |a: usize, b: usize| self.grid[b * (self.n + 1) + a];
        let top = g(i, j) + (g(i + 1, j) - g(i, j)) * tx;
        let bottom = g(i, j + 1) + (g(i + 1, j + 1) - g(i, j + 1)) * tx;
        top + (bottom - top) * ty
    }
}

fn smoothstep(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

// ------------------------------------------------------------------------------------
// Pictures

/// An ellipse in [0, 1]² coordinates, turned by `rot` radians.
#[derive(Clone, Copy)]
struct Ellipse {
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
    rot: f32,
}

impl Ellipse {
    fn contains(&self, x: f32, y: f32) -> bool {
        let (s, c) = self.rot.sin_cos();
        let (dx, dy) = (x - self.cx, y - self.cy);
        let (u, v) = ((dx * c + dy * s) / self.rx, (-dx * s + dy * c) / self.ry);
        u * u + v * v <= 1.0
    }

    /// A random ellipse whose centre lies inside `self`.
    fn random_inside(&self, rng: &mut Rng, r: (f32, f32)) -> Ellipse {
        let (a, d) = (rng.range(0.0, TAU), rng.uniform().sqrt() * 0.7);
        Ellipse {
            cx: self.cx + d * self.rx * a.cos(),
            cy: self.cy + d * self.ry * a.sin(),
            rx: rng.range(r.0, r.1),
            ry: rng.range(r.0, r.1),
            rot: rng.range(0.0, TAU),
        }
    }
}

/// What a picture shows.
#[derive(Clone, Copy)]
enum Kind {
    CrossSection,
    Radiograph,
    Ultrasound,
    Doppler,
}

impl Kind {
    /// Image `k` (0-based) of case `case`: three grayscale kinds in turn, every fourth in colour.
    fn of(case: usize, k: usize) -> Self {
        if k % 4 == 3 {
            return Kind::Doppler;
        }
        match (case + k) % 3 {
            0 => Kind::CrossSection,
            1 => Kind::Radiograph,
            _ => Kind::Ultrasound,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::CrossSection => "CT-like axial cross-section of the abdomen",
            Kind::Radiograph => "radiograph of the chest",
            Kind::Ultrasound => "grayscale ultrasound fan",
            Kind::Doppler => "colour Doppler ultrasound with yellow annotations",
        }
    }
}

/// A grayscale picture, drawn one pixel at a time by `f(x, y)` (coordinates in [0, 1]).
fn draw_gray(size: u32, mut f: impl FnMut(f32, f32) -> f32) -> Vec<u8> {
    let n = size as usize;
    let mut px = Vec::with_capacity(n * n);
    for y in 0..n {
        for x in 0..n {
            let (u, v) = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
            px.push(f(u, v).clamp(0.0, 255.0) as u8);
        }
    }
    px
}

/// Body outline, fat, organs with a fine texture, a vertebra, and CT noise.
fn cross_section(size: u32, rng: &mut Rng, noise: &mut Noise) -> Vec<u8> {
    let body = Ellipse {
        cx: 0.5 + rng.range(-0.02, 0.02),
        cy: 0.5,
        rx: rng.range(0.38, 0.46),
        ry: rng.range(0.28, 0.38),
        rot: rng.range(-0.05, 0.05),
    };
    let inner = Ellipse {
        rx: body.rx - 0.03,
        ry: body.ry - 0.03,
        ..body
    };
    let organs: Vec<(Ellipse, f32)> = (0..6 + rng.next_u64() % 7)
        .map(|_| {
            (
                inner.random_inside(rng, (0.03, 0.14)),
                rng.range(70.0, 190.0),
            )
        })
        .collect();
    let spine = Ellipse {
        cx: body.cx,
        cy: body.cy + body.ry * 0.55,
        rx: 0.05,
        ry: 0.045,
        rot: 0.0,
    };
    let (texture, sigma) = (Smooth::new(rng, 60), rng.range(2.5, 4.5));
    draw_gray(size, |x, y| {
        let mut v = 8.0;
        if body.contains(x, y) {
            v = if inner.contains(x, y) { 120.0 } else { 80.0 };
            for (o, level) in &organs {
                if o.contains(x, y) {
                    v = *level;
                }
            }
            if spine.contains(x, y) {
                v = 235.0;
            }
            v *= 1.0 + 0.08 * texture.at(x, y);
        }
        v + sigma * noise.next()
    })
}

/// Dark lungs with ribs and vessels, a bright mediastinum, soft tissue and noise.
fn radiograph(size: u32, rng: &mut Rng, noise: &mut Noise) -> Vec<u8> {
    let lungs: Vec<Ellipse> = [-1.0, 1.0]
        .iter()
        .map(|s| Ellipse {
            cx: 0.5 + s * rng.range(0.17, 0.21),
            cy: rng.range(0.44, 0.5),
            rx: rng.range(0.13, 0.17),
            ry: rng.range(0.27, 0.33),
            rot: s * 0.08,
        })
        .collect();
    let (vessels, rib_step, sigma) = (
        Smooth::new(rng, 90),
        rng.range(0.07, 0.09),
        rng.range(2.5, 4.5),
    );
    draw_gray(size, |x, y| {
        let mut v = 150.0 + 60.0 * (1.0 - (x - 0.5).abs() * 2.0) - 30.0 * y;
        if lungs.iter().any(|l| l.contains(x, y)) {
            v = 55.0 + 25.0 * vessels.at(x, y).abs();
            let rib = ((y + 0.25 * (x - 0.5).powi(2)) / rib_step * TAU).sin();
            if rib > 0.55 {
                v += 45.0;
            }
        }
        v + sigma * noise.next()
    })
}

/// A sector fan of speckle with echogenic bands, dark cysts and depth attenuation.
fn ultrasound_fan(size: u32, rng: &mut Rng, noise: &mut Noise) -> Vec<u8> {
    let cysts: Vec<Ellipse> = (0..2 + rng.next_u64() % 3)
        .map(|_| Ellipse {
            cx: rng.range(0.35, 0.65),
            cy: rng.range(0.3, 0.75),
            rx: rng.range(0.03, 0.09),
            ry: rng.range(0.03, 0.07),
            rot: rng.range(0.0, TAU),
        })
        .collect();
    let (bands, half_angle) = (Smooth::new(rng, 12), rng.range(0.5, 0.65));
    draw_gray(size, |x, y| {
        let (dx, dy) = (x - 0.5, y - 0.04);
        let (r, angle) = (dx.hypot(dy), dx.atan2(dy));
        if angle.abs() > half_angle || !(0.06..0.92).contains(&r) {
            return 0.0;
        }
        let echo = if cysts.iter().any(|c| c.contains(x, y)) {
            8.0
        } else {
            (110.0 + 60.0 * bands.at(0.5 + angle * 0.3, r)) * (1.0 - 0.45 * r)
        };
        // Speckle: Rayleigh-like, the length of a random 2-D vector.
        echo * (0.7 + 0.22 * noise.next().hypot(noise.next()))
    })
}

/// Ultrasound fan in RGB with a colour Doppler box of red and blue flow and yellow marks.
fn doppler(size: u32, rng: &mut Rng, noise: &mut Noise) -> Vec<u8> {
    let gray = ultrasound_fan(size, rng, noise);
    let (bx, by) = (rng.range(0.35, 0.5), rng.range(0.3, 0.5));
    let flow = Smooth::new(rng, 24);
    let arrow_y = rng.range(0.2, 0.8);
    let n = size as usize;
    let mut rgb = Vec::with_capacity(n * n * 3);
    for (i, &g) in gray.iter().enumerate() {
        let (x, y) = ((i % n) as f32 / n as f32, (i / n) as f32 / n as f32);
        let mut p = [g, g, g];
        let in_box = (bx..bx + 0.2).contains(&x) && (by..by + 0.25).contains(&y);
        let f = flow.at(x, y);
        if in_box && f.abs() > 0.35 {
            let level =
                (120.0 + 300.0 * (f.abs() - 0.35) + 20.0 * noise.next()).clamp(0.0, 255.0) as u8;
            p = if f > 0.0 {
                [level, 30, 20]
            } else {
                [20, 60, level]
            };
        }
        let on_box_edge = in_box
            && ((x - bx).abs() < 0.002
                || (x - bx - 0.2).abs() < 0.002
                || (y - by).abs() < 0.002
                || (y - by - 0.25).abs() < 0.002);
        let on_arrow = (0.05..0.22).contains(&x) && (y - arrow_y).abs() < 0.004
            || (0.05..0.09).contains(&x) && (y - arrow_y).abs() < 0.004 + (0.09 - x) * 0.6 - 0.02;
        let on_label = x > 0.78 && y < 0.12 && ((x * 90.0).sin() * (y * 70.0).cos()) > 0.6;
        if on_box_edge || on_arrow || on_label {
            p = [235, 215, 40];
        }
        rgb.extend_from_slice(&p);
    }
    rgb
}

/// Draw image `k` of `case` and save it as a JPEG at `path`.
fn write_picture(path: &Path, kind: Kind, size: u32, seed: u64) -> Result<u64> {
    let mut rng = Rng::new(seed);
    let mut noise = Noise::new(rng.next_u64());
    let (px, color) = match kind {
        Kind::CrossSection => (
            cross_section(size, &mut rng, &mut noise),
            ExtendedColorType::L8,
        ),
        Kind::Radiograph => (
            radiograph(size, &mut rng, &mut noise),
            ExtendedColorType::L8,
        ),
        Kind::Ultrasound => (
            ultrasound_fan(size, &mut rng, &mut noise),
            ExtendedColorType::L8,
        ),
        Kind::Doppler => (doppler(size, &mut rng, &mut noise), ExtendedColorType::Rgb8),
    };
    let file = BufWriter::new(fs::File::create(path)?);
    JpegEncoder::new_with_quality(file, SOURCE_QUALITY).write_image(&px, size, size, color)?;
    Ok(fs::metadata(path)?.len())
}

// ------------------------------------------------------------------------------------
// Sites

/// One picture of a case, as both sites describe it.
struct Picture {
    file: String,
    alt: String,
    caption: String,
}

fn pictures(case: usize, images: usize) -> Vec<Picture> {
    (0..images)
        .map(|k| Picture {
            file: format!("img-{}.jpg", k + 1),
            alt: format!(
                "Synthetic {}, case {}, image {}",
                Kind::of(case, k).describe(),
                case + 1,
                k + 1
            ),
            caption: format!("Image {} of benchmark case {}.", k + 1, case + 1),
        })
        .collect()
}

fn case_title(case: usize) -> String {
    format!("Benchmark case {:03}", case + 1)
}

fn case_date(case: usize) -> String {
    let day = case % 28 + 1;
    let month = case / 28 % 12 + 1;
    format!("2024-{month:02}-{day:02}")
}

const BODY: &str = "Synthetic pictures for measuring image processing: each one is \
resized to a large and a thumbnail width.\n";

fn radcase_case(case: usize, pics: &[Picture]) -> String {
    let mut s = format!(
        "+++\ntitle = \"{}\"\ndate = {}\nimages = [\n",
        case_title(case),
        case_date(case)
    );
    for p in pics {
        let _ = writeln!(
            s,
            "  {{ file = \"{}\", alt = \"{}\", caption = \"{}\" }},",
            p.file, p.alt, p.caption
        );
    }
    s + "]\n+++\n\n" + BODY
}

fn hugo_case(case: usize, pics: &[Picture]) -> String {
    let mut s = format!(
        "+++\ntitle = \"{}\"\ndate = {}\n",
        case_title(case),
        case_date(case)
    );
    for p in pics {
        let _ = write!(
            s,
            "\n[[resources]]\nsrc = \"{}\"\ntitle = \"{}\"\n[resources.params]\ncaption = \"{}\"\n",
            p.file, p.alt, p.caption
        );
    }
    s + "+++\n\n" + BODY
}

const RADCASE_CONFIG: &str = r#"title = "Image benchmark"
base_url = "https://bench.example.org/"
description = "Synthetic cases with large pictures, for benchmarking image processing."

[images]
widths = [1024]
thumbnail = 320
quality = 82
formats = ["jpeg"]
"#;

const HUGO_CONFIG: &str = r#"title = "Image benchmark"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS"]

[imaging]
quality = 82
resampleFilter = "Lanczos"
"#;

const HUGO_SECTION: &str = r#"+++
title = "Cases"

[cascade._build]
publishResources = false
+++
"#;

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a> <a href="{{ "/cases/" | relURL }}">Cases</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#,
    ),
    (
        "_default/single.html",
        r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}
{{ range .Resources.ByType "image" }}
{{ $large := .Resize "1024x" }}
{{ $thumb := .Resize "320x" }}
<figure>
<a href="{{ $large.RelPermalink }}"><img src="{{ $thumb.RelPermalink }}" width="{{ $thumb.Width }}" height="{{ $thumb.Height }}" alt="{{ .Title }}"></a>
<img src="{{ $large.RelPermalink }}" width="{{ $large.Width }}" height="{{ $large.Height }}" alt="{{ .Title }}" loading="lazy">
<figcaption>{{ .Params.caption }}</figcaption>
</figure>
{{ end }}
</article>
{{ end }}
"#,
    ),
    (
        "_default/list.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ with .Resources.ByType "image" }}{{ with index . 0 }}{{ $thumb := .Resize "320x" }}<img src="{{ $thumb.RelPermalink }}" width="{{ $thumb.Width }}" height="{{ $thumb.Height }}" alt="{{ .Title }}">{{ end }}{{ end }}{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"#,
    ),
];

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)?;
    Ok(())
}

/// Config, sections and layouts of both sites (everything but the cases).
fn write_skeletons(radcase: &Path, hugo: &Path) -> Result<()> {
    write(&radcase.join("config.toml"), RADCASE_CONFIG)?;
    write(
        &radcase.join("content/_index.md"),
        "+++\ntitle = \"Image benchmark\"\n+++\n",
    )?;
    write(
        &radcase.join("content/cases/_index.md"),
        "+++\ntitle = \"Cases\"\npage_kind = \"case\"\n+++\n",
    )?;
    write(
        &hugo.join("config.toml"),
        &format!("baseURL = \"{BASE_URL}\"\n{HUGO_CONFIG}"),
    )?;
    write(
        &hugo.join("content/_index.md"),
        "+++\ntitle = \"Image benchmark\"\n+++\n",
    )?;
    write(&hugo.join("content/cases/_index.md"), HUGO_SECTION)?;
    for (name, text) in HUGO_LAYOUTS {
        write(&hugo.join("layouts").join(name), text)?;
    }
    Ok(())
}

/// Both bundles of one case: pictures drawn into the radcase one, hard-linked into Hugo's.
fn write_case(args: &Args, radcase: &Path, hugo: &Path, case: usize) -> Result<u64> {
    let slug = format!("case-{:03}", case + 1);
    let (rdir, hdir) = (
        radcase.join("content/cases").join(&slug),
        hugo.join("content/cases").join(&slug),
    );
    let pics = pictures(case, args.images);
    write(&rdir.join("index.md"), &radcase_case(case, &pics))?;
    write(&hdir.join("index.md"), &hugo_case(case, &pics))?;
    let mut bytes = 0;
    for (k, p) in pics.iter().enumerate() {
        let seed = args.seed.wrapping_mul(1_000_003) ^ ((case as u64) << 8 | k as u64);
        let (src, dst) = (rdir.join(&p.file), hdir.join(&p.file));
        bytes += write_picture(&src, Kind::of(case, k), args.size, seed)?;
        if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(bytes)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let (radcase, hugo) = (args.out.join("radcase"), args.out.join("hugo"));
    for dir in [&radcase, &hugo] {
        if dir.exists() {
            fs::remove_dir_all(dir)?;
        }
    }
    write_skeletons(&radcase, &hugo)?;
    let sizes: Vec<u64> = (0..args.cases)
        .into_par_iter()
        .map(|case| write_case(&args, &radcase, &hugo, case))
        .collect::<Result<_>>()?;
    let total: u64 = sizes.iter().sum();
    let count = args.cases * args.images;
    println!(
        "{} cases, {count} JPEGs of {}×{} px, {:.1} MB ({:.0} KB each on average) in {}",
        args.cases,
        args.size,
        args.size,
        total as f64 / 1e6,
        total as f64 / 1e3 / count as f64,
        args.out.display()
    );
    Ok(())
}
