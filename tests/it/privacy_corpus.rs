//! The privacy rules against a corpus: sentences that carry an identifier (each must be found,
//! by the right rule) and ordinary case text full of look-alike numbers (none may be flagged).
//! Prints recall and the false-positive rate; requires 100 % and 0.

use radcase::privacy::rules::{find, mask};

/// (sentence, the rule that must flag it)
const IDENTIFIERS: &[(&str, &str)] = &[
    ("MRN: 4455667", "mrn"),
    ("The patient (MR# 12345678) was referred.", "mrn"),
    ("medical record number 889-2214", "mrn"),
    ("Patient ID: A-1234567", "mrn"),
    ("hospital no. 00123456 on the request form", "mrn"),
    ("Accession: 20240312-0042", "accession"),
    ("ACC# 99887766", "accession"),
    ("accession number RAD12345", "accession"),
    ("account number 123456789", "account"),
    ("Acct# 5566-7788", "account"),
    ("health plan ID XYZ123456789", "health-plan"),
    ("Member ID: 88442211", "health-plan"),
    ("Medicare number 1EG4-TE5-MK72", "health-plan"),
    ("SSN 123-45-6789", "ssn"),
    ("social security number 123456789", "ssn"),
    ("Her number 078-05-1120 was on the form.", "ssn"),
    ("DOB: 03/14/1948", "dob"),
    ("date of birth 14 March 1948", "dob"),
    ("born on March 14, 1948", "dob"),
    ("D.O.B. 1948-03", "dob"),
    ("DOB 19480314", "dob"),
    ("Date of service: 2023-03-14.", "full-date"),
    ("CT on 3/14/2023 showed a mass.", "full-date"),
    ("Admitted 14.03.2023 with pain.", "full-date"),
    ("She returned on March 3 with fever.", "full-date"),
    ("Seen in clinic on 3rd of March, 2023.", "full-date"),
    ("Follow-up MRI (14-MAR-2023) was stable.", "full-date"),
    ("Scan of 12 Jan 2024: no change.", "full-date"),
    ("A 92-year-old woman fell.", "age-over-89"),
    ("95 y/o male with dyspnoea", "age-over-89"),
    ("101 years of age, lives alone", "age-over-89"),
    ("aged 93, presented with confusion", "age-over-89"),
    ("Age: 97", "age-over-89"),
    ("a nonagenarian with hip pain", "age-over-89"),
    ("Call (555) 123-4567 for the images.", "phone"),
    ("Phone 555-123-4567", "phone"),
    ("fax: 555.987.6543", "phone"),
    ("reached at +44 20 7946 0958", "phone"),
    ("pager 4-4321", "phone"),
    ("Email jane.doe@hospital.org for the DICOM.", "email"),
    ("j_smith+scan@mail.example.com", "email"),
    ("exported from 192.168.1.24", "ip-address"),
    ("PACS at 10.0.0.7", "ip-address"),
    ("workstation fe80::1ff:fe23:4567:890a", "ip-address"),
    ("Lives at 221B Baker Street.", "street-address"),
    ("1600 Pennsylvania Ave, Washington", "street-address"),
    ("found at 42 N. Oak Rd. by a neighbour", "street-address"),
    ("P.O. Box 1234", "street-address"),
    ("lives at 12 main street", "street-address"),
    ("ZIP 02115", "zip"),
    ("zip code: 90210-1234", "zip"),
    ("Boston, MA 02115", "zip"),
    ("Columbus, Ohio 43210", "zip"),
    ("Patient: John Smith", "patient-name"),
    ("Name: SMITH, JOHN", "patient-name"),
    ("patient name Jane O'Brien was on the film", "patient-name"),
    ("Mr. Bones presented with pain.", "patient-name"),
    ("Mrs Jones was seen in clinic.", "patient-name"),
    ("PatientName=DOE^JANE", "patient-name"),
    ("Ms. Garcia-Lopez had a fall.", "patient-name"),
    ("Mrs. O'Brien returned for follow-up.", "patient-name"),
    (
        "Imaged on 14/03/2023 in the emergency department.",
        "full-date",
    ),
    ("Date of service 03/14/23", "full-date"),
    ("DOB: 14-MAR-1948", "dob"),
    ("A 104-yr-old man with a hip fracture.", "age-over-89"),
    ("Reach the family at 617.555.0199.", "phone"),
];

/// Ordinary teaching text that looks like identifiers and is not.
const INNOCENT: &[&str] = &[
    "A 45-year-old man with right lower quadrant pain.",
    "An 89-year-old woman with a hip fracture.",
    "The appendix measures 12 mm; wall 3 mm.",
    "Mass of 3.2 x 2.5 x 4.1 cm in segment 7.",
    "Series 3, image 45; series 601, image 112.",
    "PMID: 28240562",
    "doi:10.1148/radiol.2019182646",
    "https://doi.org/10.1016/S0140-6736(00)02237-6",
    "Fleischner Society 2017 guidelines for incidental nodules.",
    "LI-RADS v2018 category LR-5.",
    "Bosniak classification, version 2019.",
    "Radiology 2019;292:475-488.",
    "Radiology. 2019 Mar 12;290(3):617-627.",
    "WBC 12.3 x 10^9/L, CRP 145 mg/L, lactate 2.1 mmol/L.",
    "DLP 845 mGy*cm, CTDIvol 12.4 mGy, 120 kVp, 250 mAs.",
    "Blood pressure 120/80, heart rate 95, SpO2 92%.",
    "Symptoms started 3 days before; CT 2 hours after arrival.",
    "Seen in 2023; follow-up in 2024.",
    "Patients over the age of 90 have a higher risk.",
    "Infants aged 90 days or less.",
    "Sensitivity 95% (95% CI 90-98%).",
    "The MR examination at 1.5 T and 3 T.",
    "MS plaques in the periventricular white matter.",
    "Dr. Hounsfield built the first CT scanner in 1971.",
    "Patient: 45-year-old man.",
    "Patient: male, 45",
    "Name: unknown",
    "Surgery confirmed the diagnosis; see the 2021 WHO classification.",
    "UID 1.2.840.10008.5.1.4.1.1.2 in the header.",
    "Chrome 120.0.6099.109 shows the viewer.",
    "Version 1.2.3 of the viewer.",
    "A ratio of 1:2:3 between the lobes.",
    "The 2020 update of the WSES Jerusalem guidelines.",
    "Tokyo Guidelines 2018 (TG18) grade II.",
    "Twisted 720 degrees; ASPECTS 6.",
    "Bone age of 9 years and 6 months.",
    "[see this case](@/cases/2024-appendicitis/index.md)",
    "ICD-10 K35.80, CPT 74177.",
    "3 West Wing, second floor reading room.",
    "Presented in May 2023 at the RSNA meeting.",
    "Aorta 45 mm at the level of T12/L1.",
    "A 2 hour drive away from the hospital.",
    "GCS 14, temperature 38.5 C.",
    "Gleason 4+3=7, PSA 12.5 ng/mL.",
    "Lesions 1/2/3 enhance.",
    "Thorax 2023;78(Suppl 3):s1-s42.",
    "ISBN 978-0-12-345678-9",
    "HU 35 before and 120 after contrast, in the 20-40 s window.",
    "Patients aged 90 and older were excluded.",
    "RSNA 2023, Chicago, November 26-30.",
    "Disc herniation at C5-6 and L4/5; power 4/5 in the left leg.",
    "At 14:30 the scan was repeated; BP 90/60 mmHg.",
    "Image 23/48; series 2 image 34 of 120.",
    "Version 10.0.19045.3570 of the workstation software.",
    "In May, the patient returned; in March she improved.",
    "A 92 mm aneurysm and the 95th percentile.",
    "Median age 67 (IQR 55-78); age range 18-90 years.",
    "Dose 5 mg/kg; 0.1 mmol/kg gadobutrol; 2.5 mSv.",
    "The patient, a retired teacher, presented with pain.",
    "Dr. Smith reviewed the case with the residents.",
];

#[test]
fn corpus_recall_is_complete_and_false_positives_are_none() {
    let mut missed = Vec::new();
    for (text, rule) in IDENTIFIERS {
        let hits = find(text);
        if !hits.iter().any(|h| h.rule.name == *rule) {
            let got: Vec<_> = hits.iter().map(|h| h.rule.name).collect();
            missed.push(format!("{text:?}: expected {rule}, got {got:?}"));
        }
    }
    let mut false_positives = Vec::new();
    for text in INNOCENT {
        let hits = find(text);
        if !hits.is_empty() {
            let got: Vec<_> = hits
                .iter()
                .map(|h| format!("{} on {:?}", h.rule.name, &text[h.span.clone()]))
                .collect();
            false_positives.push(format!("{text:?}: {got:?}"));
        }
    }
    let recall = 100.0 * (IDENTIFIERS.len() - missed.len()) as f64 / IDENTIFIERS.len() as f64;
    let fp_rate = 100.0 * false_positives.len() as f64 / INNOCENT.len() as f64;
    println!(
        "privacy corpus: {} identifiers, recall {recall:.1} %; {} innocent sentences, false positives {fp_rate:.1} %",
        IDENTIFIERS.len(),
        INNOCENT.len()
    );
    assert!(IDENTIFIERS.len() >= 30 && INNOCENT.len() >= 30);
    assert!(
        missed.is_empty() && false_positives.is_empty(),
        "missed:\n{}\nfalse positives:\n{}",
        missed.join("\n"),
        false_positives.join("\n")
    );
}

#[test]
fn every_rule_is_exercised_by_the_corpus() {
    for rule in radcase::privacy::rules::RULES {
        assert!(
            IDENTIFIERS.iter().any(|(_, r)| *r == rule.name),
            "no corpus sentence for {}",
            rule.name
        );
    }
}

#[test]
fn masked_text_never_contains_the_identifier() {
    for (text, _) in IDENTIFIERS {
        for hit in find(text) {
            let id = &text[hit.id.clone()];
            let masked = mask(text, &hit);
            if id.chars().filter(|c| c.is_alphanumeric()).count() > 1 {
                assert!(!masked.contains(id), "{text:?} masked as {masked:?}");
            }
        }
    }
}
