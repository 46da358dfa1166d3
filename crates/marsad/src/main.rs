//! `marsad`: reads Arabic news and rebuilds the political system it describes.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use marsad::analyze::{self, Format};
use marsad::error::{user, UserError};

#[derive(Parser)]
#[command(
    name = "marsad",
    version,
    about = "Reads Arabic news and rebuilds the political system it describes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Jsonl,
    Text,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse documents: files, directories (recursive) or `-` for stdin.
    ///
    /// Plain text (UTF-8, UTF-16 with BOM, windows-1256), HTML, JSONL
    /// (`id`, `text`, optional `title`, `published`, `url`, `source`).
    /// Exit code 0: all documents analysed; 1: some inputs failed (each named
    /// on stderr); 2: usage error.
    Analyze {
        /// Files or directories; `-` reads stdin. Default: stdin.
        paths: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: FormatArg,
        /// Publication date (YYYY-MM-DD) for inputs that carry none.
        #[arg(long, value_name = "YYYY-MM-DD")]
        published: Option<String>,
        /// Keep boilerplate lines (menus, footers, bylines, alt-text).
        #[arg(long)]
        keep_boilerplate: bool,
        /// Do not split glued words.
        #[arg(long)]
        no_glue_repair: bool,
    },
    /// Measure text-layer throughput (per core) on SaudiNewsNet zips.
    Bench {
        /// Directory holding the SaudiNewsNet *.zip files.
        #[arg(long, default_value = "../shared/corpora/saudinewsnet")]
        corpus: PathBuf,
        /// Use only the first N zips.
        #[arg(long)]
        zips: Option<usize>,
    },
    /// Measure extraction quality.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Glued-word repair: delete random spaces from SaudiNewsNet text, repair,
    /// report precision/recall of the re-inserted spaces.
    Glue {
        #[arg(long, default_value = "../shared/corpora/saudinewsnet")]
        corpus: PathBuf,
        /// Probability of deleting each space between two Arabic words.
        #[arg(long, default_value_t = 0.05)]
        rate: f64,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Which zips: `tune` (2015-07-*, used to set thresholds), `heldout`
        /// (2015-08-*, never used for tuning) or `all`.
        #[arg(long, default_value = "heldout")]
        set: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if let Some(u) = e.downcast_ref::<UserError>() {
                eprintln!("marsad: error: {u}");
                ExitCode::from(2)
            } else if e
                .downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            {
                ExitCode::SUCCESS
            } else {
                eprintln!("marsad: internal error: {e:#}");
                ExitCode::from(3)
            }
        }
    }
}

/// A real calendar date written exactly `YYYY-MM-DD` (the ingest layer's
/// date parser decides validity; other spellings it accepts are refused here).
fn valid_date(s: &str) -> bool {
    marsad_ingest::normalize_date(s).as_deref() == Some(s)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyze {
            mut paths,
            format,
            published,
            keep_boilerplate,
            no_glue_repair,
        } => {
            if let Some(p) = &published {
                if !valid_date(p) {
                    return Err(user(format!(
                        "--published {p:?}: expected a date YYYY-MM-DD"
                    )));
                }
            }
            if paths.is_empty() {
                paths.push("-".into());
            }
            for p in &paths {
                if p != "-" && !std::path::Path::new(p).exists() {
                    return Err(user(format!("{p}: no such file or directory")));
                }
            }
            let opts = marsad_text::Options {
                remove_boilerplate: !keep_boilerplate,
                repair_glue: !no_glue_repair,
                tokenize: true,
            };
            let inputs = marsad_ingest::read_inputs(&paths);
            let outcome = analyze::analyze_docs(
                inputs.into_iter().collect(),
                published.as_deref(),
                &opts,
                |msg| eprintln!("marsad: {msg}"),
            );
            let format = match format {
                FormatArg::Json => Format::Json,
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Text => Format::Text,
            };
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            analyze::write(&mut out, &outcome.analyses, format)?;
            out.flush()?;
            if !outcome.errors.is_empty() {
                eprintln!(
                    "marsad: {} document(s) analysed, {} input(s) failed",
                    outcome.analyses.len(),
                    outcome.errors.len()
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { corpus, zips } => {
            if !corpus.is_dir() {
                return Err(user(format!(
                    "{}: corpus directory not found (SaudiNewsNet zips)",
                    corpus.display()
                )));
            }
            let texts = marsad::bench::load_saudinewsnet(&corpus, zips.unwrap_or(usize::MAX))
                .context("reading the corpus")?;
            let _ = marsad::bench::run(&texts[..texts.len().min(200)]);
            print!("{}", marsad::bench::run(&texts).render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Glue {
            corpus,
            rate,
            seed,
            set,
        }) => {
            if !corpus.is_dir() {
                return Err(user(format!(
                    "{}: corpus directory not found",
                    corpus.display()
                )));
            }
            if !(0.0..=1.0).contains(&rate) || rate == 0.0 {
                return Err(user("--rate must be in (0, 1]"));
            }
            let prefix = match set.as_str() {
                "tune" => "2015-07-",
                "heldout" => "2015-08-",
                "all" => "",
                other => {
                    return Err(user(format!(
                        "--set {other:?}: expected tune, heldout or all"
                    )))
                }
            };
            let report = marsad::eval::glue(&corpus, prefix, rate, seed)?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
