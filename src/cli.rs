//! Command-line definitions (clap). No logic here: `main.rs` dispatches to `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// radcase turns a folder of radiology teaching cases (Markdown plus images) into a fast,
/// private-by-default static website.
#[derive(Debug, Parser)]
#[command(
    name = "radcase",
    version,
    about = "Turn a folder of radiology teaching cases (Markdown plus images) into a website",
    after_help = "Examples:\n  \
        radcase new site my-cases              start a site with one sample case\n  \
        radcase new case \"Acute appendicitis\" --site my-cases\n  \
        radcase serve my-cases                 preview at http://127.0.0.1:1111/, reloading on save\n  \
        radcase build my-cases                 write the website to my-cases/public\n\n\
        Each case is a folder under content/ with an index.md (front matter + Markdown) and its images.\n\
        Published images are re-encoded, so no metadata of the source files reaches the website."
)]
pub struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is being done.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the website from a site folder (writes SITE/public unless --output is given).
    Build(BuildArgs),
    /// Build the site into memory and serve it at http://127.0.0.1:1111/, rebuilding on every
    /// save and reloading open pages.
    Serve(ServeArgs),
    /// List privacy findings (identifiers in text and file names) and the image metadata a build
    /// strips, then check every link, image and #fragment of the built site (in memory; with
    /// --external, links to other sites too). Exits 1 on any finding or broken link.
    Check(CheckArgs),
    /// Create a new site, or a new case in a site.
    #[command(subcommand)]
    New(NewCommand),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (the one with config.toml).
    #[arg(default_value = ".")]
    pub site: PathBuf,
    /// Where to write the website. It is replaced as a whole when the build succeeds.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Publish under this address instead of base_url from config.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// What "today" is for upcoming events, deadlines and residents' PGY years: a date
    /// (2027-01-15) or an RFC 3339 time. Defaults to $SOURCE_DATE_EPOCH, else the clock.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Keep processed images here instead of [images] cache_dir (default SITE/.radcase-cache).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (the one with config.toml).
    #[arg(default_value = ".")]
    pub site: PathBuf,
    /// The port to listen on; the next free one is used if it is taken (0: any free port).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but 127.0.0.1 or ::1 lets other computers read the site.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// What "today" is for upcoming events, deadlines and residents' PGY years: a date
    /// (2027-01-15) or an RFC 3339 time. Defaults to $SOURCE_DATE_EPOCH, else the clock.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Keep processed images here instead of [images] cache_dir (default SITE/.radcase-cache).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (the one with config.toml).
    #[arg(default_value = ".")]
    pub site: PathBuf,
    /// Also check links to other sites over HTTP (answers are kept in the cache folder).
    #[arg(long)]
    pub external: bool,
    /// With --external: ask every address again instead of using the kept answers.
    #[arg(long, requires = "external")]
    pub refresh: bool,
    /// With --external: seconds to wait for one address, redirects included.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// With --external: addresses asked at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: u64,
    /// With --external: addresses asked at once from one host.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub per_host: u64,
    /// Include pages marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// What "today" is for upcoming events, deadlines and residents' PGY years: a date
    /// (2027-01-15) or an RFC 3339 time. Defaults to $SOURCE_DATE_EPOCH, else the clock.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Keep processed images and link answers here instead of [images] cache_dir.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a starter site with one sample case in DIR.
    Site {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Create a case folder (content/cases/SLUG/index.md) with every case field ready to fill in.
    Case {
        /// The case title, e.g. "Acute appendicitis with appendicolith".
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Create a person page (content/people/SLUG/index.md) with every person field ready to fill in.
    Person {
        /// The person's name as the site shows it, e.g. "Jane Doe".
        name: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Create an event folder (content/events/SLUG/index.md) with every event key ready to fill in.
    Event {
        /// The event title, e.g. "Residency open house".
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

/// `--now`: a date (midnight UTC) or an RFC 3339 date and time.
fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    crate::config::parse_instant(s).ok_or_else(|| {
        format!("`{s}` is not a date: write 2027-01-15 or 2027-01-15T09:00:00-05:00")
    })
}
