//! Images and other media: probing, decoding, resizing, encoding, share cards and the
//! derivative cache.
//!
//! Nothing here copies a source image: every published image is re-encoded from pixels, so no
//! metadata (EXIF, GPS, XMP, IPTC, comments, text chunks, thumbnails) reaches the output.

mod assets;
pub mod cache;
pub mod card;
pub mod dicom;
mod encode;
mod pipeline;
mod raster;
mod variants;

pub use assets::{Treatment, publish, treatment};
pub use cache::Cache;
pub use pipeline::{ImageJob, ImageStats, decode_source, process};
pub use raster::{ImageInfo, MAX_SIDE, RasterKind, decode, probe, raster_kind};
pub use variants::{Format, ImageSettings, Variant, plan_variants};
