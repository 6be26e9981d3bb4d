//! The integration tests, one binary (one link, as ripgrep does): each module runs the real
//! `radcase` binary on real site folders and parses what it writes, or drives the library
//! in-process where a rule needs no process.

mod architecture;
mod bad_input;
mod browser;
mod build_site;
mod cards;
mod case_images;
mod case_notes;
mod check;
mod chrome;
mod common;
mod content_rules;
mod dicom;
mod events;
mod example_site;
mod feeds;
mod gate;
mod images;
mod output_safety;
mod people;
mod pixels;
mod playlist;
mod privacy;
mod privacy_corpus;
mod program_corpus;
mod program_home;
mod program_privacy;
mod publish;
mod questions;
mod reliability;
mod scaffold;
mod schedule;
mod search;
mod search_browser;
mod serve;
mod staged_answer;
