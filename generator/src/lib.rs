//! Generates the DingTalk Open API client from YAML spec files.
//!
//! The pipeline is pure (no I/O): [`load`] (YAML → [`spec::SpecFile`]) → [`check::check`] →
//! [`model::lower`] → [`emit::service`] → [`format()`]. [`generate`] runs it all over a set of
//! files; the `dingtalk-openapi` crate calls it from its build script, the CLI from the shell.

pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod model;
pub mod names;
pub mod schema;
pub mod spec;
pub mod types;
pub mod yaml;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use emit::Options;

/// A spec file's text and the name to report it under.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Path shown in diagnostics (`spec/wiki_2_0.yaml`).
    pub name: &'a str,
    /// YAML text.
    pub source: &'a str,
}

/// The generated source of one service version.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The model it was generated from.
    pub service: model::Service,
    /// Formatted Rust source of the module's contents.
    pub source: String,
}

/// Parses one spec file. YAML syntax and shape errors (unknown, missing, duplicated or mistyped
/// keys) come back located, all of them.
pub fn load(input: Input<'_>) -> Result<spec::SpecFile, Diagnostics> {
    let tree = tree(input)?;
    deserialize(input, &tree)
}

/// Parses the YAML into the located tree, or the syntax error.
fn tree(input: Input<'_>) -> Result<yaml::Node, Diagnostics> {
    yaml::parse(input.source).map_err(|e| {
        let help = if e.message.contains("second YAML document") {
            "keep one document per file: remove this `---` and what follows, or move it to its own file"
        } else if e.message.contains("tab") {
            "indent with spaces: YAML does not allow tabs in indentation"
        } else if e.message.contains("flow mapping") || e.message.contains("flow sequence") {
            "a `{` or `[` opened before this point is not closed (or a `,` is missing)"
        } else {
            "fix the YAML syntax here (indentation, brackets, quotes, `key: value`)"
        };
        let mut d = Diagnostic::new(input.name, "", e.message).help(help);
        let mut pos = e.pos;
        // Point at the offending tab itself.
        if input
            .source
            .get(..pos.start)
            .is_some_and(|s| s.ends_with('\t'))
        {
            pos.start -= 1;
            pos.end = pos.start + 1;
            pos.column = pos.column.saturating_sub(1).max(1);
        }
        d.set_pos(pos);
        d.attach_source(input.source);
        Diagnostics(vec![d])
    })
}

fn deserialize(input: Input<'_>, tree: &yaml::Node) -> Result<spec::SpecFile, Diagnostics> {
    let mut shape = schema::check(input.name, tree);
    if !shape.is_empty() {
        for d in &mut shape {
            d.attach_source(input.source);
        }
        return Err(Diagnostics(shape));
    }
    serde_yaml::from_str(input.source).map_err(|e| {
        // The schema mirrors the serde types, so this is a gap in the schema: still located.
        let mut d = Diagnostic::new(input.name, "", e.to_string());
        if let Some(loc) = e.location() {
            d.set_pos(yaml::Pos {
                start: loc.index(),
                end: loc.index() + 1,
                line: loc.line(),
                column: loc.column(),
            });
            d.attach_source(input.source);
        }
        Diagnostics(vec![d.help("see spec/README.md for the format")])
    })
}

/// Loads and checks spec files, lowering each into the model. Reports every problem found.
pub fn compile(inputs: &[Input<'_>]) -> Result<Vec<model::Service>, Diagnostics> {
    let mut problems = Vec::new();
    let mut services = Vec::new();
    for input in inputs {
        let tree = match tree(*input) {
            Ok(t) => t,
            Err(d) => {
                problems.extend(d.0);
                continue;
            }
        };
        // Shape problems first; then the semantic checks on what is left, so one run reports
        // every problem. Findings about a part the shape check dropped are consequences, not news.
        let mut shape = schema::check(input.name, &tree);
        let parsed = if shape.is_empty() {
            deserialize(*input, &tree)
        } else {
            let mut dropped = Vec::new();
            let value = schema::cleaned(&tree, &mut dropped);
            let parsed = serde_yaml::from_value::<spec::SpecFile>(value)
                .map_err(|_| Diagnostics(Vec::new()));
            for d in &mut shape {
                d.attach_source(input.source);
            }
            problems.extend(shape);
            parsed
                .map(|spec| (spec, dropped))
                .and_then(|(spec, dropped)| {
                    let mut found = check::check(input.name, &spec);
                    found.retain(|d| !is_consequence(d, &dropped));
                    for d in &mut found {
                        if let Some(pos) = diagnostic::locate_at(&tree, &d.key, d.on_key) {
                            d.set_pos(pos);
                        }
                        d.attach_source(input.source);
                    }
                    problems.extend(found);
                    Err(Diagnostics(Vec::new()))
                })
        };
        match parsed {
            Err(d) => problems.extend(d.0),
            Ok(spec) => {
                let mut found = check::check(input.name, &spec);
                for d in &mut found {
                    if d.span.is_none() {
                        if let Some(pos) = diagnostic::locate_at(&tree, &d.key, d.on_key) {
                            d.set_pos(pos);
                        }
                    }
                    d.attach_source(input.source);
                }
                if found.is_empty() {
                    let svc = model::lower(&spec);
                    services.push((svc, *input, tree));
                }
                problems.extend(found);
            }
        }
    }
    let mut modules = std::collections::BTreeMap::new();
    for (svc, input, tree) in &services {
        if let Some(first) = modules.insert(svc.module.clone(), input.name) {
            let mut d = Diagnostic::new(
                input.name,
                "service",
                format!(
                    "{} {} is also declared in `{first}`",
                    svc.service, svc.version
                ),
            )
            .help("keep one file per service version");
            if let Some(pos) = diagnostic::locate(tree, "service") {
                d.set_pos(pos);
            }
            d.attach_source(input.source);
            problems.push(d);
        }
    }
    if problems.is_empty() {
        Ok(services.into_iter().map(|(s, _, _)| s).collect())
    } else {
        Err(Diagnostics(problems))
    }
}

/// Whether a semantic finding is only the consequence of a part the shape check dropped: it is
/// inside or about a dropped part (a field without its `type`, a model with a broken field).
fn is_consequence(d: &Diagnostic, dropped: &[String]) -> bool {
    dropped.iter().any(|p| {
        let name = p.rsplit('.').next().unwrap_or(p);
        d.key.starts_with(p.as_str())
            || p.starts_with(&format!("{}.", d.key))
            || (!name.is_empty() && d.message.contains(&format!("`{name}`")))
            || (!name.is_empty() && d.message.contains(&format!("{{{name}}}")))
            || (!name.is_empty() && d.message.contains(&format!(".{name}`")))
    }) || dropped.iter().any(|p| p.is_empty())
}

/// Formats generated tokens as a Rust file, behind a header naming the spec it came from.
pub fn format(tokens: proc_macro2::TokenStream, origin: &str) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(format!(
        "// @generated by dingtalk-openapi-codegen from {origin}. Do not edit: edit the spec.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Runs the whole pipeline over spec files: one formatted module per service version.
pub fn generate(inputs: &[Input<'_>], opts: &Options) -> Result<Vec<Generated>, Diagnostics> {
    let services = compile(inputs)?;
    let mut out = Vec::with_capacity(services.len());
    for (service, input) in services.into_iter().zip(inputs) {
        let source = format(emit::service(&service, opts), input.name).map_err(|e| {
            Diagnostics(vec![Diagnostic::new(input.name, "", e)
                .help("this is a generator bug; please report it with the spec")])
        })?;
        out.push(Generated { service, source });
    }
    Ok(out)
}

/// Lines of generated code per operation: total non-blank lines over the number of operations.
pub fn lines_per_operation(generated: &[Generated]) -> f64 {
    let lines: usize = generated
        .iter()
        .map(|g| g.source.lines().filter(|l| !l.trim().is_empty()).count())
        .sum();
    let ops: usize = generated.iter().map(|g| g.service.operations.len()).sum();
    lines as f64 / ops.max(1) as f64
}
