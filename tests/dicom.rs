//! DICOM: synthetic phantoms (fake identifiers in the header) decode to windowed 8-bit pixels,
//! bad files are clear errors, and the header audit names identifying attributes and the signs
//! that the pixels themselves identify (burned-in text, faces). DICOM is not yet published by
//! builds: `check` lists what a file's header holds.

mod common;

use common::*;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use radcase::media::dicom::{Window, frames, is_dicom, open};
use radcase::privacy::dicom::{HeaderAudit, audit_file};

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
