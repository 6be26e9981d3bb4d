//! The privacy guard, through the real binary: planted identifiers fail `build` (masked, with
//! file:line:column and rule, previous output untouched) and are listed by `check`;
//! acknowledgements, stale ones and typo'd rules; drafts; image metadata is listed but stripped.

use std::collections::BTreeMap;

use crate::common::*;

/// A clean case; `PLANTED` below adds one identifier per source kind.
const CLEAN_CASE: &str = "+++
title = \"Case A\"
date = 2024-05-02
presentation = \"Right lower quadrant pain\"
images = [{ file = \"ct.png\", alt = \"Axial CT\", caption = \"Appendix 12 mm\" }]
+++
A 45-year-old with pain. Series 3, image 45.
";

/// Line 4: front matter value; line 5: alt text (col 47) and caption (col 73); line 8: body.
const PLANTED_CASE: &str = "+++
title = \"Case A\"
date = 2024-05-02
presentation = \"Pain, seen by Mrs Jones\"
images = [{ file = \"ct.png\", alt = \"Axial CT, aged 93\", caption = \"Call 555-123-4567\" }]
+++
A 45-year-old with pain.
The form said MRN: 4455667 in the corner.
";

/// Raw identifiers that must never appear on the terminal.
const RAW: &[&str] = &["Jones", "555-123-4567", "4455667", "12345678"];

fn site_with(case: &str) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case.to_string()),
    ]);
    if case.contains("ct.png") {
        site.write("content/cases/a/ct.png", png_bytes(16, 16));
    }
    site
}

fn snapshot(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    list_files(&site.path("public"))
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(site.out(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// `radcase check SITE`: (exit code, stderr).
fn check(site: &TestSite) -> (i32, String) {
    let out = radcase().arg("check").arg(&site.dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// Every planted identifier is reported at its place, with its rule.
fn assert_all_reported(stderr: &str) {
    for expected in [
        "content/cases/a/index.md:4:31: privacy [patient-name]",
        "content/cases/a/index.md:5:47: privacy [age-over-89]",
        "content/cases/a/index.md:5:73: privacy [phone]",
        "content/cases/a/index.md:8:15: privacy [mrn]",
        "static/patient_ID_1*******.txt: privacy [mrn]",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    for raw in RAW {
        assert!(
            !stderr.contains(raw),
            "the raw identifier {raw:?} was printed:\n{stderr}"
        );
    }
    assert!(stderr.contains("MRN: 4******"), "{stderr}");
}

#[test]
fn planted_identifiers_fail_the_build_masked_and_leave_the_previous_output() {
    let site = site_with(CLEAN_CASE);
    site.build_ok(&[]);
    let before = snapshot(&site);
    assert!(!before.is_empty());

    site.write("content/cases/a/index.md", PLANTED_CASE);
    site.write("static/patient_ID_12345678.txt", "notes");
    let stderr = build_fails(&site, &[]);
    assert_all_reported(&stderr);
    assert_eq!(snapshot(&site), before, "the previous output changed");
    assert!(site.staging_leftovers().is_empty());
}

#[test]
fn check_lists_the_same_findings_and_passes_a_clean_site() {
    let site = site_with(PLANTED_CASE);
    site.write("static/patient_ID_12345678.txt", "notes");
    let (code, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    assert_all_reported(&stderr);
    assert!(
        !site.path("public").exists(),
        "check must not write the site"
    );

    let clean = site_with(CLEAN_CASE);
    let (code, stderr) = check(&clean);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("No privacy findings"), "{stderr}");
    // The guard's line, and the link check's.
    assert_eq!(stderr.trim().lines().count(), 2, "{stderr}");
    assert!(stderr.contains("\nLinks: "), "{stderr}");
}

#[test]
fn an_acknowledgement_accepts_its_finding_and_a_stale_one_is_a_warning() {
    let case = "+++
title = \"Case A\"
presentation = \"Mr. Bones, our skeleton, has a fracture\"

[[privacy.acknowledge]]
rule = \"patient-name\"
text = \"Mr. Bones\"
reason = \"the department skeleton's teaching name\"

[[privacy.acknowledge]]
rule = \"email\"
text = \"old@example.org\"
reason = \"removed since\"
+++
Body.
";
    let site = site_with(case);
    let stderr = site.build_ok(&[]);
    assert!(
        stderr.contains("warning: ")
            && stderr.contains(
                "index.md:11: privacy: acknowledgement 2 (rule `email`) matches no finding"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("patient-name]"), "{stderr}");
    let (code, stderr) = check(&site);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("matches no finding") && stderr.contains("1 acknowledged"),
        "{stderr}"
    );

    // Without the acknowledgement the name fails the build.
    let bare = site_with(&case.replace("rule = \"patient-name\"", "rule = \"email\""));
    let stderr = build_fails(&bare, &[]);
    assert!(
        stderr.contains("index.md:3:17: privacy [patient-name]"),
        "{stderr}"
    );
}

#[test]
fn a_typo_in_a_rule_name_is_an_error_naming_the_closest_rule() {
    let case = "+++
title = \"Case A\"
[[privacy.acknowledge]]
rule = \"patient-nmae\"
text = \"Mr. Bones\"
reason = \"fictional\"
+++
Body.
";
    let site = site_with(case);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4: acknowledgement 1 names an unknown rule \"patient-nmae\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean \"patient-name\"?"),
        "{stderr}"
    );
    let (code, _) = check(&site);
    assert_eq!(code, 1);

    let site = site_with(&case.replace("reason = ", "raeson = "));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("unknown key `raeson`") && stderr.contains("`reason`"),
        "{stderr}"
    );
}

#[test]
fn a_finding_inside_a_draft_is_reported() {
    let site = site_with(CLEAN_CASE);
    site.write(
        "content/cases/b.md",
        "---\ntitle: Draft\ndraft: true\n---\nDOB: 03/14/1948\n",
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/b.md:5:1: privacy [dob]") && stderr.contains("in a draft"),
        "{stderr}"
    );
    assert!(!stderr.contains("03/14/1948"), "{stderr}");
}

#[test]
fn dates_authors_and_references_are_not_patient_data() {
    let case = "+++
title = \"Case A\"
date = 2024-05-02
authors = [\"Mrs Jane Smith\"]
references = [\"Radiology. 2019 Mar 12;290(3):617-627. Published 14 March 2019\"]
+++
Body.
";
    let site = site_with(case);
    site.build_ok(&[]);
}

#[test]
fn image_and_dicom_metadata_is_listed_by_check_and_never_published() {
    let site = site_with(
        &CLEAN_CASE.replace(
            "images = [{ file = \"ct.png\", alt = \"Axial CT\", caption = \"Appendix 12 mm\" }]",
            "images = [{ file = \"ct.png\", alt = \"Axial CT\" }, { file = \"photo.jpg\", alt = \"Knee\" }, { file = \"head.dcm\", alt = \"Head CT\" }]",
        ),
    );
    site.write("content/cases/a/photo.jpg", jpeg_with_metadata());
    // A DICOM file with a full set of fake identifiers in its header.
    site.write("content/cases/a/head.dcm", phantom("CT", Vec::new()));
    site.write(
        "content/cases/a/ct.png",
        png_with_text(b"Comment\0PNG-SECRET-NAME Jane Roe"),
    );
    site.write("static/logo.png", png_with_text(b"Author\0STATIC-SECRET"));

    let (code, stderr) = check(&site);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("photo.jpg: EXIF with a GPS position, XMP, JPEG comment"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ct.png: PNG text (tEXt \"Comment\")"),
        "{stderr}"
    );
    assert!(
        stderr.contains("logo.png: PNG text (tEXt \"Author\")"),
        "{stderr}"
    );
    assert!(
        stderr.contains("head.dcm: DICOM header with PatientName"),
        "{stderr}"
    );
    assert!(stderr.contains("4 images with metadata"), "{stderr}");

    site.build_ok(&[]);
    let planted: Vec<&str> = SECRETS
        .iter()
        .copied()
        .chain(["PNG-SECRET-NAME", "Jane Roe", "STATIC-SECRET"])
        .chain([
            "PHANTOM^SECRET",
            "MRN-SECRET-4455",
            "19480314",
            "2.25.1234",
            "DICM",
        ])
        .collect();
    for (rel, bytes) in snapshot(&site) {
        for s in &planted {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "public/{rel} contains {s}"
            );
        }
    }
}

#[test]
fn the_example_site_has_no_finding() {
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = radcase().arg("check").arg(&site).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("No privacy findings"), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_folder_name_is_a_finding_and_is_masked_in_every_path_printed() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/MRN-4455667/index.md",
            "+++\ntitle = \"A\"\n+++\nDOB: 03/14/1948\n".to_string(),
        ),
    ]);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/MRN-4******: privacy [mrn]")
            && stderr.contains("content/cases/MRN-4******/index.md:4:1: privacy [dob]"),
        "{stderr}"
    );
    assert!(!stderr.contains("4455667"), "{stderr}");

    // The bundle's index.md can acknowledge its own folder's name.
    site.write(
        "content/cases/MRN-4455667/index.md",
        "+++\ntitle = \"A\"\n[[privacy.acknowledge]]\nrule = \"mrn\"\ntext = \"4455667\"\nreason = \"a made-up number for the demo\"\n+++\nBody.\n",
    );
    site.build_ok(&[]);
}

#[test]
fn yaml_front_matter_is_scanned_and_acknowledged() {
    let case = "---
title: Case A
presentation: Found by the neighbour at 221B Baker Street
privacy:
  acknowledge:
    - rule: street-address
      text: 221B Baker Street
      reason: a fictional detective's address
---
Call 555-123-4567.
";
    let site = site_with(case);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:10:6: privacy [phone]"),
        "{stderr}"
    );
    assert!(!stderr.contains("street-address]"), "{stderr}");
    site.write(
        "content/cases/a/index.md",
        case.replace("Call 555-123-4567.", "Body."),
    );
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn text_files_published_as_they_are_are_scanned() {
    let site = site_with(CLEAN_CASE);
    site.write("static/handout.txt", "Teaching notes\nsee MRN: 4455667\n");
    site.write("content/cases/a/table.csv", "slice,finding\n12,ok\n");
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("static/handout.txt:2:5: privacy [mrn]"),
        "{stderr}"
    );
    assert!(!stderr.contains("table.csv"), "{stderr}");
    assert!(!stderr.contains("4455667"), "{stderr}");
}

#[test]
fn a_page_date_in_its_own_file_name_is_not_a_finding() {
    let site = site_with(CLEAN_CASE);
    site.write(
        "content/2024-05-02-welcome.md",
        "+++\ntitle = \"Welcome\"\ndate = 2024-05-02\n+++\nHello.\n",
    );
    site.build_ok(&[]);
    // A date that is not the page's own is reported.
    site.write(
        "content/2024-05-02-welcome.md",
        "+++\ntitle = \"Welcome\"\ndate = 2024-06-01\n+++\nHello.\n",
    );
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("privacy [full-date]"), "{stderr}");
}

/// The guard reads front matter as the loader does, not line by line: text that only looks
/// like an exempt key (inside a multi-line string, a dotted key after `authors`, a table after
/// `references`) is patient text, found at its real line.
#[test]
fn the_guard_reads_front_matter_as_the_loader_does() {
    let cases = [
        (
            "a multi-line string with a line that starts like the date key",
            "+++\ntitle = \"A\"\npresentation = \"\"\"Seen in clinic.\ndate = 03/14/2023 was the scan\n\"\"\"\n+++\nBody.\n",
            "index.md:4:8: privacy [full-date]",
        ),
        (
            "a dotted key after authors",
            "+++\ntitle = \"A\"\nauthors = [\"Jane Roe\"]\nextra.note = \"MRN: 4455667\"\n+++\nBody.\n",
            "index.md:4:15: privacy [mrn]",
        ),
        (
            "an inline table after references",
            "+++\ntitle = \"A\"\nreferences = [\"Smith J. Radiology 2019;290:1-9\"]\nextra = { contact = \"call (555) 123-4567\" }\n+++\nBody.\n",
            "index.md:4:27: privacy [phone]",
        ),
        (
            "YAML: a key after an authors list without indentation",
            "---\ntitle: A\nauthors:\n- Jane Roe\nage: 93\n---\nBody.\n",
            "index.md:5:1: privacy [age-over-89]",
        ),
        (
            "a value written with escapes",
            "+++\ntitle = \"A\"\npresentation = \"MRN: \\u0034455667\"\n+++\nBody.\n",
            // Where the digits of the identifier are written, inside the escape.
            "index.md:3:27: privacy [mrn]",
        ),
        (
            "YAML: a quoted key",
            "---\ntitle: A\n\"age\": 93\n---\nBody.\n",
            "index.md:3:8: privacy [age-over-89]",
        ),
        (
            "YAML: a value given by an alias",
            "---\ntitle: A\nextra:\n  base: &old 94\nage: *old\n---\nBody.\n",
            "index.md:5:1: privacy [age-over-89]",
        ),
        (
            "TOML: a number written with an underscore",
            "+++\ntitle = \"A\"\nage = 9_5\n+++\nBody.\n",
            "index.md:3:1: privacy [age-over-89]",
        ),
    ];
    for (what, case, expected) in cases {
        let site = site_with(case);
        let (code, stderr) = check(&site);
        assert_eq!(code, 1, "{what}: not found:\n{stderr}");
        assert!(
            stderr.contains(expected),
            "{what}: expected {expected:?} in:\n{stderr}"
        );
        let out = site.build_cmd(&[]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: the build went through");
    }
    // And the exempt keys stay exempt where they really are keys.
    let site = site_with(
        "+++\ntitle = \"A\"\ndate = 2024-05-02\nupdated = 2024-05-03\nauthors = [\"Dr. Jane Roe\"]\nreferences = [\"Smith J. Radiology. 2019 Mar 12;290:1-9\"]\n+++\nBody.\n",
    );
    let (code, stderr) = check(&site);
    assert_eq!(code, 0, "{stderr}");
}

/// Each identifier is reported once, at the place it is written, however the value is written
/// (escapes, block scalars, line ends), and every identifier of a value is its own finding:
/// acknowledging one never covers another.
#[test]
fn every_identifier_of_a_value_is_one_finding_at_its_place() {
    let cases = [
        (
            "an escaped quote in the value",
            "+++\ntitle = \"A\"\npresentation = \"He said \\\"MRN: 4455667\\\" today\"\n+++\nBody.\n",
            vec!["index.md:3:27: privacy [mrn]"],
        ),
        (
            "a YAML block scalar",
            "---\ntitle: A\npresentation: |\n  Seen in clinic.\n  MRN: 4455667 on the form.\n---\nBody.\n",
            vec!["index.md:5:3: privacy [mrn]"],
        ),
        (
            "CRLF line ends",
            "+++\r\ntitle = \"A\"\r\npresentation = \"\"\"\r\nSeen.\r\nMRN: 4455667\r\n\"\"\"\r\n+++\r\nBody.\r\n",
            vec!["index.md:5:1: privacy [mrn]"],
        ),
        (
            "two identifiers hidden by escapes",
            "+++\ntitle = \"A\"\n[extra]\nnote = \"MRN\\u003a 1234567 and MRN\\u003a 7654321\"\n+++\nBody.\n",
            vec![
                "index.md:4:19: privacy [mrn]",
                "index.md:4:41: privacy [mrn]",
            ],
        ),
    ];
    for (what, case, expected) in cases {
        let site = site_with(case);
        let (code, stderr) = check(&site);
        assert_eq!(code, 1, "{what}:\n{stderr}");
        assert_eq!(
            stderr.matches("privacy [").count(),
            expected.len(),
            "{what}: each finding once:\n{stderr}"
        );
        for e in &expected {
            assert!(stderr.contains(e), "{what}: expected {e:?} in:\n{stderr}");
        }
    }
    // Acknowledging the first of two identifiers leaves the second standing.
    let site = site_with(
        "+++\ntitle = \"A\"\n[extra]\nnote = \"MRN\\u003a 1234567 and MRN\\u003a 7654321\"\n\n[[privacy.acknowledge]]\nrule = \"mrn\"\ntext = \"MRN: 1234567\"\nreason = \"a made-up number\"\n+++\nBody.\n",
    );
    let (code, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("index.md:4:41: privacy [mrn]"), "{stderr}");
    assert_eq!(stderr.matches("privacy [mrn]").count(), 1, "{stderr}");
}

/// The theme's static files are published like the site's: their names and text are checked.
#[test]
fn a_themes_static_files_are_guarded_too() {
    let site = site_with(CLEAN_CASE);
    site.write("content/cases/a/ct.png", png_bytes(16, 16));
    site.write("config.toml", format!("{CONFIG}theme = \"local\"\n"));
    site.write("themes/local/templates/.keep", "");
    site.write(
        "themes/local/static/contact.txt",
        "Questions: (555) 123-4567\n",
    );
    let (code, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("themes/local/static/contact.txt:1:12: privacy [phone]"),
        "{stderr}"
    );
}

/// `authors` and `references` are checked for what does not belong in them (a phone, a record
/// number, a date of birth), but an author's name and a reference's publication date pass.
#[test]
fn authors_and_references_are_checked_for_what_does_not_belong() {
    let cases = [
        (
            "a phone in authors",
            "+++\ntitle = \"A\"\nauthors = [\"Jane Roe, call 555-123-4567\"]\n+++\nBody.\n",
            Some("index.md:3:28: privacy [phone]"),
        ),
        (
            "a record number in authors",
            "+++\ntitle = \"A\"\nauthors = [\"Jane Roe MRN 4455667\"]\n+++\nBody.\n",
            Some("index.md:3:22: privacy [mrn]"),
        ),
        (
            "a date of birth in references",
            "+++\ntitle = \"A\"\nreferences = [\"Patient DOB 03/14/1948\"]\n+++\nBody.\n",
            Some("index.md:3:24: privacy [dob]"),
        ),
        (
            "authors' names and a reference's dates",
            "+++\ntitle = \"A\"\nauthors = [\"Mrs Jane Roe\", \"Dr. John Smith\"]\nreferences = [\"Smith J, Doe A. Radiology. 2019 Mar 12;290(3):617-627. Published 14 March 2019.\"]\n+++\nBody.\n",
            None,
        ),
    ];
    for (what, case, expected) in cases {
        let site = site_with(case);
        let (code, stderr) = check(&site);
        match expected {
            Some(expected) => {
                assert_eq!(code, 1, "{what}: not found:\n{stderr}");
                assert!(
                    stderr.contains(expected),
                    "{what}: expected {expected:?} in:\n{stderr}"
                );
            }
            None => assert_eq!(code, 0, "{what}: flagged:\n{stderr}"),
        }
    }
}

/// The site's own contact details in `config.toml` are not a patient's, but a record number
/// there does not make the same number in a page the site's.
#[test]
fn config_values_exempt_contact_details_only() {
    let config =
        format!("{CONFIG}[extra]\ncontact = \"Call 555-123-4567\"\nnote = \"MRN 4455667\"\n");
    let site = TestSite::with(&[
        ("config.toml", config),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\n+++\nCall 555-123-4567 for the programme. MRN 4455667.\n"
                .to_string(),
        ),
    ]);
    let (code, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("index.md:4:38: privacy [mrn]"), "{stderr}");
    assert!(!stderr.contains("[phone]"), "{stderr}");
}

/// What the page source publishes is read: HTML comments, table rows whose label is in the
/// header, Unicode spaces and entities; the place is where the author wrote it.
#[test]
fn comments_tables_and_unicode_are_read_where_they_are_written() {
    let cases = [
        (
            "an HTML comment",
            "+++\ntitle = \"A\"\n+++\nBody.\n<!-- MRN 4455667 -->\n",
            "index.md:5:6: privacy [mrn]",
        ),
        (
            "a label in the table header",
            "+++\ntitle = \"A\"\n+++\n| Finding | MRN |\n|---|---|\n| Mass | 4455667 |\n",
            "index.md:6:10: privacy [mrn]",
        ),
        (
            "a label in the cell before",
            "+++\ntitle = \"A\"\n+++\n| MRN | 4455667 |\n",
            "index.md:4:3: privacy [mrn]",
        ),
        (
            "a no-break space and an entity before",
            "+++\ntitle = \"A\"\n+++\nSeen\u{a0}\u{a0}&nbsp;by Mrs\u{a0}O\u{2019}Brien.\n",
            "index.md:4:16: privacy [patient-name]",
        ),
    ];
    for (what, case, expected) in cases {
        let site = site_with(case);
        let (code, stderr) = check(&site);
        assert_eq!(code, 1, "{what}: not found:\n{stderr}");
        assert!(
            stderr.contains(expected),
            "{what}: expected {expected:?} in:\n{stderr}"
        );
        assert!(
            !stderr.contains("4455667") && !stderr.contains("Brien"),
            "{what}: raw identifier printed:\n{stderr}"
        );
    }
}

/// An event's end in `[extra]` is the page's own date (read into its structured data), but
/// another `[extra]` value with a date and time is checked.
#[test]
fn an_events_end_is_its_own_date() {
    let ok = "+++\ntitle = \"Open house\"\ndate = 2026-12-05T14:00:00Z\n[extra]\nend = \"2026-12-05T16:00:00Z\"\n+++\nCome.\n";
    let (code, stderr) = check(&site_with(ok));
    assert_eq!(code, 0, "{stderr}");
    let bad = "+++\ntitle = \"A\"\n[extra]\nscanned = \"2023-03-14T10:22:05\"\n+++\nBody.\n";
    let (code, stderr) = check(&site_with(bad));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("index.md:4:12: privacy [full-date]"),
        "{stderr}"
    );
}
