//! radcase: a static site generator for radiology teaching cases.
//!
//! One build is data flowing through stages, wired once in [`pipeline`]: `source` (one walk) →
//! `front` (records) → `privacy` (the guard) beside `content` (the library) → `plan` → run into
//! an `output::Sink` with `media` and `render`. `commands` drive the pipeline for each CLI
//! command (`build` into a staging folder, `serve` into memory); `main.rs` only dispatches.
//! Modules use only the layers below their own (the README's Architecture section; checked by
//! `tests/it/architecture.rs`).

pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod front;
pub mod links;
pub mod markdown;
pub mod media;
pub mod output;
pub mod picture;
pub mod pipeline;
pub mod plan;
pub mod privacy;
pub mod render;
pub mod serve;
pub mod source;
pub mod theme;
mod toml_errors;
pub mod types;
