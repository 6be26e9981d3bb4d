//! The DICOM header audit: which identifying attributes a file's header holds (never published:
//! only pixels ever leave `media::dicom`), and whether its pixels may carry identifiers
//! themselves (burned-in text, a recognisable face), which no text rule can see.
//!
//! Attribute names follow PS3.15 Annex E (the basic de-identification profile); only the ones
//! that identify a person or a visit are listed, to keep `radcase check` readable.

use std::path::Path;

use super::finding::Finding;
use super::rules::RuleId;
use crate::front::{Fields, keys};
use crate::source::{FileKind, Sources};
use crate::types::slash_path;

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::file::ReadPreamble;
use dicom_object::{InMemDicomObject, OpenFileOptions};

const IDENTIFYING: &[(Tag, &str)] = &[
    (tags::PATIENT_NAME, "PatientName"),
    (tags::PATIENT_ID, "PatientID"),
    (tags::PATIENT_BIRTH_DATE, "PatientBirthDate"),
    (tags::PATIENT_ADDRESS, "PatientAddress"),
    (tags::PATIENT_TELEPHONE_NUMBERS, "PatientTelephoneNumbers"),
    (tags::ACCESSION_NUMBER, "AccessionNumber"),
    (tags::STUDY_DATE, "StudyDate"),
    (tags::INSTITUTION_NAME, "InstitutionName"),
    (tags::REFERRING_PHYSICIAN_NAME, "ReferringPhysicianName"),
    (tags::OPERATORS_NAME, "OperatorsName"),
    (tags::DEVICE_SERIAL_NUMBER, "DeviceSerialNumber"),
];

/// Modalities whose images usually have text burned into the pixels (PS3.3: ultrasound,
/// secondary capture, angiography, other, endoscopy).
const BURN_IN_MODALITIES: &[&str] = &["US", "SC", "XA", "OT", "ES"];

/// SOP classes whose images are screen captures or video, whatever their Modality says: they
/// are made of what a screen showed, patient banner included.
const CAPTURE_SOP_CLASSES: &[(&str, &str)] = &[
    ("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture"),
    (
        "1.2.840.10008.5.1.4.1.1.7.1",
        "Multi-frame Single Bit Secondary Capture",
    ),
    (
        "1.2.840.10008.5.1.4.1.1.7.2",
        "Multi-frame Grayscale Byte Secondary Capture",
    ),
    (
        "1.2.840.10008.5.1.4.1.1.7.3",
        "Multi-frame Grayscale Word Secondary Capture",
    ),
    (
        "1.2.840.10008.5.1.4.1.1.7.4",
        "Multi-frame True Color Secondary Capture",
    ),
    ("1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound"),
    ("1.2.840.10008.5.1.4.1.1.3.1", "Ultrasound Multi-frame"),
    ("1.2.840.10008.5.1.4.1.1.77.1.1.1", "Video Endoscopic"),
    ("1.2.840.10008.5.1.4.1.1.77.1.2.1", "Video Microscopic"),
    ("1.2.840.10008.5.1.4.1.1.77.1.4.1", "Video Photographic"),
];

/// ImageType values that say the image was not acquired but captured or derived from a display.
const CAPTURE_IMAGE_TYPES: &[&str] = &["SECONDARY", "SCREEN SAVE", "SCREENSHOT"];

/// Why an image without BurnedInAnnotation may have text burned in, if it may: its Modality, its
/// SOP class, a ConversionType (only captured or converted images have one), its ImageType, or
/// a Modality that is missing, so that nothing says what kind of image it is.
fn burn_in_signs(obj: &InMemDicomObject) -> Option<String> {
    let mut risk = String::from("BurnedInAnnotation is absent");
    let by_modality = match text(obj, tags::MODALITY) {
        Some(m) if BURN_IN_MODALITIES.contains(&m.as_str()) => {
            risk += &format!(" on a {m} image, a kind that usually has text burned in");
            true
        }
        Some(_) => false,
        None => {
            risk += " and so is Modality: nothing says what kind of image this is";
            true
        }
    };
    let mut signs = Vec::new();
    let sop_class = text(obj, tags::SOP_CLASS_UID).unwrap_or_default();
    if let Some((_, name)) = CAPTURE_SOP_CLASSES
        .iter()
        .find(|(uid, _)| *uid == sop_class)
    {
        signs.push(format!("the SOP class is {name} ({sop_class})"));
    }
    if let Some(conversion) = text(obj, tags::CONVERSION_TYPE) {
        signs.push(format!(
            "ConversionType is {conversion} (a captured or converted image, not an acquired one)"
        ));
    }
    let image_type = text(obj, tags::IMAGE_TYPE).unwrap_or_default();
    if image_type
        .split('\\')
        .any(|v| CAPTURE_IMAGE_TYPES.contains(&v.trim().to_ascii_uppercase().as_str()))
    {
        signs.push(format!("ImageType is {image_type}"));
    }
    if !by_modality && signs.is_empty() {
        return None;
    }
    if !signs.is_empty() {
        risk += if by_modality { "; " } else { ": " };
        risk += &signs.join("; ");
    }
    Some(risk)
}

/// What a DICOM header says about privacy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HeaderAudit {
    /// Names of the identifying attributes present with a value.
    pub identifying: Vec<&'static str>,
    /// Reasons the pixels themselves may identify the patient.
    pub pixel_risks: Vec<String>,
    /// The rule of each of `pixel_risks`, in the same order.
    pub risk_rules: Vec<RuleId>,
}

fn text(obj: &InMemDicomObject, tag: Tag) -> Option<String> {
    let e = obj.element_opt(tag).ok().flatten()?;
    let s = e.to_str().ok()?;
    let s = s.trim_matches(['\0', ' ']).to_string();
    (!s.is_empty()).then_some(s)
}

/// Audit a header already read.
pub fn audit(obj: &InMemDicomObject) -> HeaderAudit {
    let identifying = IDENTIFYING
        .iter()
        .filter(|(tag, _)| text(obj, *tag).is_some())
        .map(|(_, name)| *name)
        .collect();
    let mut pixel_risks = Vec::new();
    let mut risk_rules = Vec::new();
    match text(obj, tags::BURNED_IN_ANNOTATION).as_deref() {
        Some(v) if v.eq_ignore_ascii_case("YES") => {
            pixel_risks.push("BurnedInAnnotation is YES: text is burned into the pixels".into());
            risk_rules.push(RuleId::BurnedInAnnotation);
        }
        // An explicit NO is the device's word for it, as it always was; only its absence
        // leaves the kind of image to judge by.
        None => {
            if let Some(risk) = burn_in_signs(obj) {
                pixel_risks.push(risk);
                risk_rules.push(RuleId::BurnedInAnnotation);
            }
        }
        _ => {}
    }
    if text(obj, tags::RECOGNIZABLE_VISUAL_FEATURES).is_some_and(|v| v.eq_ignore_ascii_case("YES"))
    {
        pixel_risks.push("RecognizableVisualFeatures is YES: the image may show a face".into());
        risk_rules.push(RuleId::RecognizableFeatures);
    }
    HeaderAudit {
        identifying,
        pixel_risks,
        risk_rules,
    }
}

/// The values of a DICOM file's header that name its patient or visit (name, ID, accession
/// number, dates), to recognise them in text burned into its own pixels.
pub fn own_values(path: &Path) -> Vec<(&'static str, String)> {
    const OWN: &[(Tag, &str)] = &[
        (tags::PATIENT_NAME, "PatientName"),
        (tags::PATIENT_ID, "PatientID"),
        (tags::ACCESSION_NUMBER, "AccessionNumber"),
        (tags::PATIENT_BIRTH_DATE, "PatientBirthDate"),
        (tags::STUDY_DATE, "StudyDate"),
        (tags::SERIES_DATE, "SeriesDate"),
        (tags::ACQUISITION_DATE, "AcquisitionDate"),
        (tags::CONTENT_DATE, "ContentDate"),
        (tags::INSTITUTION_NAME, "InstitutionName"),
    ];
    let part10 = OpenFileOptions::new()
        .read_preamble(ReadPreamble::Auto)
        .read_until(tags::PIXEL_DATA)
        .open_file(path);
    let values = |obj: &InMemDicomObject| {
        OWN.iter()
            .filter_map(|(tag, name)| Some((*name, text(obj, *tag)?)))
            .collect()
    };
    match part10 {
        Ok(obj) => values(&obj),
        Err(_) => crate::media::dicom::open(path)
            .map(|obj| values(&obj))
            .unwrap_or_default(),
    }
}

/// Read only the header of the DICOM file at `path` (up to the pixels) and audit it. A file
/// without the Part 10 preamble and magic is read whole, as the build reads it.
pub fn audit_file(path: &Path) -> Option<HeaderAudit> {
    let part10 = OpenFileOptions::new()
        .read_preamble(ReadPreamble::Auto)
        .read_until(tags::PIXEL_DATA)
        .open_file(path);
    match part10 {
        Ok(obj) => Some(audit(&obj)),
        Err(_) => crate::media::dicom::open(path).ok().map(|obj| audit(&obj)),
    }
}

/// The DICOM files a case in the bundle folder `bundle` publishes: its `images`, and the files
/// of its `stacks` (a folder of slices or one multi-frame file), with their paths in the bundle.
fn listed_files<'s>(
    bundle: &Path,
    fields: &Fields,
    sources: &'s Sources,
) -> Vec<(String, &'s Path)> {
    let names = fields
        .media(keys::IMAGES)
        .iter()
        .chain(fields.media(keys::STACKS))
        .map(|m| m.file.trim_matches('/'))
        .filter(|n| crate::types::is_inside(n));
    let mut out = Vec::new();
    for name in names {
        let listed = bundle.join(name);
        for s in sources
            .files
            .iter()
            .filter(|s| s.kind == FileKind::Dicom && s.path.starts_with(&listed))
        {
            let rel = s.path.strip_prefix(bundle).unwrap_or(&s.path);
            out.push((slash_path(rel), s.path.as_path()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Findings for the pixel risks of the DICOM files a case publishes: burned-in text or a
/// recognisable face fail the build until the author has checked and acknowledged them.
pub(super) fn listed_findings(
    bundle: &Path,
    fields: &Fields,
    sources: &Sources,
    draft: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (rel, path) in listed_files(bundle, fields, sources) {
        let Some(audit) = audit_file(path) else {
            continue; // An unreadable file is the build's error to report, with its reason.
        };
        for (risk, id) in audit.pixel_risks.iter().zip(&audit.risk_rules) {
            out.push(Finding {
                path: path.to_path_buf(),
                shown: path.to_path_buf(),
                line: None,
                column: None,
                rule: id.rule(),
                masked: risk.clone(),
                id: rel.clone(),
                context: rel.clone(),
                draft,
            });
        }
    }
    out
}
