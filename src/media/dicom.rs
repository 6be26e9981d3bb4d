//! DICOM files → 8-bit pixels (dicom-rs), the first step of DICOM import.
//!
//! Only pixels leave this module: a decoded frame is a plain `DynamicImage`, and the only header
//! values read are the ones that order and window the frames (InstanceNumber,
//! ImagePositionPatient, the VOI window). No header value, UID or file reaches the output from
//! here. `content::bundle` reads [`header`]s to lay out galleries and stacks; the image pipeline
//! calls [`decode_frame`] for the pixels of one variant source.

use std::path::Path;

use dicom_dictionary_std::tags;
use dicom_encoding::TransferSyntaxIndex;
use dicom_object::file::ReadPreamble;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_pixeldata::{ConvertOptions, PixelDecoder, VoiLutOption, WindowLevel};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use image::DynamicImage;

use crate::diagnostic::{Diagnostic, io_error};
use crate::types::{DicomFrame, MAX_SIDE, Window};

/// The frames of one DICOM file, and what orders them in a series.
#[derive(Debug)]
pub struct Frames {
    pub images: Vec<DynamicImage>,
    pub instance_number: Option<i32>,
    /// The third coordinate of ImagePositionPatient (head–foot for axial series).
    pub slice_position: Option<f64>,
}

/// Whether `bytes` start like a DICOM file: Part 10 (with or without the 128-byte preamble) or a
/// bare data set (see [`crate::source::is_dicom`]).
pub fn is_dicom(bytes: &[u8]) -> bool {
    crate::source::is_dicom(&bytes[..bytes.len().min(crate::source::DICOM_HEAD)])
}

/// Open a DICOM file, header and pixels. A file that starts like DICOM but cannot be read to
/// its end is called truncated: that is what a cut-off copy looks like.
pub fn open(path: &Path) -> Result<DefaultDicomObject, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the DICOM file", &e))?;
    open_bytes(path, &bytes)
}

fn open_bytes(path: &Path, bytes: &[u8]) -> Result<DefaultDicomObject, Diagnostic> {
    let part10 = bytes.starts_with(b"DICM") || bytes.get(128..132) == Some(b"DICM");
    let read = if part10 || !is_dicom(bytes) {
        OpenFileOptions::new()
            .read_preamble(ReadPreamble::Auto)
            .from_reader(bytes)
            .map_err(|e| e.to_string())
    } else {
        open_bare(bytes)
    };
    read.map_err(|e| {
        if is_dicom(bytes) {
            Diagnostic::in_file(path, format!("the DICOM file is truncated or damaged: {e}"))
                .with_hint("copy or export the file again; it was cut off or corrupted")
        } else {
            Diagnostic::in_file(path, format!("not a readable DICOM file: {e}")).with_hint(
                "export the series again from the PACS or viewer as DICOM Part 10 files, or remove this file",
            )
        }
    })
}

/// A DICOM file as older PACS export them: a meta group without the `DICM` magic before it, or
/// a data set alone (implicit or explicit VR little endian, told apart by whether a VR follows
/// the first tag). The meta table radcase gives the latter is never written anywhere.
fn open_bare(bytes: &[u8]) -> Result<DefaultDicomObject, String> {
    if bytes.starts_with(&[0x02, 0x00]) {
        return OpenFileOptions::new()
            .read_preamble(ReadPreamble::Never)
            .from_reader([b"DICM".as_slice(), bytes].concat().as_slice())
            .map_err(|e| e.to_string());
    }
    let explicit = bytes
        .get(4..6)
        .and_then(|b| dicom_core::VR::from_binary([b[0], b[1]]))
        .is_some();
    let uid = if explicit {
        "1.2.840.10008.1.2.1"
    } else {
        "1.2.840.10008.1.2"
    };
    let ts = TransferSyntaxRegistry
        .get(uid)
        .ok_or_else(|| format!("transfer syntax {uid} unknown"))?;
    let obj = InMemDicomObject::read_dataset_with_ts(bytes, ts).map_err(|e| e.to_string())?;
    obj.with_meta(
        FileMetaTableBuilder::new()
            .transfer_syntax(uid)
            .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
            .media_storage_sop_instance_uid("2.25.0"),
    )
    .map_err(|e| e.to_string())
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

/// What lays out a DICOM file in a gallery or stack, read and checked before any pixel is
/// decoded: its size, frame count, order keys, and the series it belongs to (compared only,
/// never published).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub rows: u32,
    pub columns: u32,
    pub frames: u32,
    pub instance_number: Option<i32>,
    /// ImagePositionPatient projected on the slice normal (from ImageOrientationPatient), so
    /// sagittal and oblique series sort as well as axial ones.
    pub slice_position: Option<f64>,
    pub series: Option<String>,
}

const EXPORT_HINT: &str = "export it again as uncompressed DICOM (Explicit VR Little Endian), JPEG baseline/lossless or RLE";

/// Read and check the DICOM file at `path`, once: readable to the end, with pixel data radcase
/// can decode, of a size the image pipeline accepts. Returns the header and the hash of the
/// file's bytes (which keys every cache entry made from it). Every error names the file and
/// says what to do.
pub fn header(path: &Path) -> Result<(Header, blake3::Hash), Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the DICOM file", &e))?;
    let hash = blake3::hash(&bytes);
    Ok((header_of(path, &open_bytes(path, &bytes)?)?, hash))
}

fn header_of(path: &Path, obj: &DefaultDicomObject) -> Result<Header, Diagnostic> {
    let syntax_uid = obj
        .meta()
        .transfer_syntax()
        .trim_end_matches(['\0', ' '])
        .to_string();
    match TransferSyntaxRegistry.get(&syntax_uid) {
        None => {
            return Err(Diagnostic::in_file(
                path,
                format!("unknown transfer syntax {syntax_uid}: radcase cannot decode its pixels"),
            )
            .with_hint(EXPORT_HINT));
        }
        Some(ts) if !ts.can_decode_all() => {
            return Err(Diagnostic::in_file(
                path,
                format!(
                    "transfer syntax \"{}\" ({syntax_uid}) cannot be decoded by radcase",
                    ts.name()
                ),
            )
            .with_hint(format!(
                "{EXPORT_HINT}; JPEG 2000 and JPEG-LS need C libraries radcase does not use"
            )));
        }
        Some(_) => {}
    }
    let Some(pixels) = obj.element_opt(tags::PIXEL_DATA).ok().flatten() else {
        return Err(no_pixel_data(path));
    };
    let int = |tag| {
        obj.element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_int::<i64>().ok())
    };
    let rows = int(tags::ROWS).unwrap_or(0);
    let columns = int(tags::COLUMNS).unwrap_or(0);
    let side = i64::from(MAX_SIDE);
    if rows <= 0 || columns <= 0 || rows > side || columns > side {
        return Err(Diagnostic::in_file(
            path,
            format!(
                "the image size in the header ({columns}×{rows}) is not one radcase can publish"
            ),
        )
        .with_hint(format!(
            "sides must be between 1 and {side} pixels; {EXPORT_HINT}"
        )));
    }
    let frames = int(tags::NUMBER_OF_FRAMES).unwrap_or(1).clamp(1, 100_000);
    // Uncompressed pixel data must hold every frame: a file cut off in its pixels would
    // otherwise fail only when a variant is first made, or not at all.
    if pixels.fragments().is_none()
        && let Ok(bytes) = pixels.to_bytes()
    {
        let samples = int(tags::SAMPLES_PER_PIXEL).unwrap_or(1).clamp(1, 4);
        let bits = int(tags::BITS_ALLOCATED).unwrap_or(16).clamp(1, 64);
        let need = (rows * columns * samples * frames * bits + 7) / 8;
        if (bytes.len() as i64) < need {
            return Err(truncated(path));
        }
    }
    let series = obj
        .element_opt(tags::SERIES_INSTANCE_UID)
        .ok()
        .flatten()
        .and_then(|e| e.to_str().ok())
        .map(|s| s.trim_matches(['\0', ' ']).to_string())
        .filter(|s| !s.is_empty());
    Ok(Header {
        rows: rows as u32,
        columns: columns as u32,
        frames: frames as u32,
        instance_number: int(tags::INSTANCE_NUMBER).and_then(|n| i32::try_from(n).ok()),
        slice_position: position_on_normal(obj),
        series,
    })
}

fn no_pixel_data(path: &Path) -> Diagnostic {
    Diagnostic::in_file(path, "this DICOM file has no pixel data").with_hint(
        "it may be a report, a structured report or a presentation state: take it out of `images` and `stacks`",
    )
}

fn truncated(path: &Path) -> Diagnostic {
    Diagnostic::in_file(
        path,
        "the DICOM file is truncated: its pixel data is shorter than its header says",
    )
    .with_hint("copy or export the file again; it was cut off")
}

/// ImagePositionPatient · (row direction × column direction): the slice's place along its
/// normal. Falls back to the third coordinate when the orientation is missing.
fn position_on_normal(obj: &DefaultDicomObject) -> Option<f64> {
    let floats = |tag| {
        obj.element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_multi_float64().ok())
    };
    let pos = floats(tags::IMAGE_POSITION_PATIENT).filter(|p| p.len() == 3)?;
    let Some(o) = floats(tags::IMAGE_ORIENTATION_PATIENT).filter(|o| o.len() == 6) else {
        return Some(pos[2]);
    };
    let n = [
        o[1] * o[5] - o[2] * o[4],
        o[2] * o[3] - o[0] * o[5],
        o[0] * o[4] - o[1] * o[3],
    ];
    Some(pos[0] * n[0] + pos[1] * n[1] + pos[2] * n[2])
}

/// Decode one frame of the DICOM file at `path` to 8-bit pixels in its window. A codec panic
/// on a damaged file becomes an error naming the file, never a crashed build.
pub fn decode_frame(path: &Path, frame: DicomFrame) -> Result<super::budget::Decoded, Diagnostic> {
    let obj = open(path)?;
    // Rows × columns, 8-bit RGBA at most once windowed, plus the raw frame while it converts.
    let side = |tag| {
        obj.element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_int::<u32>().ok())
            .map_or(0, u64::from)
    };
    let permit = super::budget::acquire(side(tags::ROWS) * side(tags::COLUMNS), 4 + 2);
    if obj.element_opt(tags::PIXEL_DATA).ok().flatten().is_none() {
        return Err(no_pixel_data(path));
    }
    let voi = match frame.window {
        Window::Custom { center, width } => VoiLutOption::Custom(WindowLevel { center, width }),
        Window::FromFile => VoiLutOption::First,
    };
    let options = ConvertOptions::new().with_voi_lut(voi).force_8bit();
    let run = std::panic::AssertUnwindSafe(|| {
        obj.decode_pixel_data_frame(frame.frame)
            .map_err(|e| e.to_string())
            .and_then(|d| {
                d.to_dynamic_image_with_options(0, &options)
                    .map_err(|e| e.to_string())
            })
    });
    match std::panic::catch_unwind(run) {
        Ok(Ok(img)) => Ok(super::budget::Decoded::new(img, permit)),
        Ok(Err(e)) => Err(Diagnostic::in_file(
            path,
            format!("cannot decode frame {} of the pixels: {e}", frame.frame + 1),
        )
        .with_hint(EXPORT_HINT)),
        Err(_) => Err(Diagnostic::in_file(
            path,
            format!("the pixels of frame {} are damaged", frame.frame + 1),
        )
        .with_hint(EXPORT_HINT)),
    }
}
