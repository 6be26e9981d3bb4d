//! DICOM files → 8-bit pixels (dicom-rs), the first step of DICOM import.
//!
//! Only pixels leave this module: a decoded frame is a plain `DynamicImage`, and the only header
//! values read are the ones that order and window the frames (InstanceNumber,
//! ImagePositionPatient, the VOI window). No header value, UID or file reaches the output from
//! here. Not wired into bundles yet: `content::bundle` still withholds DICOM files.

use std::path::Path;

use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, OpenFileOptions};
use dicom_pixeldata::{ConvertOptions, PixelDecoder, VoiLutOption, WindowLevel};
use image::DynamicImage;

use crate::diagnostic::Diagnostic;

/// How to map stored values to grey levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// A named preset or an explicit center/width, in Hounsfield units for CT.
    Custom { center: f64, width: f64 },
    /// The file's own VOI window (or VOI LUT), else the min–max range of the pixels.
    FromFile,
}

/// The named windows of front matter (`window = "lung"`), as center/width.
pub const PRESETS: &[(&str, f64, f64)] = &[
    ("lung", -600.0, 1500.0),
    ("bone", 400.0, 1800.0),
    ("brain", 40.0, 80.0),
    ("soft-tissue", 50.0, 400.0),
    ("liver", 60.0, 160.0),
];

impl Window {
    /// A preset by name, or None (the caller suggests the closest of [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Window> {
        PRESETS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, center, width)| Window::Custom { center, width })
    }
}

/// The frames of one DICOM file, and what orders them in a series.
#[derive(Debug)]
pub struct Frames {
    pub images: Vec<DynamicImage>,
    pub instance_number: Option<i32>,
    /// The third coordinate of ImagePositionPatient (head–foot for axial series).
    pub slice_position: Option<f64>,
}

/// Whether `bytes` start like a DICOM file (128-byte preamble, then `DICM`).
pub fn is_dicom(bytes: &[u8]) -> bool {
    bytes.len() >= 132 && &bytes[128..132] == b"DICM"
}

/// Open a DICOM file, header and pixels.
pub fn open(path: &Path) -> Result<DefaultDicomObject, Diagnostic> {
    OpenFileOptions::new().open_file(path).map_err(|e| {
        Diagnostic::in_file(path, format!("not a readable DICOM file: {e}")).with_hint(
            "export the series again from the PACS or viewer as DICOM Part 10 files, or remove this file",
        )
    })
}

/// Decode every frame of `obj` (read from `path`) to 8-bit images with `window`.
pub fn frames(path: &Path, obj: &DefaultDicomObject, window: Window) -> Result<Frames, Diagnostic> {
    if obj.element_opt(tags::PIXEL_DATA).ok().flatten().is_none() {
        return Err(Diagnostic::in_file(path, "this DICOM file has no pixel data")
            .with_hint("it may be a report, a structured report or a presentation state: remove it from the case folder"));
    }
    let syntax = obj
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_string();
    let decoded = obj.decode_pixel_data().map_err(|e| {
        Diagnostic::in_file(path, format!("cannot decode the pixels (transfer syntax {syntax}): {e}"))
            .with_hint("export it uncompressed (Explicit VR Little Endian) or as JPEG baseline/lossless or RLE")
    })?;
    let voi = match window {
        Window::Custom { center, width } => VoiLutOption::Custom(WindowLevel { center, width }),
        Window::FromFile => VoiLutOption::First,
    };
    let options = ConvertOptions::new().with_voi_lut(voi).force_8bit();
    let images = (0..decoded.number_of_frames())
        .map(|f| {
            decoded
                .to_dynamic_image_with_options(f, &options)
                .map_err(|e| {
                    Diagnostic::in_file(path, format!("cannot convert frame {}: {e}", f + 1))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let int = |tag| {
        obj.element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_int::<i32>().ok())
    };
    let slice_position = obj
        .element_opt(tags::IMAGE_POSITION_PATIENT)
        .ok()
        .flatten()
        .and_then(|e| e.to_multi_float64().ok())
        .and_then(|v| v.get(2).copied());
    Ok(Frames {
        images,
        instance_number: int(tags::INSTANCE_NUMBER),
        slice_position,
    })
}
