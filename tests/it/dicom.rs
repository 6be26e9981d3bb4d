//! DICOM: synthetic phantoms (fake identifiers in the header) decode to windowed 8-bit pixels,
//! bad files are clear errors, and the header audit names identifying attributes and the signs
//! that the pixels themselves identify (burned-in text, faces). Builds publish DICOM listed in
//! `images` and `stacks` as pixels only, in slice order and in the case's window; `check` lists
//! what a file's header holds, and pixel risks fail the build until acknowledged.

use crate::common::*;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use radcase::media::dicom::{frames, is_dicom, open};
use radcase::privacy::dicom::{HeaderAudit, audit_file};
use radcase::types::Window;

fn write_tmp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn a_phantom_decodes_with_a_preset_window_and_keeps_its_order_keys() {
    let bytes = phantom("CT", Vec::new());
    assert!(is_dicom(&bytes));
    let (_dir, path) = write_tmp("a.dcm", &bytes);
    let obj = open(&path).unwrap();
    let decoded = frames(&path, &obj, Window::preset("brain").unwrap()).unwrap();
    assert_eq!(decoded.images.len(), 1);
    let grey = decoded.images[0].to_luma8();
    let px: Vec<u8> = grey.pixels().map(|p| p.0[0]).collect();
    // Brain window 40/80: −1024 HU black, 0 HU dark, 40 HU mid-grey, 976 HU white.
    assert_eq!(px[0], 0);
    assert!(px[1] < 10, "{px:?}");
    assert!((120..=136).contains(&px[2]), "{px:?}");
    assert_eq!(px[3], 255);
    assert_eq!(decoded.instance_number, Some(7));
    assert_eq!(decoded.slice_position, Some(-42.5));
    // Without a window in the file: min–max.
    let grey = frames(&path, &obj, Window::FromFile).unwrap().images[0].to_luma8();
    assert_eq!(
        (grey.get_pixel(0, 0).0[0], grey.get_pixel(3, 0).0[0]),
        (0, 255)
    );
}

#[test]
fn bad_dicom_files_are_errors_naming_the_file() {
    let bytes = phantom("CT", Vec::new());
    let (_d, path) = write_tmp("cut.dcm", &bytes[..200]);
    let e = open(&path)
        .and_then(|o| frames(&path, &o, Window::FromFile))
        .unwrap_err();
    assert!(
        e.path.as_deref() == Some(path.as_path()) && e.hint.is_some(),
        "{e}"
    );
    let (_d, path) = write_tmp("fake.dcm", b"not a dicom file at all");
    assert!(
        open(&path)
            .unwrap_err()
            .message
            .contains("not a readable DICOM")
    );
}

fn audit_of(bytes: &[u8]) -> HeaderAudit {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.dcm");
    std::fs::write(&path, bytes).unwrap();
    audit_file(&path).unwrap()
}

#[test]
fn identifying_attributes_are_named() {
    let a = audit_of(&phantom("CT", Vec::new()));
    assert_eq!(
        a.identifying,
        ["PatientName", "PatientID", "PatientBirthDate"]
    );
    assert!(a.pixel_risks.is_empty());
}

#[test]
fn burned_in_text_and_faces_are_risks() {
    let a = audit_of(&phantom("US", Vec::new()));
    assert!(a.pixel_risks[0].contains("absent on a US image"), "{a:?}");
    let yes = |tag| vec![DataElement::new(tag, VR::CS, PrimitiveValue::from("YES"))];
    let a = audit_of(&phantom("CT", yes(tags::BURNED_IN_ANNOTATION)));
    assert!(
        a.pixel_risks[0].contains("BurnedInAnnotation is YES"),
        "{a:?}"
    );
    let a = audit_of(&phantom("CT", yes(tags::RECOGNIZABLE_VISUAL_FEATURES)));
    assert!(a.pixel_risks[0].contains("face"), "{a:?}");
    let no = vec![DataElement::new(
        tags::BURNED_IN_ANNOTATION,
        VR::CS,
        PrimitiveValue::from("NO"),
    )];
    assert!(audit_of(&phantom("US", no)).pixel_risks.is_empty());
}

#[test]
fn check_lists_a_dicom_header_and_the_build_publishes_none_of_it() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("A")),
    ]);
    site.write("content/cases/a/scan.dcm", phantom("US", Vec::new()));
    let out = radcase().arg("check").arg(&site.dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("scan.dcm: DICOM header with PatientName, PatientID, PatientBirthDate")
            && stderr.contains("absent on a US image"),
        "{stderr}"
    );
    assert!(!stderr.contains("PHANTOM^SECRET"), "{stderr}");
    site.build_ok(&[]);
    for rel in list_files(&site.path("public")) {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        for s in ["PHANTOM", "MRN-SECRET-4455", "19480314", "2.25.1234"] {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "public/{rel} contains {s}"
            );
        }
    }
}

#[test]
fn a_dicom_file_without_pixel_data_is_an_error_naming_the_file() {
    let (_dir, path) = write_tmp("report.dcm", &phantom("CT", Vec::new()));
    let mut obj = open(&path).unwrap();
    obj.remove_element(tags::PIXEL_DATA);
    obj.write_to_file(&path).unwrap();
    let obj = open(&path).unwrap();
    let e = frames(&path, &obj, Window::FromFile).unwrap_err();
    assert!(
        e.message.contains("no pixel data") && e.hint.is_some(),
        "{e}"
    );
    assert_eq!(e.path.as_deref(), Some(path.as_path()));
}

#[test]
fn presets_are_named_and_unknown_names_are_none() {
    assert_eq!(
        Window::preset("lung"),
        Some(Window::Custom {
            center: -600.0,
            width: 1500.0
        })
    );
    assert_eq!(Window::preset("lungs"), None);
}

// ---- DICOM import in builds: real binary, real site folders, synthetic files only ----

/// Header strings planted in every slice: none may reach `public/`.
const PLANTED: &[&str] = &[
    "PHANTOM^SECRET",
    "MRN-SECRET-4455",
    "19480314",
    "2.25.1234",
    "ACC-SECRET-7788",
    "SECRET GENERAL HOSPITAL",
    "DR^REFERRER^SECRET",
    "20240229",
    "2.25.98765",
    "2.25.55555",
    "SN-SECRET-1122",
    "DICM",
];

/// A phantom with the full set of fake identifiers, changed by `edit` (rewritten through
/// dicom-object so the file stays valid).
fn slice_with(modality: &str, edit: impl FnOnce(&mut dicom_object::DefaultDicomObject)) -> Vec<u8> {
    let id = |tag, vr, v: &str| DataElement::new(tag, vr, PrimitiveValue::from(v));
    let bytes = phantom(
        modality,
        vec![
            id(tags::ACCESSION_NUMBER, VR::SH, "ACC-SECRET-7788"),
            id(tags::INSTITUTION_NAME, VR::LO, "SECRET GENERAL HOSPITAL"),
            id(tags::REFERRING_PHYSICIAN_NAME, VR::PN, "DR^REFERRER^SECRET"),
            id(tags::STUDY_DATE, VR::DA, "20240229"),
            id(tags::STUDY_INSTANCE_UID, VR::UI, "2.25.98765"),
            id(tags::SERIES_INSTANCE_UID, VR::UI, "2.25.55555"),
            id(tags::DEVICE_SERIAL_NUMBER, VR::LO, "SN-SECRET-1122"),
        ],
    );
    let (_d, path) = write_tmp("x.dcm", &bytes);
    let mut obj = open(&path).unwrap();
    edit(&mut obj);
    obj.write_to_file(&path).unwrap();
    std::fs::read(&path).unwrap()
}

/// A slice whose 4 pixels all hold `stored` (HU = stored − 1024), with its order keys.
fn slice(instance: Option<i32>, z: f64, stored: u16) -> Vec<u8> {
    slice_with("CT", |o| {
        match instance {
            Some(n) => {
                o.put(DataElement::new(
                    tags::INSTANCE_NUMBER,
                    VR::IS,
                    PrimitiveValue::from(n.to_string()),
                ));
            }
            None => {
                o.remove_element(tags::INSTANCE_NUMBER);
            }
        }
        o.put(DataElement::new(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            PrimitiveValue::from(format!("0\\0\\{z}")),
        ));
        o.put(DataElement::new(
            tags::PIXEL_DATA,
            VR::OW,
            PrimitiveValue::U16([stored; 4].into_iter().collect()),
        ));
    })
}

fn dicom_case(front: &str) -> String {
    format!("+++\ntitle = \"Head CT\"\ndate = 2024-05-02\n{front}+++\nFindings.\n")
}

const GALLERY_AND_STACK: &str = "images = [{ file = \"head.dcm\", alt = \"Axial CT of the head\" }]\nstacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\nwindow = { center = 0, width = 2400 }\n";

fn dicom_site(front: &str) -> TestSite {
    TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", dicom_case(front)),
    ])
}

/// Mean grey level of an output image.
fn mean_grey(path: &std::path::Path) -> f64 {
    let img = image::open(path).unwrap().to_luma8();
    img.pixels().map(|p| f64::from(p.0[0])).sum::<f64>() / f64::from(img.width() * img.height())
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_case_with_a_dicom_image_and_stack_publishes_only_pixels_in_slice_order() {
    let site = dicom_site(GALLERY_AND_STACK);
    site.write("content/cases/a/head.dcm", slice(Some(1), 0.0, 1024));
    // Name order (a, b, c) is not slice order: InstanceNumber is 3, 1, 2.
    site.write("content/cases/a/axial/a.dcm", slice(Some(3), 10.0, 1800));
    site.write("content/cases/a/axial/b.dcm", slice(Some(1), 30.0, 200));
    site.write("content/cases/a/axial/c.dcm", slice(Some(2), 20.0, 1000));
    site.build_ok(&[]);

    let doc = site.html("cases/a/index.html");
    let gallery = attrs(&doc, "img[alt='Axial CT of the head']", "src");
    assert_eq!(gallery.len(), 1, "{gallery:?}");
    assert!(gallery[0].contains("/cases/a/head-4."), "{gallery:?}");
    let slices = attrs(&doc, ".stack li img", "src");
    assert_eq!(
        slices,
        (1..=3)
            .map(|n| format!("/cases/a/axial/slice-{n:04}-4.jpg"))
            .collect::<Vec<_>>()
    );
    // Darkest slice first: instance 1 (stored 200), then 2 (1000), then 3 (1800).
    let greys: Vec<f64> = (1..=3)
        .map(|n| mean_grey(&site.out(&format!("cases/a/axial/slice-{n:04}-4.jpg"))))
        .collect();
    assert!(greys[0] < greys[1] && greys[1] < greys[2], "{greys:?}");

    for rel in list_files(&site.path("public")) {
        assert!(!rel.ends_with(".dcm"), "public/{rel}");
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        for s in PLANTED {
            assert!(!contains(&bytes, s), "public/{rel} contains {s}");
        }
    }
    // The header audit is still listed by `check`.
    let out = radcase().arg("check").arg(&site.dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("head.dcm: DICOM header with PatientName")
            && stderr.contains("InstitutionName"),
        "{stderr}"
    );
}

#[test]
fn without_instance_numbers_slices_follow_their_position() {
    let site = dicom_site(
        "stacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\nwindow = { center = 0, width = 2400 }\n",
    );
    site.write("content/cases/a/axial/1.dcm", slice(None, 50.0, 1800));
    site.write("content/cases/a/axial/2.dcm", slice(None, -10.0, 200));
    site.write("content/cases/a/axial/3.dcm", slice(None, 20.0, 1000));
    site.build_ok(&[]);
    let greys: Vec<f64> = (1..=3)
        .map(|n| mean_grey(&site.out(&format!("cases/a/axial/slice-{n:04}-4.jpg"))))
        .collect();
    assert!(greys[0] < greys[1] && greys[1] < greys[2], "{greys:?}");
}

#[test]
fn a_changed_window_re_encodes_and_a_bad_preset_names_the_closest() {
    let site =
        dicom_site("images = [{ file = \"head.dcm\", alt = \"Head\" }]\nwindow = \"brain\"\n");
    site.write("content/cases/a/head.dcm", phantom("CT", Vec::new()));
    site.build_ok(&[]);
    let brain = std::fs::read(site.out("cases/a/head-4.jpg")).unwrap();
    site.write(
        "content/cases/a/index.md",
        dicom_case("images = [{ file = \"head.dcm\", alt = \"Head\" }]\nwindow = \"bone\"\n"),
    );
    site.build_ok(&[]);
    let bone = std::fs::read(site.out("cases/a/head-4.jpg")).unwrap();
    assert_ne!(brain, bone, "the window change must re-encode the image");

    site.write(
        "content/cases/a/index.md",
        dicom_case("images = [{ file = \"head.dcm\", alt = \"Head\" }]\nwindow = \"lungs\"\n"),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:5") && stderr.contains("did you mean \"lung\""),
        "{stderr}"
    );
}

#[test]
fn burned_in_text_fails_the_build_until_acknowledged() {
    let site = dicom_site("");
    site.build_ok(&[]);
    let before = site.read_out("cases/a/index.html");
    site.write("content/cases/a/echo.dcm", phantom("US", Vec::new()));
    site.write(
        "content/cases/a/index.md",
        dicom_case("images = [{ file = \"echo.dcm\", alt = \"Echo\" }]\n"),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("echo.dcm")
            && stderr.contains("burned-in-annotation")
            && stderr.contains("BurnedInAnnotation is absent on a US image"),
        "{stderr}"
    );
    assert_eq!(
        site.read_out("cases/a/index.html"),
        before,
        "previous output kept"
    );

    let ack = |rule: &str| {
        dicom_case(&format!(
            "images = [{{ file = \"echo.dcm\", alt = \"Echo\" }}]\n[[privacy.acknowledge]]\nrule = \"{rule}\"\ntext = \"echo.dcm\"\nreason = \"no text in the image, checked by the author\"\n"
        ))
    };
    site.write("content/cases/a/index.md", ack("burned-in-anotation"));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("did you mean \"burned-in-annotation\""),
        "{stderr}"
    );
    site.write("content/cases/a/index.md", ack("burned-in-annotation"));
    site.build_ok(&[]);
    assert!(site.out("cases/a/echo-4.jpg").is_file());
}

#[test]
fn a_recognisable_face_fails_the_build_until_acknowledged() {
    let yes = vec![DataElement::new(
        tags::RECOGNIZABLE_VISUAL_FEATURES,
        VR::CS,
        PrimitiveValue::from("YES"),
    )];
    let site = dicom_site("stacks = [{ dir = \"render\", alt = \"3-D render\" }]\n");
    site.write("content/cases/a/render/1.dcm", phantom("CT", yes));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("render/1.dcm")
            && stderr.contains("recognizable-features")
            && stderr.contains("RecognizableVisualFeatures is YES"),
        "{stderr}"
    );
    // A stack folder is acknowledged as a whole.
    site.write(
        "content/cases/a/index.md",
        dicom_case("stacks = [{ dir = \"render\", alt = \"3-D render\" }]\n[[privacy.acknowledge]]\nrule = \"recognizable-features\"\ntext = \"render\"\nreason = \"bone render, no soft tissue\"\n"),
    );
    site.build_ok(&[]);
}

/// A site whose case lists `file` (written with `bytes`) in `images`; the build must fail
/// naming the file, with `expect` in its message.
fn gallery_fails(file: &str, bytes: &[u8], expect: &str) {
    let site = dicom_site(&format!(
        "images = [{{ file = \"{file}\", alt = \"Scan\" }}]\n"
    ));
    site.write(&format!("content/cases/a/{file}"), bytes);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains(file) && stderr.contains(expect),
        "expected `{expect}` for {file}:\n{stderr}"
    );
}

#[test]
fn a_truncated_dicom_is_an_error() {
    let bytes = phantom("CT", Vec::new());
    gallery_fails("cut.dcm", &bytes[..bytes.len() - 4], "truncated");
    gallery_fails("cut2.dcm", &bytes[..200], "truncated");
}

#[test]
fn a_dicom_without_pixel_data_is_an_error() {
    let bytes = slice_with("CT", |o| {
        o.remove_element(tags::PIXEL_DATA);
    });
    gallery_fails("report.dcm", &bytes, "no pixel data");
}

#[test]
fn a_non_dicom_dcm_file_is_an_error() {
    gallery_fails(
        "fake.dcm",
        b"this is a text file, not DICOM",
        "not a readable DICOM file",
    );
}

#[test]
fn an_unsupported_transfer_syntax_is_named() {
    let (_d, path) = write_tmp("j2k.dcm", &phantom("CT", Vec::new()));
    let obj = open(&path).unwrap().into_inner();
    let file = obj
        .with_meta(
            dicom_object::FileMetaTableBuilder::new()
                .transfer_syntax("1.2.840.10008.1.2.4.90")
                .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
                .media_storage_sop_instance_uid("2.25.1234"),
        )
        .unwrap();
    let mut bytes = Vec::new();
    file.write_all(&mut bytes).unwrap();
    gallery_fails("j2k.dcm", &bytes, "JPEG 2000");
}

#[test]
fn a_stack_of_mixed_sizes_is_an_error_naming_the_odd_slice() {
    let site = dicom_site("stacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\n");
    site.write("content/cases/a/axial/1.dcm", slice(Some(1), 0.0, 100));
    site.write(
        "content/cases/a/axial/2.dcm",
        slice_with("CT", |o| {
            o.put(DataElement::new(
                tags::ROWS,
                VR::US,
                PrimitiveValue::from(2_u16),
            ));
            o.put(DataElement::new(
                tags::PIXEL_DATA,
                VR::OW,
                PrimitiveValue::U16([100_u16; 8].into_iter().collect()),
            ));
        }),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("axial/2.dcm") && stderr.contains("4×2 pixels") && stderr.contains("4×1"),
        "{stderr}"
    );
}

#[test]
fn a_multi_frame_file_is_a_stack_and_not_a_gallery_image() {
    let two_frames = slice_with("CT", |o| {
        o.put(DataElement::new(
            tags::NUMBER_OF_FRAMES,
            VR::IS,
            PrimitiveValue::from("2"),
        ));
        o.put(DataElement::new(
            tags::PIXEL_DATA,
            VR::OW,
            PrimitiveValue::U16(
                [0_u16, 0, 0, 0, 2000, 2000, 2000, 2000]
                    .into_iter()
                    .collect(),
            ),
        ));
    });
    gallery_fails("cine.dcm", &two_frames, "2 frames");
    let site = dicom_site("stacks = [{ dir = \"cine.dcm\", alt = \"Cine\" }]\nwindow = \"bone\"\n");
    site.write("content/cases/a/cine.dcm", &two_frames);
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    assert_eq!(
        attrs(&doc, ".stack li img", "src"),
        [
            "/cases/a/cine/slice-0001-4.jpg",
            "/cases/a/cine/slice-0002-4.jpg"
        ]
    );
    assert!(
        mean_grey(&site.out("cases/a/cine/slice-0001-4.jpg"))
            < mean_grey(&site.out("cases/a/cine/slice-0002-4.jpg"))
    );
}

// ---- Several windows of one series, offered as presets in the stack viewer ----

/// `stacks` entry of the window tests: the axial folder in `windows`.
fn windowed_stack(windows: &str) -> String {
    format!("stacks = [{{ dir = \"axial\", alt = \"Axial CT\", windows = {windows} }}]\n")
}

#[test]
fn a_stack_in_several_windows_publishes_each_and_offers_them_as_presets() {
    let site = dicom_site(&windowed_stack(
        "[\"brain\", \"bone\", { center = 0, width = 2400 }]",
    ));
    // 40, 60 and 50 HU: mid-grey to light in the brain window (40/80), dark in the bone
    // window (400/1800, where they sit near 30 %).
    site.write("content/cases/a/axial/1.dcm", slice(Some(1), 0.0, 1064));
    site.write("content/cases/a/axial/2.dcm", slice(Some(2), 5.0, 1084));
    site.write("content/cases/a/axial/3.dcm", slice(Some(3), 10.0, 1074));
    site.build_ok(&[]);

    let names = ["brain", "bone", "c0-w2400"];
    for n in 1..=3 {
        let grey = |w: &str| mean_grey(&site.out(&format!("cases/a/axial/slice-{n:04}-{w}-4.jpg")));
        let (brain, bone) = (grey("brain"), grey("bone"));
        assert!(
            brain > bone + 30.0,
            "slice {n}: the brain window shows 40–60 HU brighter than the bone window: {brain} vs {bone}"
        );
        grey("c0-w2400");
    }
    // Without `windows` the slices would be slice-0001-4.jpg: not published here.
    assert!(!site.out("cases/a/axial/slice-0001-4.jpg").exists());

    let doc = site.html("cases/a/index.html");
    assert_eq!(
        texts(&doc, ".stack-viewer .stack-windows button.stack-window"),
        ["brain", "bone", "C 0 / W 2400"]
    );
    assert_eq!(
        attrs(&doc, ".stack-windows button", "aria-pressed"),
        ["true", "false", "false"]
    );
    assert_eq!(
        attr(&doc, ".stack-windows", "role"),
        "group",
        "the buttons are one labelled group"
    );
    // Without JavaScript: one list per window, in order, the default one open.
    let lists: Vec<Vec<String>> = doc
        .select(&sel("ol.stack-fallback"))
        .map(|ol| {
            ol.select(&sel("img"))
                .filter_map(|i| i.value().attr("src").map(str::to_string))
                .collect()
        })
        .collect();
    let expected: Vec<Vec<String>> = names
        .iter()
        .map(|w| {
            (1..=3)
                .map(|n| format!("/cases/a/axial/slice-{n:04}-{w}-4.jpg"))
                .collect()
        })
        .collect();
    assert_eq!(lists, expected);
    assert_eq!(
        texts(&doc, "details.stack-fallback-window > summary"),
        ["brain window", "bone window", "C 0 / W 2400 window"]
    );
    assert_eq!(
        doc.select(&sel("details.stack-fallback-window[open]"))
            .count(),
        1
    );
    assert_eq!(
        attr(&doc, ".stack-image", "src"),
        "/cases/a/axial/slice-0002-brain-4.jpg",
        "the viewer starts on the middle slice of the default window"
    );
    assert!(
        attrs(&doc, "ol.stack-fallback img", "alt")
            .contains(&"Axial CT, slice 2 of 3, bone window".to_string())
    );
    for rel in list_files(&site.path("public")) {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        for s in PLANTED {
            assert!(!contains(&bytes, s), "public/{rel} contains {s}");
        }
    }
}

#[test]
fn one_window_in_windows_names_the_slices_but_offers_no_presets() {
    let site = dicom_site(&windowed_stack("[\"bone\"]"));
    site.write("content/cases/a/axial/1.dcm", slice(Some(1), 0.0, 1064));
    site.write("content/cases/a/axial/2.dcm", slice(Some(2), 5.0, 1084));
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    assert_eq!(doc.select(&sel(".stack-windows")).count(), 0);
    assert_eq!(
        attrs(&doc, ".stack li img", "src"),
        [
            "/cases/a/axial/slice-0001-bone-4.jpg",
            "/cases/a/axial/slice-0002-bone-4.jpg"
        ]
    );
}

#[test]
fn a_bad_window_in_windows_names_the_line_and_the_closest_preset() {
    let site = dicom_site(
        "stacks = [\n  { dir = \"axial\", alt = \"Axial CT\", windows = [\"brain\", \"bonee\"] },\n]\n",
    );
    site.write("content/cases/a/axial/1.dcm", slice(Some(1), 0.0, 1064));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:5")
            && stderr.contains("unknown preset \"bonee\"")
            && stderr.contains("did you mean \"bone\""),
        "{stderr}"
    );

    for (windows, expect) in [
        ("[\"brain\", \"brain\"]", "lists the window \"brain\" twice"),
        ("[]", "is empty"),
        ("\"brain\"", "must be a list"),
        ("[{ center = 40 }]", "needs a number `center` and a `width`"),
    ] {
        site.write(
            "content/cases/a/index.md",
            dicom_case(&windowed_stack(windows)),
        );
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains("index.md:4") && stderr.contains(expect),
            "{windows}: expected `{expect}`:\n{stderr}"
        );
    }
}

#[test]
fn windows_on_a_stack_of_png_slices_is_an_error() {
    let site = dicom_site(&windowed_stack("[\"brain\", \"bone\"]"));
    site.write("content/cases/a/axial/1.png", png_bytes(4, 4));
    site.write("content/cases/a/axial/2.png", png_bytes(4, 4));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4")
            && stderr.contains("stack `axial` lists `windows`, but its slices are not DICOM files"),
        "{stderr}"
    );
    // And on a gallery image: the case's `window` is the one for images.
    site.write(
        "content/cases/a/index.md",
        dicom_case("images = [{ file = \"head.dcm\", alt = \"Head\", windows = [\"bone\"] }]\n"),
    );
    site.write("content/cases/a/head.dcm", phantom("CT", Vec::new()));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("unknown key `windows`")
            && stderr.contains("`windows` is for DICOM stacks"),
        "{stderr}"
    );
}

/// `phantom` as an old PACS exports it: the data set alone, from its first element (0008,0016),
/// without preamble or meta group, in implicit or explicit VR little endian.
fn bare(modality: &str, explicit: bool) -> Vec<u8> {
    use dicom_encoding::TransferSyntaxIndex;
    let obj = dicom_object::OpenFileOptions::new()
        .from_reader(&phantom(modality, Vec::new())[..])
        .unwrap();
    let uid = if explicit {
        "1.2.840.10008.1.2.1"
    } else {
        "1.2.840.10008.1.2"
    };
    let ts = dicom_transfer_syntax_registry::TransferSyntaxRegistry
        .get(uid)
        .unwrap();
    let mut out = Vec::new();
    obj.write_dataset_with_ts(&mut out, ts).unwrap();
    assert!(out.starts_with(&[0x08, 0x00, 0x16, 0x00]));
    out
}

/// Every form of a DICOM file without its preamble: bare data sets in both encodings, the meta
/// group without the `DICM` magic, and Part 10 with the magic but no preamble.
fn preambleless() -> Vec<(&'static str, Vec<u8>)> {
    let part10 = phantom("CT", Vec::new());
    vec![
        ("implicit", bare("CT", false)),
        ("explicit", bare("CT", true)),
        ("meta group first", part10[132..].to_vec()),
        ("DICM first", part10[128..].to_vec()),
    ]
}

/// Every file under `dir`, with its bytes.
fn all_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

const NAMES: &[&str] = &[
    "IM0001",
    "1.2.840.113619.2.55.3.1234",
    "scan.dat",
    "scan.img",
    "SCAN.IMA",
    "scan.raw",
];

#[test]
fn dicom_without_a_preamble_is_never_published_from_a_bundle_or_static() {
    let site = TestSite::with(&[
        ("config.toml", format!("{CONFIG}theme = \"t\"\n")),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("A")),
        ("themes/t/static/css/t.css", "body{}".to_string()),
    ]);
    for (form, bytes) in preambleless() {
        for (i, name) in NAMES.iter().enumerate() {
            let dir = form.replace(' ', "-");
            site.write(&format!("content/cases/a/{dir}/{name}"), &bytes);
            site.write(&format!("static/{dir}/{name}"), &bytes);
            // One name per form in the theme: it is walked the same way.
            if i == 0 {
                site.write(&format!("themes/t/static/{dir}/{name}"), &bytes);
            }
        }
    }
    site.build_ok(&[]);
    assert!(
        site.out("css/t.css").is_file(),
        "the theme's static is published"
    );
    for (path, bytes) in all_files(&site.dir.join("public")) {
        assert!(
            !contains(&bytes, "PHANTOM^SECRET") && !contains(&bytes, "MRN-SECRET"),
            "{path} holds the patient's name"
        );
        assert!(
            !NAMES.iter().any(|n| path.ends_with(n)),
            "{path} was published"
        );
    }
}

#[test]
fn ordinary_files_under_any_name_are_published_as_they_are() {
    let site = dicom_site("");
    let mut font = vec![0u8, 1, 0, 0, 0, 0x0c, 0, 0x80, 0, 3, 0, 0x40];
    font.extend((0..2000u32).map(|i| (i * 31 % 251) as u8));
    let mut noise = vec![0x08, 0x00];
    noise.extend((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("static/IM0001", b"Plain notes, not an image.\n".to_vec()),
        ("static/data.dat", b"id,age\n1,54\n2,61\n".repeat(100)),
        ("static/fonts/Body.ttf", font),
        (
            "static/fonts/Body.woff2",
            b"wOF2\x00\x01\x00\x00rest".to_vec(),
        ),
        (
            "static/handout.pdf",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec(),
        ),
        ("static/1.2.840.113619.2.55", noise),
        ("content/cases/a/scan.raw", vec![0; 5000]),
        ("content/cases/a/table.csv", b"a,b\n\x08,\x00\n".to_vec()),
    ];
    for (rel, bytes) in &files {
        site.write(rel, bytes);
    }
    allow_all(&site);
    site.build_ok(&[]);
    for (rel, bytes) in &files {
        let out = rel
            .strip_prefix("static/")
            .map(str::to_string)
            .unwrap_or_else(|| rel.replace("content/", ""));
        assert_eq!(&std::fs::read(site.out(&out)).unwrap(), bytes, "{out}");
    }
}

/// Allow every file of the test in `config.toml`: the allow-list refuses binaries by default,
/// and these tests are about what is DICOM, not about what may be published.
fn allow_all(site: &TestSite) {
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!(
            "{config}\n[privacy]\npublish = [\n  {{ pattern = \"static/**/*\", reason = \"test files\" }},\n  {{ pattern = \"content/**/*\", reason = \"test files\" }},\n]\n"
        ),
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *bytes).unwrap();
    }
    b.into_inner().unwrap()
}

/// Every way of packing DICOM radcase refuses, with what its error must name.
fn packed() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    use std::io::Write;
    let implicit = bare("CT", false);
    let part10 = phantom("CT", Vec::new());
    let notes: &[u8] = b"notes";
    let xz = {
        let mut w =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
        w.write_all(&part10).unwrap();
        w.finish().unwrap()
    };
    let bz2 = {
        let mut w = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        w.write_all(&implicit).unwrap();
        w.finish().unwrap()
    };
    let zst = ruzstd::encoding::compress_to_vec(
        &implicit[..],
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    vec![
        ("head.dcm.gz", gzip(&part10), "gzip-compressed DICOM"),
        ("IM0001.gz", gzip(&implicit), "gzip-compressed DICOM"),
        ("export", gzip(&implicit), "gzip-compressed DICOM"),
        ("head.dcm.bz2", bz2, "bzip2-compressed DICOM"),
        ("head.xz", xz, "xz-compressed DICOM"),
        ("head.zst", zst, "zstd-compressed DICOM"),
        (
            "series.zip",
            zip_of(&[("README.txt", notes), ("series/IM0002", &implicit)]),
            "`series/IM0002`",
        ),
        (
            "named.zip",
            zip_of(&[("a/head.dcm", notes)]),
            "`a/head.dcm`",
        ),
        (
            "series.tar",
            tar_of(&[("notes.txt", notes), ("s/IM0003", &part10[128..])]),
            "a tar archive with the DICOM file `s/IM0003`",
        ),
        (
            "series.tar.gz",
            gzip(&tar_of(&[("s/1.2.3.4", &implicit)])),
            "gzip-compressed tar archive with the DICOM file `s/1.2.3.4`",
        ),
    ]
}

#[test]
fn compressed_or_archived_dicom_is_refused_naming_the_file_and_member() {
    for (name, bytes, says) in packed() {
        for dir in ["static/exports", "content/cases/a"] {
            let site = dicom_site("");
            site.write(&format!("{dir}/{name}"), &bytes);
            let stderr = build_fails(&site, &[]);
            assert!(
                stderr.contains(&format!("{dir}/{name}"))
                    && stderr.contains(says)
                    && stderr.contains("unpack it"),
                "{name} in {dir}: {stderr}"
            );
        }
    }
}

#[test]
fn archives_without_dicom_and_corrupt_archives_are_published() {
    let site = dicom_site("");
    let mut cut = zip_of(&[("a.txt", b"hello".as_slice())]);
    cut.truncate(20);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("static/notes.txt.gz", gzip(b"plain notes")),
        (
            "static/slides.zip",
            zip_of(&[("a.csv", b"1,2".as_slice()), ("b/c.txt", b"x")]),
        ),
        (
            "static/bundle.tar",
            tar_of(&[("x.txt", b"text".as_slice())]),
        ),
        ("static/cut.zip", cut),
        ("static/cut.gz", gzip(&bare("CT", false))[..9].to_vec()),
        ("static/junk.xz", b"\xfd7zXZ\0garbage".to_vec()),
    ];
    for (rel, bytes) in &files {
        site.write(rel, bytes);
    }
    allow_all(&site);
    site.build_ok(&[]);
    for (rel, bytes) in &files {
        let out = rel.strip_prefix("static/").unwrap();
        assert_eq!(&std::fs::read(site.out(out)).unwrap(), bytes, "{out}");
    }
}

fn put(o: &mut dicom_object::DefaultDicomObject, tag: dicom_core::Tag, vr: VR, v: &str) {
    o.put(DataElement::new(tag, vr, PrimitiveValue::from(v)));
}

const SC: &str = "1.2.840.10008.5.1.4.1.1.7";

#[test]
fn screen_captures_are_risks_whatever_the_modality_says() {
    let risks = |edit: &dyn Fn(&mut dicom_object::DefaultDicomObject)| {
        audit_of(&slice_with("CT", |o| edit(o))).pixel_risks
    };
    for uid in [
        SC,
        "1.2.840.10008.5.1.4.1.1.7.2",
        "1.2.840.10008.5.1.4.1.1.7.4",
    ] {
        let r = risks(&|o| put(o, tags::SOP_CLASS_UID, VR::UI, uid));
        assert!(
            r.len() == 1 && r[0].contains("Secondary Capture") && r[0].contains(uid),
            "{uid}: {r:?}"
        );
    }
    let r = risks(&|o| put(o, tags::CONVERSION_TYPE, VR::CS, "WSD"));
    assert!(
        r.len() == 1 && r[0].contains("ConversionType is WSD"),
        "{r:?}"
    );
    for image_type in [
        "DERIVED\\SECONDARY",
        "ORIGINAL\\SECONDARY\\AXIAL",
        "DERIVED\\PRIMARY\\SCREEN SAVE",
    ] {
        let r = risks(&|o| put(o, tags::IMAGE_TYPE, VR::CS, image_type));
        assert!(
            r.len() == 1 && r[0].contains("ImageType is"),
            "{image_type}: {r:?}"
        );
    }
    // An acquired CT says nothing of burned-in text; a device's explicit NO is its word for it.
    assert!(risks(&|o| put(o, tags::IMAGE_TYPE, VR::CS, "ORIGINAL\\PRIMARY\\AXIAL")).is_empty());
    assert!(
        risks(&|o| {
            put(o, tags::SOP_CLASS_UID, VR::UI, SC);
            put(o, tags::BURNED_IN_ANNOTATION, VR::CS, "NO");
        })
        .is_empty()
    );
    // Several signs make one risk naming them all.
    let r = audit_of(&slice_with("US", |o| {
        put(o, tags::SOP_CLASS_UID, VR::UI, SC);
        put(o, tags::CONVERSION_TYPE, VR::CS, "WSD");
    }))
    .pixel_risks;
    assert!(
        r.len() == 1
            && r[0].contains("absent on a US image")
            && r[0].contains("Secondary Capture")
            && r[0].contains("ConversionType"),
        "{r:?}"
    );
}

#[test]
fn a_missing_modality_is_a_risk() {
    let r = audit_of(&slice_with("CT", |o| {
        o.remove_element(tags::MODALITY);
    }))
    .pixel_risks;
    assert!(r.len() == 1 && r[0].contains("Modality"), "{r:?}");
    let r = audit_of(&slice_with("", |_| {})).pixel_risks;
    assert!(
        r.len() == 1 && r[0].contains("Modality"),
        "empty Modality: {r:?}"
    );
}

#[test]
fn a_secondary_capture_labelled_ct_fails_the_build_until_acknowledged() {
    let case = |front: &str| {
        dicom_case(&format!(
            "images = [{{ file = \"shot.dcm\", alt = \"Screen\" }}]\n{front}"
        ))
    };
    let site = dicom_site("");
    site.write(
        "content/cases/a/shot.dcm",
        slice_with("CT", |o| put(o, tags::SOP_CLASS_UID, VR::UI, SC)),
    );
    site.write("content/cases/a/index.md", case(""));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("shot.dcm")
            && stderr.contains("burned-in-annotation")
            && stderr.contains("Secondary Capture"),
        "{stderr}"
    );
    site.write(
        "content/cases/a/index.md",
        case("[[privacy.acknowledge]]\nrule = \"burned-in-annotation\"\ntext = \"shot.dcm\"\nreason = \"no text, checked\"\n"),
    );
    site.build_ok(&[]);
    // No Modality at all: the same rule.
    site.write(
        "content/cases/a/shot.dcm",
        slice_with("CT", |o| {
            o.remove_element(tags::MODALITY);
        }),
    );
    site.write("content/cases/a/index.md", case(""));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("shot.dcm") && stderr.contains("Modality"),
        "{stderr}"
    );
}

#[test]
fn a_listed_dicom_without_a_preamble_is_published_as_pixels_and_audited() {
    for explicit in [false, true] {
        let site = dicom_site("images = [{ file = \"IM0001\", alt = \"Axial CT\" }]\n");
        site.write("content/cases/a/IM0001", bare("CT", explicit));
        site.write("static/1.2.840.113619.2.55.3.1234", bare("CT", explicit));
        site.build_ok(&[]);
        let html = site.read_out("cases/a/index.html");
        assert!(html.contains(".jpg"), "{html}");
        for (path, bytes) in all_files(&site.dir.join("public")) {
            assert!(!contains(&bytes, "PHANTOM^SECRET"), "{path}");
        }
        // `check` reads its header like any DICOM file's.
        let out = radcase().arg("check").arg(&site.dir).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("IM0001: DICOM header with PatientName")
                && stderr.contains("1.2.840.113619.2.55.3.1234: DICOM header with PatientName"),
            "{stderr}"
        );
        // And audits it: a bare US file fails the build.
        site.write("content/cases/a/IM0001", bare("US", explicit));
        let stderr = build_fails(&site, &[]);
        assert!(stderr.contains("absent on a US image"), "{stderr}");
    }
}
