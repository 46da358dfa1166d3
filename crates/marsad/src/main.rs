//! `marsad`: reads Arabic news and rebuilds the political system it describes.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use marsad::analyze::{self, Format};
use marsad::display::Bidi;
use marsad::error::{user, UserError};
use marsad::queries;
use marsad_kb::{Kb, Kind};
use marsad_recognize::tagger::{self, Tagger};
use marsad_recognize::Recognizer;

/// mimalloc instead of the system allocator: glibc's per-thread arenas kept
/// fragmented memory after each ingest batch, so resident memory grew with
/// the corpus (see README, benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "marsad",
    version,
    about = "Reads Arabic news and rebuilds the political system it describes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How tables show right-to-left text: `logical` for terminals that
    /// implement bidi (GNOME Terminal, Konsole, iTerm2), `visual` for those
    /// that do not (xterm, Linux console). Default: $MARSAD_BIDI, else logical.
    #[arg(long, global = true, value_enum)]
    bidi: Option<BidiArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum BidiArg {
    Logical,
    Visual,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExportFormat {
    PloverJsonl,
    Jsonl,
    Csv,
    Parquet,
    Graphml,
    Gexf,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExportTable {
    Events,
    Entities,
    Quotes,
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
        /// Recognise names with the knowledge base and rules only (no learned tagger).
        #[arg(long)]
        no_tagger: bool,
    },
    /// The knowledge base of actors (data/kb/*.tsv).
    #[command(subcommand)]
    Kb(KbCommand),
    /// Named-entity tags for a CoNLL file: one token per line (first column),
    /// blank line between sentences; prints `token TAG` (BIO over PERS LOC ORG MISC).
    Ner {
        /// CoNLL file, or `-` for stdin.
        #[arg(long, value_name = "FILE|-")]
        conll: String,
        /// Knowledge base and rules only (no learned tagger).
        #[arg(long)]
        no_tagger: bool,
    },
    /// Why a text's events were coded or not: every trigger candidate with
    /// its type, rule, actor and recipient as the rules found them, the
    /// model's probability against the type's threshold, and the decision
    /// (`event`, `below threshold`, `no actor`: a statement or meeting
    /// needs a named actor).
    Explain {
        /// A UTF-8 text file, or `-` for stdin.
        #[arg(value_name = "FILE|-")]
        input: String,
    },
    /// Train the name tagger on ANERcorp-style data (`token TAG` lines) and
    /// write the model; `--cv K` reports K-fold cross-validated entity F1 instead.
    TrainNer {
        #[arg(
            long,
            default_value = "../shared/data/anercorp/ANERCorp_CamelLab_train.txt"
        )]
        data: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "data/models/ner.bin")]
        out: PathBuf,
        #[arg(long, default_value_t = 10)]
        epochs: usize,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Cross-validate with K folds; writes no model.
        #[arg(long, value_name = "K")]
        cv: Option<usize>,
    },
    /// Train the learned event detector on the OEDA Arabic event gold
    /// standard (development half) and the team-written sentences, and write
    /// the model; `--cv K` reports document-grouped cross-validated scores.
    TrainEvents {
        /// Folder with assault_gsr.csv, protest_gsr.csv and their *_spans.json.
        #[arg(long, default_value = "../shared/data/arabic_event_gsr")]
        gsr: PathBuf,
        /// Folder of team-written labelled sentences (*.tsv).
        #[arg(long, default_value = "data/extract/event-sentences")]
        sentences: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "data/models/events.bin")]
        out: PathBuf,
        #[arg(long, default_value_t = 12)]
        epochs: usize,
        /// AdaGrad learning rate.
        #[arg(long, default_value_t = 0.02)]
        rate: f32,
        /// L2 penalty per example.
        #[arg(long, default_value_t = 1e-6)]
        l2: f32,
        /// Hashed feature space: 2^bits weights.
        #[arg(long, default_value_t = 18)]
        bits: u32,
        /// Thresholds maximise F-beta on out-of-fold predictions (beta < 1
        /// weighs precision more).
        #[arg(long, default_value_t = 1.0)]
        beta: f32,
        /// F-beta for types whose thresholds come from team-written
        /// sentences (fewer than 20 news positives): those sets are about
        /// half positives, news candidates far fewer, so precision weighs
        /// more.
        #[arg(long, default_value_t = 1.0)]
        written_beta: f32,
        /// Average N models trained with different example orders (one
        /// linear model: no cost when analysing; GSR ASSAULT F1 0.676 with
        /// 1, 0.684 with 5 in grouped CV, 4 repetitions).
        #[arg(long, default_value_t = 5)]
        bags: usize,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Cross-validate with K folds grouped by document; writes no model.
        #[arg(long, value_name = "K")]
        cv: Option<usize>,
        /// Repeat the cross-validation with R different fold assignments
        /// (seeds seed, seed+1, …) and pool the counts.
        #[arg(long, default_value_t = 1, value_name = "R")]
        repeat: usize,
        /// With --cv: write every GSR sentence's out-of-fold decision
        /// (id, type, gold, predicted, best probability, text) as TSV.
        #[arg(long, value_name = "FILE")]
        errors: Option<PathBuf>,
        /// News gold (documents' events with actor and recipient ids) that
        /// also trains the argument ranker (team-written training articles;
        /// never the development or held-out test gold).
        #[arg(long, default_value = "data/extract/event-docs/gold")]
        news_gold: PathBuf,
        /// The documents of --news-gold.
        #[arg(long, default_value = "data/extract/event-docs/docs")]
        news_docs: PathBuf,
    },
    /// Train the article-genre classifier (opinion column or news report)
    /// on team-written openings and write the model; `--cv K` reports
    /// cross-validated scores grouped by topic pair; `--check` measures the
    /// embedded model on labelled documents of a store.
    TrainGenre {
        /// Folder of labelled openings (`*.tsv`: `id group genre text`).
        #[arg(long, default_value = "data/extract/genre")]
        data: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "data/models/genre.bin")]
        out: PathBuf,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Cross-validate with K folds grouped by topic pair; writes no model.
        #[arg(long, value_name = "K")]
        cv: Option<usize>,
        /// Repeat the cross-validation R times with different folds.
        #[arg(long, default_value_t = 1, value_name = "R")]
        repeat: usize,
        /// Measure the embedded model on a genre gold file (`n doc_id genre
        /// note`; genre news, opinion or feature) whose documents are in
        /// the store --db; writes no model.
        #[arg(long, value_name = "GOLD", requires = "db")]
        check: Option<PathBuf>,
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Measure text-layer throughput (per core) on SaudiNewsNet zips.
    Bench {
        /// Directory holding the SaudiNewsNet *.zip files.
        #[arg(long, default_value = "../shared/corpora/saudinewsnet")]
        corpus: PathBuf,
        /// Use only the first N zips.
        #[arg(long)]
        zips: Option<usize>,
        /// Benchmark the corpus store instead: ingest the zips into a fresh
        /// store in DIR (deleted first), report ingest throughput, store and
        /// index size, search latency over data/bench/queries.txt, story
        /// clustering time and peak memory.
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
    },
    /// Analyse documents and store them (SQLite) for the corpus commands.
    /// Idempotent: a document already stored with the same content is
    /// skipped, changed content replaces the old version. SaudiNewsNet zips
    /// are read directly.
    Ingest {
        /// Files, directories, SaudiNewsNet *.zip files; `-` reads stdin.
        paths: Vec<String>,
        /// Store directory.
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        /// Publication date (YYYY-MM-DD) for inputs that carry none.
        #[arg(long, value_name = "YYYY-MM-DD")]
        published: Option<String>,
        /// Documents per batch (one store transaction).
        #[arg(long, default_value_t = 2000)]
        batch: usize,
        /// No progress output.
        #[arg(long, short)]
        quiet: bool,
        /// Afterwards print the stories with their actor networks
        /// (`marsad stories --network`).
        #[arg(long)]
        stories: bool,
    },
    /// Rebuild the search index (`<db>/index`) from the store, e.g. after it
    /// was damaged or deleted.
    Reindex {
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
    },
    /// Full-text search: words match across spellings (hamza, ى/ي, ة/ه,
    /// diacritics, أمريكا/أميركا), inside clitics (روسيا finds بروسيا) and by
    /// light stem; "quoted phrases" match exactly; OR between words.
    Search {
        query: String,
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<String>,
        /// Only articles that mention this entity (id or name; repeatable).
        #[arg(long, value_name = "ID|NAME")]
        entity: Vec<String>,
        /// Only articles with an event of this PLOVER type.
        #[arg(long = "type", value_name = "PLOVER_TYPE")]
        kind: Option<String>,
        /// Only articles of this source (outlet, web host or directory).
        #[arg(long)]
        source: Option<String>,
        /// Show wire copies as results of their own.
        #[arg(long)]
        copies: bool,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// One actor: mentions over time, partners with cooperation/conflict,
    /// its events and its quotations.
    Actor {
        /// Entity id (`country:RUS`) or name (Arabic or English).
        actor: String,
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long, default_value_t = 15)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Stories (clusters of articles about the same events), largest first.
    Stories {
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only stories with at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_articles: usize,
        /// Also print each story's actor network.
        #[arg(long)]
        network: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// One story: articles, main actors, actor network, summary, quotations.
    Story {
        id: i64,
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Events in the store, newest first (wire copies counted once).
    Events {
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        /// Entity id or name among the actors (`country:RUS`, `روسيا`).
        #[arg(long)]
        actor: Option<String>,
        /// Entity id or name among the recipients.
        #[arg(long)]
        recipient: Option<String>,
        /// PLOVER type (`ASSAULT`).
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<String>,
        /// Only events of this story.
        #[arg(long)]
        story: Option<i64>,
        /// Only events the detector is at least this sure of (0 to 1;
        /// events without a confidence count as 1).
        #[arg(long, value_name = "X")]
        min_confidence: Option<f64>,
        /// Include the events of wire copies.
        #[arg(long)]
        copies: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Actors in the store by the number of articles that mention them.
    Actors {
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Quotations in the store, optionally of one speaker.
    Quotes {
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        /// Entity id or name.
        #[arg(long, value_name = "ID|NAME")]
        speaker: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// Export: PLOVER JSONL of the given files, or from the store (no
    /// PATHS): events/entities/quotes as JSONL, CSV or Parquet (`--table`),
    /// PLOVER JSONL, the actor network as GraphML or GEXF (Gephi); all of the
    /// corpus or one `--story`.
    Export {
        /// Files or directories to analyse and export as PLOVER (no store).
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "plover-jsonl")]
        format: ExportFormat,
        /// Which rows for jsonl/csv/parquet.
        #[arg(long, value_enum)]
        table: Option<ExportTable>,
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        #[arg(long)]
        story: Option<i64>,
        /// Include wire copies (rows get a `copy_of` column).
        #[arg(long)]
        copies: bool,
        /// Write here instead of standard output (needed for Parquet).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// CSV: start with a byte-order mark (Excel then shows Arabic).
        #[arg(long)]
        bom: bool,
        /// Publication date (YYYY-MM-DD) for inputs that carry none.
        #[arg(long, value_name = "YYYY-MM-DD")]
        published: Option<String>,
    },
    /// Measure extraction quality: `marsad eval [GOLD...] [--report]` scores
    /// entities, events, quote speakers, quantities and dates against gold
    /// JSON (default: eval/gold/events/); `eval glue` and `eval entities` below.
    #[command(args_conflicts_with_subcommands = true)]
    Eval {
        #[command(subcommand)]
        cmd: Option<EvalCommand>,
        /// Gold JSON files or directories.
        gold: Vec<PathBuf>,
        /// List every miss and false hit per document.
        #[arg(long)]
        report: bool,
        /// Documents to analyse (default: examples/ and ../shared/seeds when present).
        #[arg(long = "docs", value_name = "PATH")]
        docs: Vec<String>,
    },
}

#[derive(Subcommand)]
enum KbCommand {
    /// Validate the data files (all errors with file:line); also lists ambiguous names.
    Check {
        /// Directory of *.tsv files (default: the knowledge base built into marsad).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Look up entries by Arabic or English name, variant or id.
    Find { query: String },
    /// List entries (id, type, names), optionally of one type.
    List {
        #[arg(long, value_name = "TYPE")]
        r#type: Option<String>,
    },
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Entity recognition and linking against gold (document, entity id) pairs.
    Entities {
        /// Gold file: `doc<TAB>entity` rows.
        #[arg(long, default_value = "eval/gold/entities-examples.tsv")]
        gold: PathBuf,
        /// Documents to analyse (default: examples/).
        paths: Vec<String>,
        /// Knowledge base and rules only.
        #[arg(long)]
        no_tagger: bool,
    },
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
        /// Labelled splits of the untouched corpus text (`id<TAB>offset<TAB>label`):
        /// estimates how many "wrong" insertions are real glue in the corpus.
        #[arg(long, default_value = "eval/gold/glue-splits.tsv")]
        gold: PathBuf,
        /// Write this many random splits of the untouched text, with context, for labelling.
        #[arg(long, requires = "sample_out")]
        sample: Option<usize>,
        /// File for --sample.
        #[arg(long)]
        sample_out: Option<PathBuf>,
    },
    /// Stories against annotated article pairs (same story or not):
    /// pairwise precision/recall of the clustering in a store. Build the store
    /// first: `marsad ingest ../shared/corpora/saudinewsnet --db DIR`.
    Stories {
        /// Gold: `id1<TAB>id2<TAB>0|1<TAB>sample` rows.
        #[arg(long, default_value = "eval/gold/story-pairs.tsv")]
        gold: PathBuf,
        #[arg(long, default_value = "marsad-data")]
        db: PathBuf,
        /// `tune` (pairs from 2015-07), `heldout` (2015-08) or `all`.
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

fn builtin_kb() -> Result<&'static Kb> {
    Kb::builtin().map_err(|e| anyhow::anyhow!("the built-in knowledge base is invalid: {e}"))
}

/// The recogniser over the built-in knowledge base, with the built-in
/// tagger unless `tagger` is false (`--no-tagger`).
fn recognizer(tagger: bool) -> Result<Recognizer<'static>> {
    let kb = builtin_kb()?;
    let t = if tagger {
        Some(builtin_tagger()?)
    } else {
        None
    };
    Ok(Recognizer::new(kb, t))
}

fn builtin_tagger() -> Result<&'static Tagger> {
    Tagger::builtin().map_err(|e| anyhow::anyhow!("the built-in NER model is invalid: {e}"))
}

/// Read a UTF-8 text file; problems are the user's (exit code 2).
/// A UTF-8 text file, or standard input for `-`.
fn read_text_or_stdin(path: &str) -> Result<String> {
    if path == "-" {
        let mut s = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut s)
            .map_err(|e| user(format!("<stdin>: {e}")))?;
        Ok(s)
    } else {
        read_text_file(path)
    }
}

fn read_text_file(path: &str) -> Result<String> {
    let b = std::fs::read(path).map_err(|e| user(format!("{path}: {e}")))?;
    String::from_utf8(b).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        user(format!("{path}:{line}: not valid UTF-8"))
    })
}

fn kb_command(cmd: KbCommand) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cmd {
        KbCommand::Check { dir } => {
            let loaded;
            let kb: &Kb = match &dir {
                Some(d) => {
                    if !d.is_dir() {
                        return Err(user(format!("{}: not a directory", d.display())));
                    }
                    match Kb::load_dir(d) {
                        Ok(k) => {
                            loaded = k;
                            &loaded
                        }
                        Err(e) => {
                            eprintln!("marsad: {e}");
                            return Ok(ExitCode::from(1));
                        }
                    }
                }
                None => match Kb::builtin() {
                    Ok(k) => k,
                    Err(e) => {
                        eprintln!("marsad: {e}");
                        return Ok(ExitCode::from(1));
                    }
                },
            };
            for (f, n) in &kb.files {
                writeln!(out, "{f}: {n} rows")?;
            }
            let mut by_kind: Vec<(Kind, usize)> = Vec::new();
            for e in &kb.entries {
                match by_kind.iter_mut().find(|(k, _)| *k == e.kind) {
                    Some(x) => x.1 += 1,
                    None => by_kind.push((e.kind, 1)),
                }
            }
            by_kind.sort_by_key(|x| std::cmp::Reverse(x.1));
            let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
            writeln!(
                out,
                "ok: {} entries ({}), {} offices, {} role phrases, {} name keys",
                kb.entries.len(),
                kinds.join(", "),
                kb.offices.len(),
                kb.phrases.len(),
                kb.key_count()
            )?;
            let amb = kb.ambiguous();
            if !amb.is_empty() {
                writeln!(
                    out,
                    "ambiguous names ({}; the first entry wins):",
                    amb.len()
                )?;
                for (k, ids) in amb {
                    writeln!(out, "  {k}: {}", ids.join(", "))?;
                }
            }
        }
        KbCommand::Find { query } => {
            let kb = builtin_kb()?;
            let hits = kb.find(&query);
            if hits.is_empty() {
                writeln!(out, "no entry matches {query:?}")?;
                out.flush()?;
                return Ok(ExitCode::from(1));
            }
            for i in hits.into_iter().take(20) {
                let e = kb.entry(i);
                writeln!(out, "{}  {}  {} / {}", e.id, e.kind, e.name_en, e.name_ar)?;
                if !e.variants.is_empty() {
                    writeln!(out, "    variants: {}", e.variants.join(" | "))?;
                }
                if let Some(c) = &e.country {
                    writeln!(out, "    country: {c}   sector: {}", e.sectors.join(","))?;
                }
                if !e.nisba.is_empty() {
                    writeln!(out, "    nisba: {}", e.nisba.join(" | "))?;
                }
                if !e.metonyms.is_empty() {
                    writeln!(out, "    metonyms: {}", e.metonyms.join(" | "))?;
                }
                for o in kb.offices_of(i) {
                    let to = if o.to == u32::MAX {
                        "present".to_string()
                    } else {
                        o.to.to_string()
                    };
                    writeln!(
                        out,
                        "    {} of {}: {} – {}",
                        o.role.as_str(),
                        kb.entry(o.of).id,
                        o.from,
                        to
                    )?;
                }
                writeln!(out, "    defined at {}:{}", e.file, e.line)?;
            }
        }
        KbCommand::List { r#type } => {
            let kb = builtin_kb()?;
            let want = match &r#type {
                Some(t) => Some(Kind::parse(&t.to_ascii_uppercase()).ok_or_else(|| {
                    user(format!(
                        "--type {t:?}: expected COUNTRY, PERSON, ORGANIZATION, LOCATION, GROUP or OTHER"
                    ))
                })?),
                None => None,
            };
            for e in kb
                .entries
                .iter()
                .filter(|e| want.is_none_or(|k| e.kind == k))
            {
                writeln!(out, "{}\t{}\t{}\t{}", e.id, e.kind, e.name_en, e.name_ar)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Usage checks shared by `analyze` and `export`: the date is a real
/// `YYYY-MM-DD`, every path exists (no paths = stdin).
fn check_inputs(paths: &mut Vec<String>, published: Option<&str>) -> Result<()> {
    if let Some(p) = published {
        if !valid_date(p) {
            return Err(user(format!(
                "--published {p:?}: expected a date YYYY-MM-DD"
            )));
        }
    }
    if paths.is_empty() {
        paths.push("-".into());
    }
    for p in paths.iter() {
        if p != "-" && !std::path::Path::new(p).exists() {
            return Err(user(format!("{p}: no such file or directory")));
        }
    }
    Ok(())
}

/// `train-genre --check`: the embedded genre model on labelled documents of
/// a store (development or test figures, as the gold file says).
fn check_genre(gold: &std::path::Path, db: &std::path::Path) -> Result<ExitCode> {
    let name = gold.display().to_string();
    let text = read_text_file(&name)?;
    let store = open_existing(db)?;
    let model = marsad_extract::genre::builtin()?;
    let mut prf = marsad::train_genre::Prf::default();
    let mut features_as_opinion = (0, 0);
    let mut missing = 0;
    let mut seen_header = false;
    for (line, l) in marsad_text::data::lines(&text) {
        let c: Vec<&str> = l.split('\t').collect();
        if !seen_header {
            if c.len() < 3 || c[1] != "doc_id" || c[2] != "genre" {
                return Err(user(format!(
                    "{name}:{line}: expected the header `n doc_id genre note`"
                )));
            }
            seen_header = true;
            continue;
        }
        if c.len() < 3 || !matches!(c[2], "news" | "opinion" | "feature") {
            return Err(user(format!(
                "{name}:{line}: expected `n doc_id genre note` with genre news, opinion or feature"
            )));
        }
        let Some(d) = store.document(c[1])? else {
            missing += 1;
            continue;
        };
        let p = marsad_text::process(&d.text, &marsad_text::Options::default(), None);
        let (g, prob) = marsad_extract::genre::classify(model, p.text.text(), &p.tokens)
            .unwrap_or((marsad_extract::genre::Genre::News, 0.0));
        let pred = g == marsad_extract::genre::Genre::Opinion;
        println!("{}\t{}\t{}\t{prob:.3}", c[1], c[2], g.as_str());
        if c[2] == "feature" {
            features_as_opinion.1 += 1;
            features_as_opinion.0 += usize::from(pred);
        } else {
            prf.add(pred, c[2] == "opinion");
        }
    }
    eprintln!(
        "{name}: opinion vs news {}; features taken for opinion {}/{}; {missing} document(s) not in the store",
        marsad::train_genre::line(&prf),
        features_as_opinion.0,
        features_as_opinion.1
    );
    Ok(ExitCode::SUCCESS)
}

/// The `*.tsv` files of a data folder, sorted (training data).
fn tsv_files(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| user(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    Ok(files)
}

/// Open a store that must already exist (query commands).
fn open_existing(db: &std::path::Path) -> Result<marsad_store::Store> {
    if !db.join("marsad.db").is_file() {
        return Err(user(format!(
            "{}: no marsad store here (run `marsad ingest PATH --db {}` first)",
            db.display(),
            db.display()
        )));
    }
    marsad_store::Store::open(db).map_err(|e| match e {
        marsad_store::StoreError::NewerSchema { .. } => user(e.to_string()),
        other => anyhow::Error::new(other),
    })
}

/// A real calendar date written exactly `YYYY-MM-DD` (the ingest layer's
/// date parser decides validity; other spellings it accepts are refused here).
fn valid_date(s: &str) -> bool {
    marsad_ingest::normalize_date(s).as_deref() == Some(s)
}

/// `--since`/`--until` must be dates (YYYY-MM-DD): a user error otherwise.
fn check_range(since: &Option<String>, until: &Option<String>) -> Result<()> {
    for d in [since, until].into_iter().flatten() {
        if !valid_date(d) {
            return Err(user(format!("--since/--until {d:?}: expected YYYY-MM-DD")));
        }
    }
    Ok(())
}

/// Resolve `ID|NAME` to one entity id (the best match present in the store).
fn one_actor(store: &marsad_store::Store, kb: &Kb, q: &str) -> Result<String> {
    let ids = queries::resolve_actor(store, kb, q)?;
    for id in &ids {
        if !store.timeline(id)?.is_empty() {
            return Ok(id.clone());
        }
    }
    ids.into_iter().next().ok_or_else(|| {
        user(format!(
            "{q:?}: no such actor in the knowledge base or the store"
        ))
    })
}

fn with_stdout(f: impl FnOnce(&mut BufWriter<io::StdoutLock>) -> Result<()>) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    f(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn output(format: TableFormat, bidi: Bidi) -> queries::Output {
    match format {
        TableFormat::Json => queries::Output::Json,
        TableFormat::Table => queries::Output::Table(bidi),
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let bidi = Bidi::from_env(cli.bidi.map(|b| match b {
        BidiArg::Logical => Bidi::Logical,
        BidiArg::Visual => Bidi::Visual,
    }));
    match cli.command {
        Command::Analyze {
            mut paths,
            format,
            published,
            keep_boilerplate,
            no_glue_repair,
            no_tagger,
        } => {
            check_inputs(&mut paths, published.as_deref())?;
            let opts = marsad_text::Options {
                remove_boilerplate: !keep_boilerplate,
                repair_glue: !no_glue_repair,
                tokenize: true,
            };
            let rec = recognizer(!no_tagger)?;
            let inputs = marsad_ingest::read_inputs(&paths);
            let outcome = analyze::analyze_docs(
                inputs.into_iter().collect(),
                published.as_deref(),
                &opts,
                Some(&rec),
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
        Command::Kb(cmd) => kb_command(cmd),
        Command::Events {
            db,
            actor,
            recipient,
            kind,
            since,
            until,
            story,
            min_confidence,
            copies,
            limit,
            format,
        } => {
            check_range(&since, &until)?;
            if let Some(x) = min_confidence {
                if !(0.0..=1.0).contains(&x) {
                    return Err(user(format!(
                        "--min-confidence {x}: expected a number from 0 to 1"
                    )));
                }
            }
            let store = open_existing(&db)?;
            let kb = builtin_kb()?;
            let one = |q: Option<String>| -> Result<Option<String>> {
                q.map(|q| one_actor(&store, kb, &q)).transpose()
            };
            let rows = store.events(&marsad_store::EventFilter {
                actor: one(actor)?,
                recipient: one(recipient)?,
                kind: kind.map(|k| k.to_uppercase()),
                since,
                until,
                story,
                min_confidence,
                copies,
                limit,
                ..Default::default()
            })?;
            let names = queries::Names::new(kb);
            with_stdout(|out| queries::events(out, &rows, &names, output(format, bidi)))
        }
        Command::Actors { db, limit, format } => {
            let store = open_existing(&db)?;
            let rows = store.actors(limit)?;
            let names = queries::Names::new(builtin_kb()?)
                .with_stored(rows.iter().map(|r| (r.id.clone(), r.name.clone())));
            with_stdout(|out| queries::actors(out, &rows, &names, output(format, bidi)))
        }
        Command::Quotes {
            db,
            speaker,
            limit,
            format,
        } => {
            let store = open_existing(&db)?;
            let kb = builtin_kb()?;
            let speaker = speaker.map(|q| one_actor(&store, kb, &q)).transpose()?;
            let rows = store.quotes(speaker.as_deref(), limit)?;
            let names = queries::Names::new(kb);
            with_stdout(|out| queries::quotes(out, &rows, &names, output(format, bidi)))
        }
        Command::Actor {
            actor,
            db,
            limit,
            format,
        } => {
            let store = open_existing(&db)?;
            let kb = builtin_kb()?;
            let id = one_actor(&store, kb, &actor)?;
            let names = queries::Names::new(kb);
            let view = queries::actor_view(&store, &id, limit)?;
            with_stdout(|out| queries::actor(out, &view, &names, output(format, bidi)))
        }
        Command::Stories {
            db,
            limit,
            min_articles,
            network,
            format,
        } => {
            let store = open_existing(&db)?;
            let names = queries::Names::new(builtin_kb()?);
            let views = queries::stories_view(&store, limit, min_articles, network)?;
            with_stdout(|out| queries::stories(out, &views, &names, output(format, bidi)))
        }
        Command::Story { id, db, format } => {
            let store = open_existing(&db)?;
            let names = queries::Names::new(builtin_kb()?);
            let Some(view) = queries::story_view(&store, id)? else {
                return Err(user(format!(
                    "no story {id} in {} (`marsad stories` lists them)",
                    db.display()
                )));
            };
            with_stdout(|out| queries::story(out, &view, &names, output(format, bidi)))
        }
        Command::Search {
            query,
            db,
            since,
            until,
            entity,
            kind,
            source,
            copies,
            limit,
            format,
        } => {
            check_range(&since, &until)?;
            let store = open_existing(&db)?;
            let kb = builtin_kb()?;
            let entity = entity
                .iter()
                .map(|q| one_actor(&store, kb, q))
                .collect::<Result<Vec<_>>>()?;
            let index = marsad::search::Index::open(&db).map_err(|e| {
                user(format!(
                    "{e}\n(rebuild it with `marsad reindex --db {}`)",
                    db.display()
                ))
            })?;
            let stored = store.counts()?.documents as u64;
            let indexed = index.inner().num_docs();
            if indexed != stored {
                eprintln!(
                    "marsad: warning: the search index holds {indexed} of {stored} stored documents; rebuild it with `marsad reindex --db {}`",
                    db.display()
                );
            }
            let q = marsad_search::Query {
                text: query,
                since,
                until,
                entity,
                event_type: kind.map(|k| k.to_uppercase()),
                source,
                limit: limit.clamp(1, marsad_search::MAX_LIMIT),
            };
            let hits = queries::search(&store, &index, &q, copies).map_err(|e| {
                match e.downcast::<marsad_search::SearchError>() {
                    Ok(e @ marsad_search::SearchError::Query { .. }) => user(e.to_string()),
                    Ok(e) => anyhow::Error::new(e),
                    Err(e) => e,
                }
            })?;
            with_stdout(|out| queries::hits(out, &hits, output(format, bidi)))
        }
        Command::Reindex { db } => {
            let store = open_existing(&db)?;
            let started = std::time::Instant::now();
            let (_, n) = marsad::search::Index::rebuild(&db, &store)?;
            eprintln!(
                "marsad: reindexed {n} documents in {:.1} s ({})",
                started.elapsed().as_secs_f64(),
                marsad::search::index_dir(&db).display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest {
            mut paths,
            db,
            published,
            batch,
            quiet,
            stories,
        } => {
            check_inputs(&mut paths, published.as_deref())?;
            let mut store = marsad_store::Store::open(&db).map_err(|e| match e {
                marsad_store::StoreError::NewerSchema { .. } => user(e.to_string()),
                other => anyhow::Error::new(other),
            })?;
            let rec = recognizer(true)?;
            let opts = marsad::ingest::Options {
                published,
                batch: batch.max(1),
                progress: if quiet {
                    marsad::ingest::Progress::Quiet
                } else {
                    marsad::ingest::Progress::auto()
                },
            };
            let r = marsad::ingest::ingest(&mut store, &db, &paths, &rec, &opts)?;
            let counts = store.counts()?;
            if !quiet {
                eprintln!(
                    "marsad: {} inputs ({:.1} MB of text) in {:.1} s ({:.0} articles/s, {:.2} MB/s): {} analysed ({} added, {} replaced, {} unchanged), {} skipped unchanged before analysis, {} aliases of stored content, {} failed; {} indexed; placed {} ({} wire copies, {} new stories) in {:.2} s; store {}: {} documents, {} events, {} quotes",
                    r.inputs,
                    r.text_bytes as f64 / 1e6,
                    r.seconds,
                    r.inputs as f64 / r.seconds.max(1e-9),
                    r.text_bytes as f64 / 1e6 / r.seconds.max(1e-9),
                    r.analysed,
                    r.stored.added,
                    r.stored.replaced,
                    r.stored.unchanged,
                    r.skipped,
                    r.aliases,
                    r.failed,
                    r.indexed,
                    r.place.pending,
                    r.place.duplicates,
                    r.place.new_stories,
                    r.place.seconds,
                    db.display(),
                    counts.documents,
                    counts.events,
                    counts.quotes
                );
            }
            if stories {
                let names = queries::Names::new(builtin_kb()?);
                let views = queries::stories_view(&store, 20, 1, true)?;
                with_stdout(|out| {
                    queries::stories(out, &views, &names, queries::Output::Table(bidi))
                })?;
            }
            Ok(if r.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Export {
            mut paths,
            format,
            table,
            db,
            story,
            copies,
            out,
            bom,
            published,
        } => {
            let sink = |out: &Option<PathBuf>| -> Result<Box<dyn Write + Send>> {
                Ok(match out {
                    Some(p) => {
                        Box::new(BufWriter::new(std::fs::File::create(p).map_err(|e| {
                            user(format!("{}: cannot create: {e}", p.display()))
                        })?))
                    }
                    None => Box::new(BufWriter::new(io::stdout())),
                })
            };
            if !paths.is_empty() {
                if format != ExportFormat::PloverJsonl {
                    return Err(user(
                        "exporting files given as PATHS supports --format plover-jsonl only; ingest them and export from the store for other formats",
                    ));
                }
                check_inputs(&mut paths, published.as_deref())?;
                let rec = recognizer(true)?;
                let outcome = analyze::analyze_docs(
                    marsad_ingest::read_inputs(&paths),
                    published.as_deref(),
                    &marsad_text::Options::default(),
                    Some(&rec),
                    |msg| eprintln!("marsad: {msg}"),
                );
                let coded = marsad::export::today();
                let mut w = sink(&out)?;
                for a in &outcome.analyses {
                    for r in marsad::export::plover(&a.doc, rec.kb, &coded) {
                        serde_json::to_writer(&mut w, &r)?;
                        w.write_all(b"\n")?;
                    }
                }
                w.flush()?;
                return Ok(if outcome.errors.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                });
            }
            let store = open_existing(&db)?;
            let kb = builtin_kb()?;
            if let Some(s) = story {
                if store.story(s)?.is_none() {
                    return Err(user(format!("no story {s} in {}", db.display())));
                }
            }
            let names = queries::Names::new(kb);
            match format {
                ExportFormat::PloverJsonl => {
                    let mut w = sink(&out)?;
                    marsad::export::plover_store(&mut *w, &store, kb, story, copies)?;
                    w.flush()?;
                }
                ExportFormat::Graphml | ExportFormat::Gexf => {
                    let net = marsad::export::network(&store, story)?;
                    let label = |id: &str| names.of(id);
                    let text = if format == ExportFormat::Graphml {
                        marsad_corpus::network::to_graphml(&net, label)
                    } else {
                        marsad_corpus::network::to_gexf(&net, label)
                    };
                    let mut w = sink(&out)?;
                    w.write_all(text.as_bytes())?;
                    w.flush()?;
                }
                ExportFormat::Jsonl | ExportFormat::Csv | ExportFormat::Parquet => {
                    let Some(table) = table else {
                        return Err(user(
                            "--format jsonl|csv|parquet needs --table events|entities|quotes",
                        ));
                    };
                    if format == ExportFormat::Parquet && out.is_none() {
                        return Err(user(
                            "--format parquet writes a binary file: give it with --out FILE",
                        ));
                    }
                    let tf = match format {
                        ExportFormat::Jsonl => marsad_table::TableFormat::Jsonl,
                        ExportFormat::Csv => marsad_table::TableFormat::Csv,
                        _ => marsad_table::TableFormat::Parquet,
                    };
                    let which = match table {
                        ExportTable::Events => marsad::export::Rows::Events,
                        ExportTable::Entities => marsad::export::Rows::Entities,
                        ExportTable::Quotes => marsad::export::Rows::Quotes,
                    };
                    let w = sink(&out)?;
                    let n = marsad::export::table(w, tf, bom, &store, kb, which, story, copies)?;
                    if let Some(p) = &out {
                        eprintln!("marsad: {n} rows written to {}", p.display());
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            cmd: None,
            mut gold,
            report,
            mut docs,
        } => {
            if gold.is_empty() {
                gold.push(PathBuf::from("eval/gold/events"));
            }
            for g in &gold {
                if !g.exists() {
                    return Err(user(format!("{}: no such file or directory", g.display())));
                }
            }
            let gold = marsad::eval::read_gold(&gold)?;
            if docs.is_empty() {
                docs.push("examples".into());
                if std::path::Path::new("../shared/seeds").is_dir() {
                    docs.push("../shared/seeds".into());
                } else {
                    eprintln!("marsad: ../shared/seeds not found; seed gold is skipped");
                }
            }
            let rec = recognizer(true)?;
            // Publication dates from the gold where the input has none.
            let inputs: Vec<_> = marsad_ingest::read_inputs(&docs)
                .into_iter()
                .map(|r| {
                    r.map(|mut d| {
                        if d.published.is_none() {
                            d.published = gold
                                .iter()
                                .find(|g| g.doc == d.id)
                                .and_then(|g| g.published.clone());
                        }
                        d
                    })
                })
                .collect();
            let outcome = analyze::analyze_docs(
                inputs,
                None,
                &marsad_text::Options::default(),
                Some(&rec),
                |msg| eprintln!("marsad: {msg}"),
            );
            print!(
                "{}",
                marsad::eval::extraction(&gold, &outcome.analyses, report)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Ner { conll, no_tagger } => {
            let text = read_text_or_stdin(&conll)?;
            let name = if conll == "-" {
                "<stdin>"
            } else {
                conll.as_str()
            };
            let sents = tagger::read_conll(name, &text, false).map_err(|e| user(e.to_string()))?;
            let rec = recognizer(!no_tagger)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            for (i, s) in sents.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let tags = marsad::ner::tag_words(&rec, &s.words);
                for (w, t) in s.words.iter().zip(tags) {
                    writeln!(out, "{w} {}", t.to_conll())?;
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { input } => {
            let text = read_text_or_stdin(&input)?;
            let rec = recognizer(true)?;
            let model = marsad_extract::model::EventModel::builtin()
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let rows = marsad::explain::explain(&rec, model, &text);
            let mut t = marsad::display::Table::new(&[
                "sent",
                "trigger",
                "type",
                "rule",
                "actor",
                "recipient",
                "modality",
                "p",
                "thr",
                "decision",
            ])
            .cap(1, 24)
            .cap(3, 28)
            .cap(4, 30)
            .cap(5, 30);
            for r in &rows {
                t.push(vec![
                    r.sentence.to_string(),
                    r.trigger.clone(),
                    r.kind.clone(),
                    r.rule.clone(),
                    r.actor.clone(),
                    r.recipient.clone(),
                    r.modality.clone(),
                    format!("{:.3}", r.prob),
                    format!("{:.2}", r.threshold),
                    r.decision.to_string(),
                ]);
            }
            print!("{}", t.render(bidi));
            println!(
                "{} candidate(s), {} event(s)",
                rows.len(),
                rows.iter().filter(|r| r.decision == "event").count()
            );
            match marsad::explain::genre_of(&text) {
                Some((g, p)) => println!(
                    "genre: {} (opinion probability {p:.3}){}",
                    g.as_str(),
                    if g == marsad_extract::genre::Genre::Opinion {
                        format!(
                            "; events below confidence {} are dropped",
                            marsad_extract::genre::OPINION_MIN_CONFIDENCE
                        )
                    } else {
                        String::new()
                    }
                ),
                None => println!(
                    "genre: not decided (fewer than {} words)",
                    marsad_extract::genre::MIN_WORDS
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::TrainNer {
            data,
            out,
            epochs,
            seed,
            cv,
        } => {
            let name = data.display().to_string();
            let text = read_text_file(&name)?;
            let examples =
                tagger::read_conll(&name, &text, true).map_err(|e| user(e.to_string()))?;
            if examples.is_empty() {
                return Err(user(format!("{name}: no sentences")));
            }
            let kb = builtin_kb()?;
            let tokens: usize = examples.iter().map(|e| e.words.len()).sum();
            eprintln!("{name}: {} sentences, {tokens} tokens", examples.len());
            if let Some(k) = cv {
                if k < 2 || k > examples.len() {
                    return Err(user("--cv K needs 2 <= K <= number of sentences"));
                }
                let (alone, full) = marsad::ner::cross_validate(kb, &examples, k, epochs, seed);
                print!(
                    "{}",
                    marsad::ner::render_scores(
                        &format!("{k}-fold cross-validated entity scores (conlleval spans), {epochs} epochs: tagger alone (with KB features)"),
                        &alone
                    )
                );
                print!(
                    "{}",
                    marsad::ner::render_scores(
                        "the same folds through the whole recogniser (`marsad ner`: knowledge base, rules, tagger)",
                        &full
                    )
                );
                return Ok(ExitCode::SUCCESS);
            }
            let started = std::time::Instant::now();
            let t = marsad::ner::train(kb, &examples, epochs, seed);
            let bytes = t.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "wrote {} ({} features, {} bytes) in {:.1} s",
                out.display(),
                t.features(),
                bytes.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::TrainEvents {
            gsr,
            sentences,
            out,
            epochs,
            rate,
            l2,
            bits,
            beta,
            written_beta,
            bags,
            seed,
            cv,
            repeat,
            errors,
            news_gold,
            news_docs,
        } => {
            if !(8..=24).contains(&bits) {
                return Err(user("--bits must be in 8..=24"));
            }
            use marsad::train_events as te;
            let mut data: Vec<te::Sentence> = Vec::new();
            let mut spans = std::collections::HashMap::new();
            if gsr.is_dir() {
                for t in ["assault", "protest"] {
                    let f = gsr.join(format!("{t}_gsr.csv"));
                    let name = f.display().to_string();
                    let text = read_text_file(&name)?;
                    data.extend(te::read_gsr_csv(&name, &text).map_err(user)?);
                    let f = gsr.join(format!("{t}_spans.json"));
                    if f.is_file() {
                        let name = f.display().to_string();
                        let text = read_text_file(&name)?;
                        spans.extend(te::read_gsr_spans(&name, &text).map_err(user)?);
                    }
                }
            } else {
                eprintln!(
                    "{}: not found; training on the team-written sentences only (the committed model also uses the GSR)",
                    gsr.display()
                );
            }
            let files = tsv_files(&sentences)?;
            for f in &files {
                let name = f.display().to_string();
                let text = read_text_file(&name)?;
                data.extend(te::read_written(&name, &text).map_err(user)?);
            }
            if data.is_empty() {
                return Err(user("no training sentences"));
            }
            // News documents with gold events: argument-ranker data.
            if news_gold.exists() && news_docs.exists() {
                let gold = marsad::eval::read_gold(std::slice::from_ref(&news_gold))?;
                let paths = vec![news_docs.display().to_string()];
                let mut n = 0;
                for d in marsad_ingest::read_inputs(&paths) {
                    let d = d.map_err(|e| user(e.to_string()))?;
                    let Some(g) = gold.iter().find(|g| g.doc == d.id) else {
                        continue;
                    };
                    let mut events = Vec::new();
                    for e in &g.events {
                        let kind = marsad_extract::model::type_index(&e.kind).ok_or_else(|| {
                            user(format!(
                                "{}: {}: unknown event type {:?}",
                                news_gold.display(),
                                g.doc,
                                e.kind
                            ))
                        })?;
                        events.push(te::NewsEvent {
                            kind,
                            actor: e.actor.clone(),
                            recipient: e.recipient.clone(),
                            evidence: e.evidence.as_deref().map(|x| {
                                x.split_whitespace()
                                    .map(marsad_text::matchform::match_form)
                                    .collect()
                            }),
                        });
                    }
                    // Detector data too, when every event says in which
                    // words it is reported: each sentence of the article,
                    // labelled with the types of the events there.
                    if !events.is_empty() && events.iter().all(|e| e.evidence.is_some()) {
                        data.extend(te::article_sentences(&d.id, &d.text, &events));
                    }
                    data.push(te::Sentence {
                        group: format!("news:{}", d.id),
                        id: format!("news:{}", d.id),
                        text: d.text,
                        gold: te::Gold::News { events },
                    });
                    n += 1;
                }
                eprintln!(
                    "{n} news documents of {} (argument ranker)",
                    news_gold.display()
                );
            } else {
                eprintln!(
                    "{} or {}: not found; the argument ranker learns from sentences only",
                    news_gold.display(),
                    news_docs.display()
                );
            }
            let rec = recognizer(true)?;
            let started = std::time::Instant::now();
            let analysed = te::analyse(&rec, &data);
            let counts = te::example_counts(&data, &analysed);
            eprintln!(
                "{} sentences ({} files + GSR), candidates analysed in {:.1} s; examples (positive/negative) per type: {}",
                data.len(),
                files.len(),
                started.elapsed().as_secs_f64(),
                counts
                    .iter()
                    .map(|(t, (p, n))| format!("{t} {p}/{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let opts = marsad_extract::model::TrainOptions {
                bits,
                epochs,
                rate,
                l2,
                seed,
                beta,
                written_beta,
                bags: bags.clamp(1, 64),
            };
            if let Some(k) = cv {
                if k < 2 {
                    return Err(user("--cv K needs K >= 2"));
                }
                let mut rep = te::CvReport::default();
                for r in 0..repeat.max(1) {
                    let o = marsad_extract::model::TrainOptions {
                        seed: seed.wrapping_add(r as u64),
                        ..opts
                    };
                    rep.merge(te::cross_validate(&data, &analysed, &spans, k, &o));
                }
                print!("{}", te::render(&rep, k, repeat.max(1)));
                let decisions = te::arg_decisions(&data, &analysed, &spans);
                print!("{}", te::cv_args(&data, &decisions, k, &opts));
                if let Some(path) = errors {
                    std::fs::write(&path, te::render_decisions(&rep, &data))
                        .with_context(|| format!("writing {}", path.display()))?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let m = te::train_final(&data, &analysed, 5, &opts);
            let bytes = m.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            // The argument ranker, beside the detector.
            let args_out = out.with_file_name("arguments.bin");
            let ranker = te::train_final_args(&te::arg_decisions(&data, &analysed, &spans), &opts);
            std::fs::write(&args_out, ranker.to_bytes())
                .with_context(|| format!("writing {}", args_out.display()))?;
            eprintln!("wrote {} (argument ranker)", args_out.display());
            eprintln!(
                "wrote {} ({} bytes; thresholds {}) in {:.1} s",
                out.display(),
                bytes.len(),
                marsad_extract::events::TYPES
                    .iter()
                    .zip(m.thresholds)
                    .map(|((t, _), x)| format!("{t} {x:.2}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::TrainGenre {
            data,
            out,
            seed,
            cv,
            repeat,
            check,
            db,
        } => {
            use marsad::train_genre as tg;
            if let (Some(gold), Some(db)) = (check, db) {
                return check_genre(&gold, &db);
            }
            let files = tsv_files(&data)?;
            let mut openings = Vec::new();
            for f in &files {
                let name = f.display().to_string();
                openings.extend(tg::read_openings(&name, &read_text_file(&name)?).map_err(user)?);
            }
            if openings.is_empty() {
                return Err(user(format!("{}: no openings (*.tsv)", data.display())));
            }
            if let Some(k) = cv {
                if k < 2 {
                    return Err(user("--cv K needs K >= 2"));
                }
                print!("{}", tg::cross_validate(&openings, k, repeat.max(1), seed));
                return Ok(ExitCode::SUCCESS);
            }
            let m = tg::train_final(&openings, seed);
            let bytes = m.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "wrote {} ({} bytes, {} openings; opinion threshold {:.2})",
                out.display(),
                bytes.len(),
                openings.len(),
                m.thresholds[0]
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            corpus,
            zips,
            store,
        } => {
            if !corpus.is_dir() {
                return Err(user(format!(
                    "{}: corpus directory not found (SaudiNewsNet zips)",
                    corpus.display()
                )));
            }
            if let Some(db) = store {
                let files = marsad::bench::zips(&corpus, "", zips.unwrap_or(usize::MAX))?;
                let rec = recognizer(true)?;
                let r = marsad::bench::corpus(&files, &db, &rec)?;
                print!("{}", r.render());
                return Ok(ExitCode::SUCCESS);
            }
            let texts = marsad::bench::load_saudinewsnet(&corpus, zips.unwrap_or(usize::MAX))
                .context("reading the corpus")?;
            let _ = marsad::bench::run(&texts[..texts.len().min(200)]);
            print!("{}", marsad::bench::run(&texts).render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            cmd:
                Some(EvalCommand::Entities {
                    gold,
                    mut paths,
                    no_tagger,
                }),
            ..
        } => {
            let gold = marsad::eval::read_entity_gold(&gold)?;
            if paths.is_empty() {
                paths.push("examples".into());
            }
            for p in &paths {
                if !std::path::Path::new(p).exists() {
                    return Err(user(format!("{p}: no such file or directory")));
                }
            }
            let rec = recognizer(!no_tagger)?;
            let outcome = analyze::analyze_docs(
                marsad_ingest::read_inputs(&paths),
                None,
                &marsad_text::Options::default(),
                Some(&rec),
                |msg| eprintln!("marsad: {msg}"),
            );
            print!("{}", marsad::eval::entities(&gold, &outcome.analyses));
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            cmd:
                Some(EvalCommand::Glue {
                    corpus,
                    rate,
                    seed,
                    set,
                    gold,
                    sample,
                    sample_out,
                }),
            ..
        } => {
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
            let sample = sample.zip(sample_out.as_deref());
            let report = marsad::eval::glue(&corpus, prefix, rate, seed, Some(&gold), sample)?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            cmd: Some(EvalCommand::Stories { gold, db, set }),
            ..
        } => {
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
            let pairs = marsad::eval::read_story_pairs(&gold)?;
            let store = open_existing(&db)?;
            print!("{}", marsad::eval::stories(&pairs, &store, prefix)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
