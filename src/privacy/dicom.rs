//! The DICOM header audit: which identifying attributes a file's header holds (never published:
//! only pixels ever leave `media::dicom`), and whether its pixels may carry identifiers
//! themselves (burned-in text, a recognisable face), which no text rule can see.
//!
//! Attribute names follow PS3.15 Annex E (the basic de-identification profile); only the ones
//! that identify a person or a visit are listed, to keep `radcase check` readable.

use std::path::Path;

use dicom_core::Tag;
use dicom_dictionary_std::tags;
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

/// What a DICOM header says about privacy.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HeaderAudit {
    /// Names of the identifying attributes present with a value.
    pub identifying: Vec<&'static str>,
    /// Reasons the pixels themselves may identify the patient.
    pub pixel_risks: Vec<String>,
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
    let modality = text(obj, tags::MODALITY).unwrap_or_default();
    match text(obj, tags::BURNED_IN_ANNOTATION).as_deref() {
        Some(v) if v.eq_ignore_ascii_case("YES") => {
            pixel_risks.push("BurnedInAnnotation is YES: text is burned into the pixels".into());
        }
        None if BURN_IN_MODALITIES.contains(&modality.as_str()) => pixel_risks.push(format!(
            "BurnedInAnnotation is absent on a {modality} image, a kind that usually has text burned in"
        )),
        _ => {}
    }
    if text(obj, tags::RECOGNIZABLE_VISUAL_FEATURES).is_some_and(|v| v.eq_ignore_ascii_case("YES"))
    {
        pixel_risks.push("RecognizableVisualFeatures is YES: the image may show a face".into());
    }
    HeaderAudit {
        identifying,
        pixel_risks,
    }
}

/// Read only the header of the DICOM file at `path` (up to the pixels) and audit it.
pub fn audit_file(path: &Path) -> Option<HeaderAudit> {
    let obj = OpenFileOptions::new()
        .read_until(tags::PIXEL_DATA)
        .open_file(path)
        .ok()?;
    Some(audit(&obj))
}
