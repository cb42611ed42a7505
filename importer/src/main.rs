//! `dingtalk-openapi-importer import --wheel FILE --out DIR [--check]` and
//! `dingtalk-openapi-importer sync [--root DIR] [--check]`.
//!
//! Arguments are parsed by hand: two commands with a few options do not need a parser crate.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use dingtalk_openapi_importer::examples::Examples;
use dingtalk_openapi_importer::{exclusions, facts, plan, wheel, FilePlan};

const USAGE: &str =
    "usage: dingtalk-openapi-importer import --wheel FILE --out DIR [--examples DIR] [--check] [--quiet]
       dingtalk-openapi-importer sync [--root DIR] [--check]

import:

  --wheel FILE  the alibabacloud-dingtalk wheel (.whl), read in place
  --out DIR     the spec folder: one <module>.yaml per service version is written or updated
  --check       write nothing; report what the wheel would change, exit 1 if anything
  --quiet       print only changes, notes and problems, not the wheel's facts

sync: writes what follows the spec files: the SDK's cargo features (generated/Cargo.toml) and
the README's coverage table, between their marker lines
  --root DIR    the workspace root (default: the current folder)
  --check       write nothing; name what differs, exit 1 if anything

exit codes: 0 done (or up to date), 1 the spec is behind (--check), the features or the
coverage table are stale (sync --check), or the wheel has constructs the importer does not
understand, 2 usage or I/O error";

/// The command asked for.
enum Command {
    Import(Args),
    Sync { root: PathBuf, check: bool },
}

struct Args {
    wheel: PathBuf,
    out: PathBuf,
    examples: Option<PathBuf>,
    check: bool,
    quiet: bool,
}

fn parse_command(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    match args.next().as_deref() {
        Some("import") => parse_args(args).map(Command::Import),
        Some("sync") => parse_sync(args),
        Some("-h" | "--help") => Err(String::new()),
        Some(other) => Err(format!("unknown command `{other}`")),
        None => Err("missing command `import` or `sync`".to_owned()),
    }
}

fn parse_sync(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let (mut root, mut check) = (PathBuf::from("."), false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => root = args.next().ok_or("`--root` needs a folder")?.into(),
            "--check" => check = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Command::Sync { root, check })
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut wheel, mut out, mut check, mut quiet) = (None, None, false, false);
    let mut examples = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--wheel" => wheel = Some(args.next().ok_or("`--wheel` needs a file")?),
            "--out" => out = Some(args.next().ok_or("`--out` needs a folder")?),
            "--examples" => {
                examples = Some(args.next().ok_or("`--examples` needs a folder")?.into())
            }
            "--check" => check = true,
            "--quiet" => quiet = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        wheel: wheel.ok_or("missing `--wheel FILE`")?.into(),
        out: out.ok_or("missing `--out DIR`")?.into(),
        examples,
        check,
        quiet,
    })
}

fn main() -> ExitCode {
    let command = match parse_command(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match &command {
        Command::Import(args) => run(args),
        Command::Sync { root, check } => sync(root, *check),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let started = Instant::now();
    let file =
        std::fs::File::open(&args.wheel).map_err(|e| format!("{}: {e}", args.wheel.display()))?;
    let examples = match &args.examples {
        Some(dir) => Some(Examples::read(dir)?),
        None => None,
    };
    let wheel = match wheel::read_with_examples(std::io::BufReader::new(file), examples.as_ref()) {
        Ok(w) => w,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "error: {} constructs of the wheel not understood; nothing written",
                problems.len()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let read = started.elapsed();
    if !args.quiet {
        print!("{}", facts::summary(&wheel));
        for (op, why) in &wheel.excluded {
            println!("excluded: {op}: {why}");
        }
        for (product, version, module, why) in exclusions::MODULES {
            println!("module override: {product} {version} → {module}: {why}");
        }
    }
    for note in &wheel.notes {
        println!("note: {note}");
    }
    let (plans, others) = plan(&wheel, &args.out)?;
    for other in &others {
        println!(
            "note: {}: not in the wheel (hand-written service version); left alone",
            other.display()
        );
    }
    let behind = report(&plans);
    if args.check {
        println!(
            "{behind} of {} spec files behind {}",
            plans.len(),
            wheel.source
        );
        return Ok(if behind == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    for p in plans.iter().filter(|p| p.changes_file()) {
        std::fs::write(&p.path, &p.merged.text)
            .map_err(|e| format!("{}: {e}", p.path.display()))?;
    }
    println!(
        "{behind} of {} spec files written (wheel read in {:.2} s, total {:.2} s)",
        plans.len(),
        read.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `sync`: writes the stale files, or (`check`) names what differs and fails.
fn sync(root: &std::path::Path, check: bool) -> Result<ExitCode, String> {
    let stale = dingtalk_openapi_importer::sync::stale(root)?;
    for s in &stale {
        for d in &s.details {
            println!("{}: {d}", s.file);
        }
    }
    if check {
        if stale.is_empty() {
            println!("the cargo features and the coverage table follow spec/");
            return Ok(ExitCode::SUCCESS);
        }
        println!("run `cargo run -p dingtalk-openapi-importer -- sync` to write them");
        return Ok(ExitCode::FAILURE);
    }
    dingtalk_openapi_importer::sync::write(root, &stale)?;
    let names: Vec<&str> = stale.iter().map(|s| s.file).collect();
    println!(
        "written: {}",
        if names.is_empty() {
            "nothing (up to date)".to_owned()
        } else {
            names.join(", ")
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints each file's changes and notes; returns how many files change.
fn report(plans: &[FilePlan]) -> usize {
    let mut behind = 0;
    for p in plans {
        let name = p.path.display();
        for note in &p.merged.notes {
            println!("note: {name}: {note}");
        }
        if p.changes_file() {
            behind += 1;
            for change in &p.merged.changes {
                println!("{name}: {change}");
            }
            if p.merged.changes.is_empty() {
                println!("{name}: layout rewritten");
            }
        }
    }
    behind
}
