//! Names and places of a page's published files, shared by galleries, stacks and DICOM series:
//! where a bundle file goes, the order of numbered slices, and names that never carry a UID.

use std::cmp::Ordering;

/// The output folder of a file of a page bundle: the page's own folder, plus the file's
/// subfolder (`axial/001.png` → `cases/a/axial/`).
pub fn output_folder(page_path: &str, file: &str) -> String {
    match file.rfind('/') {
        Some(i) => format!("{page_path}{}", &file[..=i]),
        None => page_path.to_string(),
    }
}

/// A file name without its folder and extension.
pub fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// "2.png" before "10.png": numbers in names compare as numbers, as scanners number slices.
pub fn natural_order(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b))
}

fn natural_key(name: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                key.push((1, 0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            text.push(c.to_ascii_lowercase());
        }
    }
    if !digits.is_empty() {
        key.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !text.is_empty() {
        key.push((1, 0, text));
    }
    key
}

/// The name a DICOM file is published under: its stem, unless the stem looks like a UID
/// (digits and dots, as many PACS exports name files), which must never reach the output.
pub fn public_dicom_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = match name.rsplit_once('.') {
        Some((s, ext)) if ext.eq_ignore_ascii_case("dcm") || ext.eq_ignore_ascii_case("dicom") => s,
        _ => name,
    };
    if stem.is_empty() || stem.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let hash = blake3::hash(stem.as_bytes()).to_hex();
        format!("image-{}", &hash[..8])
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_slices() {
        let mut v = vec!["IM10.png", "IM2.png", "IM1.png", "im3.png"];
        v.sort_by(|a, b| natural_order(a, b));
        assert_eq!(v, ["IM1.png", "IM2.png", "im3.png", "IM10.png"]);
    }

    #[test]
    fn uid_like_names_are_never_published() {
        assert_eq!(public_dicom_stem("ct-head.dcm"), "ct-head");
        assert_eq!(public_dicom_stem("axial/IM0001"), "IM0001");
        let uid = public_dicom_stem("1.2.840.113619.2.55.3.604688119.dcm");
        assert!(
            uid.starts_with("image-") && !uid.contains("113619"),
            "{uid}"
        );
        assert!(public_dicom_stem("1.2.840.113619").starts_with("image-"));
    }

    #[test]
    fn bundle_files_go_beside_the_page() {
        assert_eq!(output_folder("cases/a/", "ct.png"), "cases/a/");
        assert_eq!(output_folder("cases/a/", "axial/001.png"), "cases/a/axial/");
        assert_eq!(stem("axial/001.png"), "001");
    }
}
