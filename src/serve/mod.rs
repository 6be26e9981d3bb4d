//! `radcase serve`: the site held in memory, rebuilt incrementally as files change, served
//! over HTTP with live reload and build errors shown in the browser.
//!
//! - [`site`]: the current pipeline and the outputs as bytes, and the in-memory sink;
//! - [`watch`]: file events, batched per burst of saves;
//! - [`http`]: the server, the event stream and the reload script.
//!
//! `commands::serve` wires them together; what a change affects is the pipeline's to say.

pub mod http;
pub mod site;
pub mod watch;
