//! `dingtalk-openapi-codegen`: check spec files or write the generated sources to a folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dingtalk_openapi_codegen::{generate, Input, Options};

const HELP: &str = "\
dingtalk-openapi-codegen — check DingTalk spec files and generate the Rust client

USAGE:
    dingtalk-openapi-codegen check [SPEC...]
    dingtalk-openapi-codegen generate --out DIR [SPEC...]

SPEC is a .yaml file or a folder of them (default: spec/).

COMMANDS:
    check       Validate the spec; exit code 1 if it has errors
    generate    Write one formatted .rs file per service version into DIR

OPTIONS:
    --out DIR   Output folder (generate)
    -h, --help  Print this help
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let mut args = args.into_iter();
    let cmd = args.next().unwrap_or_default();
    if cmd == "-h" || cmd == "--help" || cmd == "help" {
        print!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (mut out, mut paths) = (None, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(ExitCode::SUCCESS);
            }
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a folder")?)),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("spec"));
    }
    let files = spec_files(&paths)?;
    let sources = files
        .iter()
        .map(|p| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let inputs: Vec<Input<'_>> = names
        .iter()
        .zip(&sources)
        .map(|(name, source)| Input { name, source })
        .collect();
    match cmd.as_str() {
        "check" => match dingtalk_openapi_codegen::compile(&inputs) {
            Ok(services) => {
                let ops: usize = services.iter().map(|s| s.operations.len()).sum();
                println!(
                    "ok: {} files, {} services, {ops} operations",
                    inputs.len(),
                    services.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(d) => {
                eprintln!("{d}");
                Ok(ExitCode::FAILURE)
            }
        },
        "generate" => {
            let out = out.ok_or("generate needs --out DIR")?;
            let opts = Options::default();
            match generate(&inputs, &opts) {
                Ok(generated) => {
                    std::fs::create_dir_all(&out)
                        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
                    for g in &generated {
                        let path = out.join(format!("{}.rs", g.service.module));
                        std::fs::write(&path, &g.source)
                            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                        println!("wrote {}", path.display());
                    }
                    println!(
                        "{:.1} lines per operation",
                        dingtalk_openapi_codegen::lines_per_operation(&generated)
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(d) => {
                    eprintln!("{d}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        "" => Err("missing command".to_owned()),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// Expands folders into their `.yaml` files, sorted so output is deterministic.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| is_yaml(f))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}
