//! `dingtalk-openapi-importer import --wheel FILE --out DIR [--check]`.
//!
//! Arguments are parsed by hand: one command with three options does not need a parser crate.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use dingtalk_openapi_importer::examples::Examples;
use dingtalk_openapi_importer::{exclusions, facts, plan, wheel, FilePlan};

const USAGE: &str =
    "usage: dingtalk-openapi-importer import --wheel FILE --out DIR [--check] [--quiet]

  --wheel FILE  the alibabacloud-dingtalk wheel (.whl), read in place
  --out DIR     the spec folder: one <module>.yaml per service version is written or updated
  --check       write nothing; report what the wheel would change, exit 1 if anything
  --quiet       print only changes, notes and problems, not the wheel's facts

exit codes: 0 done (or up to date), 1 the spec is behind (--check) or the wheel has constructs
the importer does not understand, 2 usage or I/O error";

struct Args {
    wheel: PathBuf,
    out: PathBuf,
    examples: Option<PathBuf>,
    check: bool,
    quiet: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    match args.next().as_deref() {
        Some("import") => {}
        Some("-h" | "--help") => return Err(String::new()),
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command `import`".to_owned()),
    }
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
    let args = match parse_args(std::env::args().skip(1)) {
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
    match run(&args) {
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
