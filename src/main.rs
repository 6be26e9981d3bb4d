//! The `radcase` binary: parse the command line, run one command, map the result to an exit
//! code (0 success, 1 the site has errors, 2 bad command-line usage, from clap).

use std::process::ExitCode;

use clap::Parser;
use radcase::cli::{Cli, Command, NewCommand};
use radcase::commands::{build, check, new, serve};
use radcase::diagnostic::Errors;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match try_main(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            eprintln!("{errors}");
            let n = errors.0.len();
            if let Command::Check(_) = cli.command {
                eprintln!("\n{n} problem(s) found; each has a hint above.");
            } else if n > 1 {
                eprintln!("\n{n} errors; nothing was written.");
            }
            ExitCode::from(1)
        }
    }
}

fn try_main(cli: &Cli) -> Result<(), Errors> {
    match &cli.command {
        Command::Build(args) => {
            let options = build::BuildOptions {
                site: args.site.clone(),
                output: args.output.clone(),
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                now: args.now,
                cache_dir: args.cache_dir.clone(),
                progress: !cli.quiet,
            };
            let report = build::build(&options)?;
            if !cli.quiet {
                report
                    .warnings
                    .iter()
                    .for_each(|w| eprintln!("warning: {w}"));
            }
            let cards = &report.cards;
            if cli.verbose {
                for (stage, took) in &report.stages {
                    eprintln!("  {stage:<28} {:>7.1} ms", took.as_secs_f64() * 1000.0);
                }
                eprintln!(
                    "  {:<28} {:>7}",
                    "source images opened", report.source_reads
                );
                if cards.drawings > 0 {
                    let each = cards.drawing.as_secs_f64() * 1000.0 / cards.drawings as f64;
                    eprintln!("  {:<28} {each:>7.1} ms CPU", "drawing one share card");
                }
                if cards.decoded > 0 {
                    let each = cards.decoding.as_secs_f64() * 1000.0 / cards.decoded as f64;
                    eprintln!(
                        "  {:<28} {each:>7.1} ms CPU ({} decoded for cards alone)",
                        "decoding one key image", cards.decoded
                    );
                }
            }
            if !cli.quiet {
                let images = &report.images;
                eprintln!(
                    "Built {} pages in {} sections ({} files, {} images: {} processed, {} from the cache, {} share cards: {} drawn, {} from the cache) into {} in {} ms",
                    report.pages,
                    report.sections,
                    report.files,
                    images.sources,
                    images.decoded,
                    images.sources - images.decoded,
                    cards.cards,
                    cards.drawn,
                    cards.cards - cards.drawn,
                    report.output.display(),
                    report.elapsed.as_millis()
                );
                if let Some(due) = &report.next_due {
                    eprintln!(
                        "Next scheduled change: {due}; build again then (`--now {}` previews it).",
                        due.at.format("%Y-%m-%dT%H:%M:%SZ")
                    );
                }
            }
            Ok(())
        }
        Command::Serve(args) => serve::serve(&serve::ServeOptions {
            site: args.site.clone(),
            port: args.port,
            bind: args.bind,
            open: args.open,
            drafts: args.drafts,
            now: args.now,
            cache_dir: args.cache_dir.clone(),
            quiet: cli.quiet,
        }),
        Command::Check(args) => check::run(&check::CheckOptions {
            site: args.site.clone(),
            drafts: args.drafts,
            now: args.now,
            cache_dir: args.cache_dir.clone(),
            external: args.external.then(|| check::External {
                timeout: std::time::Duration::from_secs(args.timeout),
                concurrency: args.concurrency as usize,
                per_host: args.per_host as usize,
                refresh: args.refresh,
            }),
            quiet: cli.quiet,
        }),
        Command::New(NewCommand::Site { dir }) => {
            new::site(dir)?;
            if !cli.quiet {
                eprintln!("{}", new::next_steps(dir));
            }
            Ok(())
        }
        Command::New(NewCommand::Event { title, site }) => {
            let path = new::event(site, title)?;
            if !cli.quiet {
                eprintln!(
                    "Created {}. Set its start (and end, place, links) in the front matter.",
                    path.display()
                );
            }
            Ok(())
        }
        Command::New(NewCommand::Case { title, site }) => {
            let path = new::case(site, title)?;
            if !cli.quiet {
                eprintln!(
                    "Created {}. Put the case's images beside it.",
                    path.display()
                );
            }
            Ok(())
        }
        Command::New(NewCommand::Person { name, site }) => {
            let path = new::person(site, name)?;
            if !cli.quiet {
                eprintln!(
                    "Created {}. Put the person's photo beside it and set `photo`.",
                    path.display()
                );
            }
            Ok(())
        }
    }
}
