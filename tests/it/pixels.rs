//! Text burned into pixels: a screenshot with a name and record number at its top edge, and a DICOM
//! secondary capture that says it has no burned-in annotation, fail the build with the file,
//! the region and a `redact` hint; with that `redact` the build passes and the text is gone from
//! every published size and from the share card. The fixtures are drawn here, in the share
//! cards' font, on backgrounds made to look like a CT slice.

use crate::common::*;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use image::{GrayImage, Luma, RgbImage};
use radcase::media::card::text::{Engine, Style};
use radcase::media::ocr::{self, Ocr};

const W: u32 = 640;
const H: u32 = 480;

/// A dark CT-like slice: a soft grey body on black, with some structure.
fn ct_background() -> GrayImage {
    GrayImage::from_fn(W, H, |x, y| {
        let (dx, dy) = ((x as f32 - 330.0) / 230.0, (y as f32 - 250.0) / 170.0);
        let r = dx * dx + dy * dy;
        let body = if r < 1.0 {
            90.0 + 30.0 * (1.0 - r)
        } else {
            8.0
        };
        let texture = ((x * 7 + y * 13) % 11) as f32;
        Luma([(body + texture) as u8])
    })
}

/// `lines` drawn in white, 18 px, each at its top-left corner; returns the image and the
/// rectangle around all the ink.
fn with_text(mut image: GrayImage, lines: &[(&str, (i32, i32))]) -> (GrayImage, [u32; 4]) {
    let style = Style {
        size: 18.0,
        line_height: 22.0,
        bold: false,
        tracking: 0.0,
    };
    let mut canvas = RgbImage::new(W, H);
    for (text, at) in lines {
        Engine::with(|e| e.draw_line(&mut canvas, text, &style, *at, [255, 255, 255]));
    }
    let (mut x0, mut y0, mut x1, mut y1) = (W, H, 0, 0);
    for (x, y, p) in canvas.enumerate_pixels() {
        let ink = p.0[0];
        if ink > 0 {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            let under = image.get_pixel(x, y).0[0];
            let a = f32::from(ink) / 255.0;
            image.put_pixel(
                x,
                y,
                Luma([(f32::from(under) * (1.0 - a) + 255.0 * a) as u8]),
            );
        }
    }
    (image, [x0, y0, x1 - x0, y1 - y0])
}

/// A patient banner at the top edge, where the share card (which crops the sides) shows it.
const LABEL: &[(&str, (i32, i32))] = &[("DOE, JOHN", (250, 10)), ("MRN 4471203", (250, 34))];

fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn case(front: &str) -> String {
    format!(
        "+++\ntitle = \"Renal cyst\"\ndate = 2024-05-02\n{front}+++\nA simple cyst of the left kidney.\n"
    )
}

fn site_with(file: &str, bytes: Vec<u8>, entry: &str) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(&format!(
                "images = [{{ file = \"{file}\", alt = \"Axial CT\"{entry} }}]\n"
            )),
        ),
    ]);
    site.write(&format!("content/cases/a/{file}"), bytes);
    site
}

/// The rectangles of the `redact = [...]` the failure suggests, as written there.
fn suggested_redact(stderr: &str) -> String {
    let start = stderr.find("redact = [").expect("a redact hint") + "redact = ".len();
    let rest = &stderr[start..];
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return rest[..=i].to_string();
                }
            }
            _ => {}
        }
    }
    panic!("unterminated redact hint: {stderr}");
}

fn parse_rects(redact: &str) -> Vec<[u32; 4]> {
    let v: toml::Value = toml::from_str(&format!("r = {redact}")).unwrap();
    v["r"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n: Vec<u32> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_integer().unwrap() as u32)
                .collect();
            [n[0], n[1], n[2], n[3]]
        })
        .collect()
}

/// Whether `outer` contains `inner`.
fn contains(outer: [u32; 4], inner: [u32; 4]) -> bool {
    outer[0] <= inner[0]
        && outer[1] <= inner[1]
        && outer[0] + outer[2] >= inner[0] + inner[2]
        && outer[1] + outer[3] >= inner[1] + inner[3]
}

/// Whether OCR runs here; CI sets RADCASE_REQUIRE_TESSERACT so that it cannot silently not.
fn tesseract() -> bool {
    match ocr::ocr() {
        Ocr::Ready => true,
        Ocr::Unavailable(why) => {
            assert!(
                std::env::var_os("RADCASE_REQUIRE_TESSERACT").is_none(),
                "RADCASE_REQUIRE_TESSERACT is set but {why}"
            );
            false
        }
    }
}

/// Every published size of `stem` in the case folder of the output.
fn published_sizes(site: &TestSite, stem: &str) -> Vec<std::path::PathBuf> {
    let sizes: Vec<_> = std::fs::read_dir(site.out("cases/a"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with(&format!("{stem}-"))
        })
        .collect();
    assert!(!sizes.is_empty(), "no published size of {stem}");
    sizes
}

fn card(site: &TestSite) -> GrayImage {
    let card = std::fs::read_dir(site.out("cases/a"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("card-")
        })
        .expect("a share card");
    image::open(card).unwrap().to_luma8()
}

#[test]
fn a_screenshot_with_a_name_and_record_number_fails_then_builds_redacted() {
    let (image, ink) = with_text(ct_background(), LABEL);
    let site = site_with("ct.png", png(&image), "");
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/a/ct.png")
            && stderr.contains("text-in-image")
            && stderr.contains("text = \"ct.png\""),
        "{stderr}"
    );
    // The report shows where, and never what the text says.
    for secret in ["DOE", "JOHN", "4471203"] {
        assert!(!stderr.contains(secret), "{secret} printed: {stderr}");
    }
    if tesseract() {
        assert!(stderr.contains("record number"), "{stderr}");
    }
    let redact = suggested_redact(&stderr);
    let rects = parse_rects(&redact);
    assert!(
        rects.iter().all(|r| r[0] >= 200 && r[1] + r[3] <= H / 4),
        "the regions are at the top edge: {redact}"
    );
    let hull = [
        rects.iter().map(|r| r[0]).min().unwrap(),
        rects.iter().map(|r| r[1]).min().unwrap(),
        0,
        0,
    ];
    let right = rects.iter().map(|r| r[0] + r[2]).max().unwrap();
    let bottom = rects.iter().map(|r| r[1] + r[3]).max().unwrap();
    let hull = [hull[0], hull[1], right - hull[0], bottom - hull[1]];
    assert!(contains(hull, ink), "{redact} covers all the ink {ink:?}");

    // Acknowledged, the text is published (in the sizes and on the card): what redact removes.
    site.write(
        "content/cases/a/index.md",
        case(
            "images = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n[[privacy.acknowledge]]\nrule = \"text-in-image\"\ntext = \"ct.png\"\nreason = \"a test of what redact removes\"\n",
        ),
    );
    site.build_ok(&[]);
    let bright = |img: &GrayImage| img.pixels().filter(|p| p.0[0] > 200).count();
    let card_with_text = bright(&card(&site));

    site.write(
        "content/cases/a/index.md",
        case(&format!(
            "images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {redact} }}]\n"
        )),
    );
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("warning"), "{stderr}");
    for size in published_sizes(&site, "ct") {
        let img = image::open(&size).unwrap().to_luma8();
        let scale = img.width() as f32 / W as f32;
        // The ink, scaled to this size and shrunk by a pixel for resampling at its edges.
        let [x, y, w, h] = ink.map(|v| v as f32 * scale);
        let (x0, y0) = ((x + 1.0) as u32, (y + 1.0) as u32);
        let (x1, y1) = ((x + w - 1.0) as u32, (y + h - 1.0) as u32);
        let brightest = (y0..y1)
            .flat_map(|yy| (x0..x1).map(move |xx| (xx, yy)))
            .map(|(xx, yy)| img.get_pixel(xx, yy).0[0])
            .max()
            .unwrap();
        assert!(
            brightest < 24,
            "{} still has text (grey {brightest})",
            size.display()
        );
        assert!(ocr::detect(&img).is_empty(), "{}", size.display());
    }
    // The card's own lines are the same (the same title); the label's white ink is gone.
    let card_redacted = bright(&card(&site));
    assert!(
        card_redacted + 100 < card_with_text,
        "bright pixels on the card: with text {card_with_text}, redacted {card_redacted}"
    );
}

#[test]
fn an_acknowledged_image_builds_and_a_stale_acknowledgement_is_a_warning() {
    let site = site_with("ct.png", png(&ct_background()), "");
    site.write(
        "content/cases/a/index.md",
        case(
            "images = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n[[privacy.acknowledge]]\nrule = \"text-in-image\"\ntext = \"ct.png\"\nreason = \"the scale bar\"\n",
        ),
    );
    let out = site.build_cmd(&[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("matches no finding") && stderr.contains("index.md"),
        "an image without text makes its acknowledgement stale: {stderr}"
    );
}

/// A secondary capture that says BurnedInAnnotation = NO, with the patient's name and ID from
/// its own header burned into its pixels (16-bit, CT-windowed).
fn secondary_capture() -> Vec<u8> {
    let (image, _) = with_text(
        ct_background(),
        &[("PHANTOM, SECRET", (12, 10)), ("19480314", (12, 34))],
    );
    let stored: Vec<u16> = image.pixels().map(|p| u16::from(p.0[0]) * 12).collect();
    let el = |tag, vr, v: PrimitiveValue| DataElement::new(tag, vr, v);
    phantom(
        "CT",
        vec![
            el(
                tags::SOP_CLASS_UID,
                VR::UI,
                PrimitiveValue::from("1.2.840.10008.5.1.4.1.1.7"),
            ),
            el(
                tags::BURNED_IN_ANNOTATION,
                VR::CS,
                PrimitiveValue::from("NO"),
            ),
            el(tags::ROWS, VR::US, PrimitiveValue::from(H as u16)),
            el(tags::COLUMNS, VR::US, PrimitiveValue::from(W as u16)),
            el(tags::RESCALE_INTERCEPT, VR::DS, PrimitiveValue::from("0")),
            el(
                tags::PIXEL_DATA,
                VR::OW,
                PrimitiveValue::U16(stored.into_iter().collect()),
            ),
        ],
    )
}

#[test]
fn a_dicom_secondary_capture_that_says_no_text_fails_then_builds_redacted() {
    let site = site_with("sc.dcm", secondary_capture(), "");
    site.write(
        "content/cases/a/index.md",
        case("images = [{ file = \"sc.dcm\", alt = \"Axial CT\" }]\nwindow = { center = 1530, width = 3060 }\n"),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/a/sc.dcm") && stderr.contains("text-in-image"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("burned-in-annotation"),
        "the header says NO: {stderr}"
    );
    for secret in ["PHANTOM", "SECRET", "19480314"] {
        assert!(!stderr.contains(secret), "{secret} printed: {stderr}");
    }
    if tesseract() {
        assert!(stderr.contains("own PatientName"), "{stderr}");
    }
    let redact = suggested_redact(&stderr);
    site.write(
        "content/cases/a/index.md",
        case(&format!(
            "images = [{{ file = \"sc.dcm\", alt = \"Axial CT\", redact = {redact} }}]\nwindow = {{ center = 1530, width = 3060 }}\n"
        )),
    );
    site.build_ok(&[]);
    for size in published_sizes(&site, "sc") {
        let img = image::open(&size).unwrap().to_luma8();
        assert!(ocr::detect(&img).is_empty(), "{}", size.display());
    }
}

/// Dark text on a transparent background: invisible over the black a gallery composites on,
/// plain on a light page, where a file published in its own format is shown.
fn transparent_label() -> Vec<u8> {
    let (mask, _) = with_text(GrayImage::new(W, H), LABEL);
    let rgba = image::RgbaImage::from_fn(W, H, |x, y| {
        image::Rgba([0, 0, 0, mask.get_pixel(x, y).0[0]])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    rgba.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn a_static_image_with_text_fails_until_config_allows_it() {
    let site = TestSite::minimal();
    site.write("static/banner.png", transparent_label());
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("static/banner.png")
            && stderr.contains("text-in-image")
            && stderr.contains("publish = [{ path = \"static/banner.png\""),
        "{stderr}"
    );
    site.write(
        "config.toml",
        format!(
            "{CONFIG}[privacy]\npublish = [{{ path = \"static/banner.png\", reason = \"the program's banner, no patient\" }}]\n"
        ),
    );
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("matches no file"), "{stderr}");
    assert!(site.out("banner.png").is_file());
}

#[test]
fn a_figure_a_page_links_to_is_searched_and_its_case_acknowledges_it() {
    let (image, _) = with_text(ct_background(), LABEL);
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case("").replace("A simple cyst", "![Axial CT](figure.png)\n\nA simple cyst"),
        ),
    ]);
    site.write("content/cases/a/figure.png", png(&image));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/a/figure.png") && stderr.contains("text = \"figure.png\""),
        "{stderr}"
    );
    site.write(
        "content/cases/a/index.md",
        case("[[privacy.acknowledge]]\nrule = \"text-in-image\"\ntext = \"figure.png\"\nreason = \"checked: a fictional label\"\n")
            .replace("A simple cyst", "![Axial CT](figure.png)\n\nA simple cyst"),
    );
    site.build_ok(&[]);
    let published: Vec<_> = walk_out(&site);
    assert!(
        published.iter().any(|p| p.contains("/figure-")),
        "{published:?}"
    );
}

fn walk_out(site: &TestSite) -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(&site.out(""), &mut out);
    out
}

#[test]
fn a_stack_with_text_in_every_slice_is_reported_once_per_stack_not_per_slice() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case("stacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\n"),
        ),
    ]);
    let (image, _) = with_text(ct_background(), LABEL);
    for n in 1..=5 {
        site.write(&format!("content/cases/a/axial/{n:03}.png"), png(&image));
    }
    let stderr = build_fails(&site, &[]);
    let per_slice = stderr
        .lines()
        .filter(|l| {
            l.starts_with("error:") && l.contains("/axial/0") && l.contains("text-in-image")
        })
        .count();
    assert_eq!(per_slice, 3, "{stderr}");
    assert!(
        stderr.contains("2 more slices of this stack") && stderr.contains("or the stack's folder"),
        "{stderr}"
    );
    site.write(
        "content/cases/a/index.md",
        case("stacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\n[[privacy.acknowledge]]\nrule = \"text-in-image\"\ntext = \"axial\"\nreason = \"a test: every slice looked at\"\n"),
    );
    site.build_ok(&[]);
}

/// `serve` judges every image on every rebuild: removing the acknowledgement of an image with
/// text fails the rebuild although the image itself did not change.
#[test]
fn serve_fails_an_unchanged_image_once_its_acknowledgement_is_gone() {
    use crate::common::server::{Server, save};
    let (image, _) = with_text(ct_background(), LABEL);
    let acked = case(
        "images = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n[[privacy.acknowledge]]\nrule = \"text-in-image\"\ntext = \"ct.png\"\nreason = \"a test\"\n",
    );
    let site = site_with("ct.png", png(&image), "");
    site.write("content/cases/a/index.md", &acked);
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    save(
        &site,
        "content/cases/a/index.md",
        case("images = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n"),
    );
    let report = events.next("build-error");
    assert!(
        report.contains("text-in-image") && report.contains("ct.png"),
        "{report}"
    );
    save(&site, "content/cases/a/index.md", &acked);
    events.next("build-ok");
}

/// A thumbnail cut around a `focus` is searched as it is published, and what it finds is
/// placed in the source: every `redact` suggested fits the text where the source has it, and
/// with it the build passes and no size or thumbnail holds the text.
#[test]
fn text_in_a_cut_thumbnail_is_reported_where_the_source_has_it() {
    // Low in the image, inside the bottom 16:9 cut (rows 120–479), away from its top edge.
    const LOW: &[(&str, (i32, i32))] = &[("DOE, JOHN", (250, 300)), ("MRN 4471203", (250, 324))];
    let (image, ink) = with_text(ct_background(), LOW);
    let site = site_with("ct.png", png(&image), ", focus = \"bottom\"");
    let stderr = build_fails(&site, &[]);
    let mut rest = stderr.as_str();
    let mut hints = 0;
    while let Some(at) = rest.find("redact = [") {
        let redact = suggested_redact(rest);
        hints += 1;
        let rects = parse_rects(&redact);
        // Each rectangle lies on the rows of the text as the source has them (in the cut's own
        // rows it would be 120 higher).
        assert!(
            rects
                .iter()
                .all(|r| r[1] < ink[1] + ink[3] && r[1] + r[3] > ink[1]),
            "a suggested redact {redact} is not where the text is in the source ({ink:?}): {stderr}"
        );
        rest = &rest[at + 10..];
    }
    assert!(hints >= 1, "{stderr}");
    let redact = suggested_redact(&stderr);
    let site = site_with(
        "ct.png",
        png(&image),
        &format!(", focus = \"bottom\", redact = {redact}"),
    );
    site.build_ok(&[]);
    for size in published_sizes(&site, "ct") {
        let published = image::open(&size).unwrap().to_luma8();
        assert!(
            ocr::find_text_in(&image::DynamicImage::ImageLuma8(published), 1000).is_empty(),
            "{} still has text",
            size.display()
        );
    }
}
