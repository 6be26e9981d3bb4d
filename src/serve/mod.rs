//! `radcase serve`: the site held in memory, rebuilt incrementally as files change, served
//! over HTTP with live reload and build errors shown in the browser.
//!
//! - [`site`]: the pipeline's state between rebuilds and the outputs as bytes;
//! - [`affected`]: which outputs read an edited page (the dependency rules);
//! - [`watch`]: file events, batched per burst of saves;
//! - [`http`]: the server, the event stream and the reload script.
//!
//! `commands::serve` wires them together.

pub mod affected;
pub mod http;
pub mod site;
pub mod watch;
