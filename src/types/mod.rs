//! The bottom layer: small plain types that cross stage borders (ids, paths, pictures, pagers,
//! feeds, windows) and HTML escaping. Nothing here reads a file or knows a stage; every other
//! module may use it, and it uses nothing of the crate but `diagnostic`.

mod feed;
mod html;
mod ids;
mod image;
mod pager;
mod path;
mod search;

pub use feed::{FeedFormat, FeedSource};
pub use html::escape_html;
pub use ids::{PageId, SectionId, TaxonomyId, TermId};
pub use image::{
    DicomFrame, Format, ImageSettings, MAX_SIDE, NamedWindow, PRESETS, Picture, Rect, Stack,
    StackWindow, THUMB_ASPECT, Thumb, Variant, Window, plan_variants,
};
pub use pager::Pager;
pub use path::{OutPath, is_inside, slash_path};
pub use search::{CHUNK, FACETS, SEARCH_DIR, SearchFile, SearchLayout};
