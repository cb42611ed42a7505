//! `dingtalk-openapi-codegen`: check spec files or write the generated sources to a folder.
//!
//! Exit codes: 0 success, 1 the spec has errors, 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use dingtalk_openapi_codegen::{files, generate, lines_per_operation, sdk, validate};
use dingtalk_openapi_codegen::{Diagnostics, Generated};
use dingtalk_openapi_codegen::{Input, Options};

/// A command's help starts with its full name (`dingtalk-openapi-codegen check — …`).
macro_rules! command_help {
    ($command:literal) => {
        concat!(
            "dingtalk-openapi-codegen ",
            $command,
            " — {about}\n\n{usage-heading} {usage}\n\n{all-args}{after-help}"
        )
    };
}

const EXIT_CODES: &str = "Exit codes: 0 success, 1 errors in the spec, 2 usage or I/O error.";

/// dingtalk-openapi-codegen — check DingTalk spec files and generate the Rust client
#[derive(Parser)]
#[command(name = "dingtalk-openapi-codegen", version, after_help = EXIT_CODES)]
#[command(subcommand_required = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour the errors: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(
        long,
        global = true,
        alias = "colour",
        value_name = "WHEN",
        default_value = "auto",
        hide_possible_values = true
    )]
    color: Color,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the spec files and report every problem
    #[command(
        help_template = command_help!("check"),
        override_usage = "dingtalk-openapi-codegen check [OPTIONS] [SPEC...]",
        long_about = "validate spec files\n\n\
            Reads every SPEC and reports every problem found, each with its file, line, column, \
            key path and a hint, like rustc. Nothing is written.",
        after_help = "Exit codes: 0 no problems, 1 problems in the spec, 2 usage or I/O error."
    )]
    Check {
        /// A .yaml file, or a folder whose .yaml files are read [default: spec/]
        #[arg(value_name = "SPEC")]
        specs: Vec<PathBuf>,
    },
    /// Write the SDK's generated sources into DIR, or check that DIR holds them
    #[command(
        help_template = command_help!("generate"),
        override_usage = "dingtalk-openapi-codegen generate --out DIR [--check] [OPTIONS] [SPEC...]",
        long_about = "write the generated Rust sources\n\n\
            Checks every SPEC and, when there are no problems, writes into DIR (created if \
            needed) one formatted `<service>_<version>.rs` per file and the index files the \
            SDK includes (`services.rs`, `specs.rs`, `typed_decoders.rs`), each item behind its \
            service's cargo feature. The sources expect the `dingtalk-openapi` runtime at \
            `crate::runtime`, as inside the SDK: `generate --out generated/src/services spec` \
            writes the sources the published package ships. Files of DIR that are not \
            generated are left alone. With --check, nothing is written: each file of DIR that \
            differs from what SPEC generates is named, and the exit code is 1.",
        after_help = "Exit codes: 0 written (or up to date), 1 problems in the spec (nothing written) or DIR differs (--check), 2 usage or I/O error."
    )]
    Generate {
        /// Folder to write into
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Write nothing: exit 1 naming each file of DIR that is missing or differs
        #[arg(long)]
        check: bool,
        /// A .yaml file, or a folder whose .yaml files are read [default: spec/]
        #[arg(value_name = "SPEC")]
        specs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether the report is coloured: `auto` means on a terminal, unless `NO_COLOR` is set.
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// A usage or I/O error of a command: its message (the command's usage follows it).
struct UsageError {
    command: &'static str,
    message: String,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_error(e),
    };
    let color = cli.color.enabled();
    let outcome = match cli.command {
        Command::Check { specs } => check(&specs, color),
        Command::Generate { out, check, specs } => match check {
            true => check_written(&out, &specs, color),
            false => write(&out, &specs, color),
        },
    };
    outcome.unwrap_or_else(|e| {
        let mut cli = Cli::command();
        cli.build();
        let command = cli
            .find_subcommand_mut(e.command)
            .expect("a command of the CLI");
        print_error(command.error(clap::error::ErrorKind::Io, e.message))
    })
}

/// Help and version go to stdout with 0; a usage error (with the usage) to stderr with 2.
fn parse_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        // No command at all: say so, rather than print the help as if it had been asked for.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => print_error(Cli::command().error(
            ErrorKind::MissingSubcommand,
            "missing command: `check` or `generate`",
        )),
        _ => print_error(e),
    }
}

fn print_error(e: clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if text.contains("Usage:") {
        eprint!("{text}");
    } else {
        // clap leaves the usage out of a few errors (an invalid value): every usage error has it.
        let usage = Cli::command().render_usage();
        match text.split_once("\n\n") {
            Some((message, rest)) => eprint!("{message}\n\n{usage}\n\n{rest}"),
            None => eprint!("{}\n\n{usage}\n", text.trim_end()),
        }
    }
    ExitCode::from(2)
}

fn check(specs: &[PathBuf], color: bool) -> Result<ExitCode, UsageError> {
    let specs = SpecFiles::read(specs, "check")?;
    let inputs = specs.inputs();
    match validate(&inputs) {
        Ok(ops) => {
            let s = |n: usize| if n == 1 { "" } else { "s" };
            let files = inputs.len();
            println!("ok: {files} file{}, {ops} operation{}", s(files), s(ops));
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => Ok(report(&d, color)),
    }
}

fn write(out: &Path, specs: &[PathBuf], color: bool) -> Result<ExitCode, UsageError> {
    let generated = match sdk_files(specs)? {
        Ok(g) => g,
        Err(d) => return Ok(report(&d, color)),
    };
    let failed = |message| UsageError {
        command: "generate",
        message,
    };
    std::fs::create_dir_all(out)
        .map_err(|e| failed(format!("cannot create `{}`: {e}", out.display())))?;
    let mut written = 0;
    for file in &generated.files {
        let path = out.join(&file.name);
        // Only what changed, so an unchanged file keeps its timestamp.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.text.as_str()) {
            std::fs::write(&path, &file.text)
                .map_err(|e| failed(format!("cannot write `{}`: {e}", path.display())))?;
            written += 1;
        }
    }
    println!(
        "{} files in {} ({written} written, the rest up to date), {:.1} lines per operation",
        generated.files.len(),
        out.display(),
        lines_per_operation(&generated.generated)
    );
    Ok(ExitCode::SUCCESS)
}

/// `generate --check`: each file of `out` that is missing or differs from what `specs` generate.
fn check_written(out: &Path, specs: &[PathBuf], color: bool) -> Result<ExitCode, UsageError> {
    let files = match sdk_files(specs)? {
        Ok(g) => g.files,
        Err(d) => return Ok(report(&d, color)),
    };
    let stale: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let path = out.join(&file.name);
            match std::fs::read_to_string(&path) {
                Ok(text) if text == file.text => None,
                Ok(_) => Some(format!(
                    "{}: differs from what the spec generates",
                    path.display()
                )),
                Err(e) => Some(format!("{}: {e}", path.display())),
            }
        })
        .collect();
    if stale.is_empty() {
        println!(
            "ok: {} files in {} are what the spec generates",
            files.len(),
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for line in &stale {
        eprintln!("{line}");
    }
    eprintln!(
        "{} of {} files differ; `dingtalk-openapi-codegen generate --out {}` rewrites them",
        stale.len(),
        files.len(),
        out.display()
    );
    Ok(ExitCode::from(1))
}

/// The generated services of some specs, and the SDK's files for them.
struct SdkSources {
    generated: Vec<Generated>,
    files: Vec<sdk::SdkFile>,
}

/// The SDK's sources for `specs`, or the spec's problems.
fn sdk_files(specs: &[PathBuf]) -> Result<Result<SdkSources, Diagnostics>, UsageError> {
    let specs = SpecFiles::read(specs, "generate")?;
    Ok(
        generate(&specs.inputs(), &Options::default()).map(|generated| SdkSources {
            files: sdk::files(&generated),
            generated,
        }),
    )
}

/// Prints the spec's problems; exit code 1.
fn report(d: &Diagnostics, color: bool) -> ExitCode {
    eprintln!("{}", d.render(color));
    ExitCode::from(1)
}

/// The spec files named on the command line (folders expanded), read.
struct SpecFiles {
    /// Each file's name as shown in diagnostics, and its text.
    files: Vec<(String, String)>,
}

impl SpecFiles {
    fn read(paths: &[PathBuf], command: &'static str) -> Result<Self, UsageError> {
        let failed = |message| UsageError { command, message };
        let default = [PathBuf::from("spec")];
        let paths = if paths.is_empty() {
            &default[..]
        } else {
            paths
        };
        let mut files = Vec::new();
        for p in expand(paths).map_err(failed)? {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| failed(format!("cannot read `{}`: {e}", p.display())))?;
            files.push((p.display().to_string(), text));
        }
        Ok(SpecFiles { files })
    }

    fn inputs(&self) -> Vec<Input<'_>> {
        self.files
            .iter()
            .map(|(name, source)| Input { name, source })
            .collect()
    }
}

/// Expands folders into their `.yaml` files, sorted so output is deterministic.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for p in paths {
        if p.is_dir() {
            let yaml = files::yaml_files(p)?;
            if yaml.is_empty() {
                return Err(format!("no .yaml files in `{}`", p.display()));
            }
            found.extend(yaml);
        } else if p.exists() {
            found.push(p.clone());
        } else {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    Ok(found)
}
