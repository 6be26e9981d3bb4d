//! radcase: a static site generator for radiology teaching cases.
//!
//! One build is data flowing through stages, each a module:
//! `config` → `content` (load) → `plan` → `render` + `media` (run) → `output` (commit).
//! `commands` orchestrates them for each CLI command; `main.rs` only dispatches.

pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod front;
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
