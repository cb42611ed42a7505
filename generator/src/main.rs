//! `dingtalk-openapi-codegen`: check spec files or write the generated sources to a folder.
//!
//! Exit codes: 0 success, 1 the spec has errors, 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use dingtalk_openapi_codegen::{files, generate, Diagnostics, Input, Options};

const HELP: &str = "\
dingtalk-openapi-codegen — check DingTalk spec files and generate the Rust client

Usage:
    dingtalk-openapi-codegen check [OPTIONS] [SPEC...]
    dingtalk-openapi-codegen generate --out DIR [OPTIONS] [SPEC...]

SPEC is a .yaml file or a folder of them (default: spec/).

Commands:
    check       Validate the spec files and report every problem
    generate    Write one formatted .rs file per service version into DIR
    help        Print this help, or a command's: `help check`

Options:
    --color WHEN    Colour the errors: auto (on a terminal, the default), always, never
    -h, --help      Print help
    -V, --version   Print the version

Exit codes: 0 success, 1 errors in the spec, 2 usage or I/O error.
";

const CHECK_HELP: &str = "\
dingtalk-openapi-codegen check — validate spec files

Usage:
    dingtalk-openapi-codegen check [OPTIONS] [SPEC...]

Reads every SPEC (a .yaml file, or a folder whose .yaml files are read; default: spec/) and
reports every problem found, each with its file, line, column, key path and a hint, like rustc.
Nothing is written.

Options:
    --color WHEN    auto (default: colour on a terminal), always, never
    -h, --help      Print this help

Exit codes: 0 no problems, 1 problems in the spec, 2 usage or I/O error.
";

const GENERATE_HELP: &str = "\
dingtalk-openapi-codegen generate — write the generated Rust sources

Usage:
    dingtalk-openapi-codegen generate --out DIR [OPTIONS] [SPEC...]

Checks every SPEC (a .yaml file or a folder of them; default: spec/) and, when there are no
problems, writes one formatted `<service>_<version>.rs` per file into DIR (created if needed).
The sources expect the `dingtalk-openapi` runtime at `crate::runtime` (as inside the SDK).

Options:
    --out DIR       Folder to write into (required)
    --color WHEN    auto (default: colour on a terminal), always, never
    -h, --help      Print this help

Exit codes: 0 written, 1 problems in the spec (nothing written), 2 usage or I/O error.
";

/// A usage or I/O error: message, and the help text to point at.
struct Fail(String, &'static str);

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(Fail(msg, help)) => {
            let usage = help
                .lines()
                .skip_while(|l| !l.starts_with("Usage:"))
                .take_while(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            eprintln!("error: {msg}\n\n{usage}\n\nFor more information, try `--help`.");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn run(args: Vec<String>) -> Result<ExitCode, Fail> {
    let mut args = args.into_iter();
    let mut color = Color::Auto;
    let mut cmd = None;
    let (mut out, mut paths) = (None, Vec::new());
    let mut help = false;
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        let usage = cmd_help(cmd.as_deref());
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| Fail(format!("`{name}` needs a value"), usage))
        };
        match flag.as_str() {
            "-h" | "--help" => help = true,
            "-V" | "--version" => {
                println!("dingtalk-openapi-codegen {}", env!("CARGO_PKG_VERSION"));
                return Ok(ExitCode::SUCCESS);
            }
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--color" | "--colour" => {
                color = match value("--color")?.as_str() {
                    "auto" => Color::Auto,
                    "always" => Color::Always,
                    "never" => Color::Never,
                    other => {
                        return Err(Fail(
                            format!("invalid `--color` value `{other}`: use auto, always or never"),
                            usage,
                        ))
                    }
                }
            }
            s if s.starts_with('-') && s != "-" => {
                return Err(Fail(format!("unknown option `{s}`"), usage))
            }
            _ if cmd.is_none() => cmd = Some(a),
            _ if cmd.as_deref() == Some("help") => {
                print!("{}", cmd_help(Some(a.as_str())));
                return Ok(ExitCode::SUCCESS);
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let cmd = cmd.unwrap_or_default();
    if help || cmd == "help" {
        print!("{}", cmd_help(Some(cmd.as_str())));
        return Ok(ExitCode::SUCCESS);
    }
    let usage = cmd_help(Some(cmd.as_str()));
    match cmd.as_str() {
        "check" | "generate" => {}
        "" => {
            return Err(Fail(
                "missing command: `check` or `generate`".to_owned(),
                HELP,
            ))
        }
        other => return Err(Fail(format!("unknown command `{other}`"), HELP)),
    }
    if cmd == "check" && out.is_some() {
        return Err(Fail("`--out` is only for `generate`".to_owned(), usage));
    }
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if paths.is_empty() {
        paths.push(PathBuf::from("spec"));
    }
    let files = spec_files(&paths).map_err(|e| Fail(e, usage))?;
    let sources = files
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map_err(|e| Fail(format!("cannot read `{}`: {e}", p.display()), usage))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let inputs: Vec<Input<'_>> = names
        .iter()
        .zip(&sources)
        .map(|(name, source)| Input { name, source })
        .collect();
    let report = |d: Diagnostics| {
        eprintln!("{}", d.render(color));
        Ok(ExitCode::from(1))
    };
    if cmd == "check" {
        return match dingtalk_openapi_codegen::validate(&inputs) {
            Ok(ops) => {
                println!(
                    "ok: {} file{}, {ops} operation{}",
                    inputs.len(),
                    if inputs.len() == 1 { "" } else { "s" },
                    if ops == 1 { "" } else { "s" }
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(d) => report(d),
        };
    }
    let out = out.ok_or_else(|| Fail("`generate` needs `--out DIR`".to_owned(), usage))?;
    match generate(&inputs, &Options::default()) {
        Ok(generated) => {
            std::fs::create_dir_all(&out)
                .map_err(|e| Fail(format!("cannot create `{}`: {e}", out.display()), usage))?;
            for g in &generated {
                let path = out.join(format!("{}.rs", g.service.module));
                std::fs::write(&path, &g.source)
                    .map_err(|e| Fail(format!("cannot write `{}`: {e}", path.display()), usage))?;
                println!("wrote {}", path.display());
            }
            println!(
                "{:.1} lines per operation",
                dingtalk_openapi_codegen::lines_per_operation(&generated)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => report(d),
    }
}

fn cmd_help(cmd: Option<&str>) -> &'static str {
    match cmd {
        Some("check") => CHECK_HELP,
        Some("generate") => GENERATE_HELP,
        _ => HELP,
    }
}

/// Expands folders into their `.yaml` files, sorted so output is deterministic.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = files::yaml_files(p)?;
            if found.is_empty() {
                return Err(format!("no .yaml files in `{}`", p.display()));
            }
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    Ok(files)
}
