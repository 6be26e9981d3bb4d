//! One module per command; each is thin orchestration of the pipeline stages.

pub mod build;
pub mod check;
pub mod new;
pub mod serve;
