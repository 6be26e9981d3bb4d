//! Images and other media: probing, decoding, resizing, encoding, share cards and the
//! derivative cache.
//!
//! Nothing here copies a source image: every published image is re-encoded from pixels, so no
//! metadata (EXIF, GPS, XMP, IPTC, comments, text chunks, thumbnails) reaches the output. What a
//! file is comes from the source list (`source::FileKind`); this layer never guesses it again.

mod assets;
pub mod budget;
pub mod cache;
pub mod card;
pub mod dicom;
mod encode;
pub mod ocr;
mod pipeline;
pub mod probes;
mod raster;

pub use assets::publish;
pub use cache::Cache;
pub use pipeline::{
    FoundText, ImageJob, ImageStats, cached_text_of, card_text, decode_cut, decode_source,
    file_text, process,
};
pub use probes::Probes;
pub use raster::{ImageInfo, decode, probe};
