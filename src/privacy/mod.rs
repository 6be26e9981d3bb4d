//! The privacy guard: nothing that identifies a patient is published.
//!
//! `rules` finds HIPAA Safe Harbor identifiers in text; `scan` reads a site's sources (Markdown
//! bodies, front matter values, captions and alt text, file names — drafts included) and turns
//! hits into findings with their file, line and column; `ack` applies a page's acknowledgements;
//! `metadata` lists what will be stripped from source images. This module reads sources on its
//! own, so it never depends on what `content::load` kept (drafts are left out there).

pub mod rules;
