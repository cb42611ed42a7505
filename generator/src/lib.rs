//! Generates the DingTalk Open API client from YAML spec files.
//!
//! The pipeline is pure (no I/O): [`load`] (YAML → [`spec::SpecFile`]) → [`check::check`] →
//! [`model::lower`] → [`emit::service`] → [`format()`]. [`generate`] runs it all over a set of
//! files; the `dingtalk-openapi` crate calls it from its build script, the CLI from the shell.
//! [`files`] reads spec files from disk for them.

pub mod build_script;
pub mod check;
pub mod diagnostic;
pub mod doctext;
pub mod emit;
pub mod files;
pub mod inline;
mod keypath;
mod layout;
pub mod model;
pub mod names;
pub mod schema;
pub mod sdk;
pub mod spec;
pub mod types;
pub mod validate;
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
        } else if e.message.contains("nested deeper") || e.message.contains("recursion limit") {
            "nest less: the format allows types and inline objects 32 levels deep (name a model and refer to it instead)"
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

/// Loads and checks spec files (in parallel), lowering each into the model. Reports every
/// problem found, in file order.
pub fn compile(inputs: &[Input<'_>]) -> Result<Vec<model::Service>, Diagnostics> {
    let compiled = compile_each(inputs, |_, _| Ok(()))?;
    Ok(compiled.into_iter().map(|(s, ())| s).collect())
}

/// Compiles every file and, for each file without problems, runs `then` on its service right
/// away (on the same thread, while the file's data is still in cache; the YAML tree is already
/// dropped). Problems of all files, and a service version declared twice, come back together;
/// then the results of `then` are discarded.
fn compile_each<R: Send>(
    inputs: &[Input<'_>],
    then: impl Fn(&model::Service, &Input<'_>) -> Result<R, Box<Diagnostic>> + Sync,
) -> Result<Vec<(model::Service, R)>, Diagnostics> {
    let results = par_map(inputs.iter().collect(), |input| {
        let mut outcome = compile_one(*input);
        let done = outcome
            .passed
            .take()
            .and_then(|p| match then(&p.value, input) {
                Ok(r) => Some((p, r)),
                Err(d) => {
                    outcome.problems.push(*d);
                    None
                }
            });
        (done, outcome.problems)
    });
    let mut problems = Vec::new();
    let mut services = Vec::new();
    let mut modules = std::collections::BTreeMap::new();
    for ((done, found), input) in results.into_iter().zip(inputs) {
        problems.extend(found);
        let Some((passed, r)) = done else {
            continue;
        };
        let svc = passed.value;
        let name = (svc.service.as_str(), svc.version.as_str());
        problems.extend(declared_twice(
            &mut modules,
            &svc.module,
            name,
            input,
            passed.service_at,
        ));
        services.push((svc, r));
    }
    if problems.is_empty() {
        Ok(services)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Checks spec files without generating anything, in parallel, reporting every problem as
/// [`compile`] does. Each file's tree and spec are dropped as soon as it is checked (nothing is
/// lowered or kept), so memory follows the input rather than what would be generated from it.
/// `Ok` gives the number of operations.
pub fn validate(inputs: &[Input<'_>]) -> Result<usize, Diagnostics> {
    let results = par_map(inputs.iter().collect(), |input| {
        let outcome = check_one(*input);
        let summary = outcome.passed.map(|p| {
            let s = p.value;
            let ops = s.operations.len();
            (s.module(), s.service, s.version, ops, p.service_at)
        });
        (summary, outcome.problems)
    });
    let mut problems = Vec::new();
    let mut modules = std::collections::BTreeMap::new();
    let mut operations = 0;
    for ((summary, found), input) in results.into_iter().zip(inputs) {
        problems.extend(found);
        let Some((module, service, version, ops, at)) = summary else {
            continue;
        };
        operations += ops;
        let name = (service.as_str(), version.as_str());
        problems.extend(declared_twice(&mut modules, &module, name, input, at));
    }
    if problems.is_empty() {
        Ok(operations)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The problem of a service version (`module`) declared by a second file, if it is one.
fn declared_twice<'i>(
    modules: &mut std::collections::BTreeMap<String, &'i str>,
    module: &str,
    (service, version): (&str, &str),
    input: &Input<'i>,
    at: Option<yaml::Pos>,
) -> Option<Diagnostic> {
    let first = modules.insert(module.to_owned(), input.name)?;
    let mut d = Diagnostic::new(
        input.name,
        "service",
        format!("{service} {version} is also declared in `{first}`"),
    )
    .help("keep one file per service version");
    if let Some(pos) = at {
        d.set_pos(pos);
    }
    d.attach_source(input.source);
    Some(d)
}

/// What loading one spec file gave: its `T` (spec or service) when it passed every check, and
/// its problems.
struct Outcome<T> {
    passed: Option<Passed<T>>,
    problems: Vec<Diagnostic>,
}

/// A file's `T` that passed every check, and where its `service` key is (to point at when
/// another file declares the same service version).
struct Passed<T> {
    value: T,
    service_at: Option<yaml::Pos>,
}

impl<T> Outcome<T> {
    fn failed(problems: Vec<Diagnostic>) -> Self {
        Outcome {
            passed: None,
            problems,
        }
    }
}

/// Loads, checks and lowers one spec file.
fn compile_one(input: Input<'_>) -> Outcome<model::Service> {
    let checked = check_one(input);
    Outcome {
        passed: checked.passed.map(|p| Passed {
            value: model::lower(&p.value),
            service_at: p.service_at,
        }),
        problems: checked.problems,
    }
}

/// Loads and checks one spec file.
fn check_one(input: Input<'_>) -> Outcome<spec::SpecFile> {
    let tree = match tree(input) {
        Ok(t) => t,
        Err(d) => return Outcome::failed(d.0),
    };
    // Shape problems first; then the semantic checks on what is left, so one run reports every
    // problem. Findings about a part the shape check dropped are consequences, not news.
    let mut shape = schema::check(input.name, &tree);
    if !shape.is_empty() {
        let mut dropped = Vec::new();
        let value = schema::cleaned(&tree, &mut dropped);
        for d in &mut shape {
            d.attach_source(input.source);
        }
        if let Ok(spec) = serde_yaml::from_value::<spec::SpecFile>(value) {
            let mut found = check::check(input.name, &spec);
            let dropped = Dropped::new(&dropped);
            found.retain(|d| !is_consequence(d, &dropped));
            shape.extend(located(found, &tree, input.source));
        }
        return Outcome::failed(shape);
    }
    // The tree passed the shape check: build the spec from it instead of parsing the YAML again
    // (falling back to the text only for the located message of a gap in the schema).
    let value = schema::cleaned(&tree, &mut Vec::new());
    let spec = match serde_yaml::from_value(value) {
        Ok(spec) => spec,
        Err(_) => match deserialize(input, &tree) {
            Ok(spec) => spec,
            Err(d) => return Outcome::failed(d.0),
        },
    };
    let found = located(check::check(input.name, &spec), &tree, input.source);
    if !found.is_empty() {
        return Outcome::failed(found);
    }
    let service_at = diagnostic::locate(&tree, "service");
    Outcome {
        passed: Some(Passed {
            value: spec,
            service_at,
        }),
        problems: found,
    }
}

/// Semantic findings (key paths) placed in the file: position from the tree, source for the snippet.
fn located(mut found: Vec<Diagnostic>, tree: &yaml::Node, source: &str) -> Vec<Diagnostic> {
    let mut locator = diagnostic::Locator::new(tree);
    for d in &mut found {
        if let Some(pos) = locator.locate(&d.key, d.on_key) {
            d.set_pos(pos);
        }
        d.attach_source(source);
    }
    found
}

/// The parts the shape check dropped, indexed for [`is_consequence`].
struct Dropped<'d> {
    /// Their key paths.
    paths: std::collections::HashSet<&'d str>,
    /// Every path that is a dropped path cut before one of its dots (its ancestors).
    ancestors: std::collections::HashSet<&'d str>,
    /// Whether the whole file was dropped.
    root: bool,
}

impl<'d> Dropped<'d> {
    fn new(dropped: &'d [String]) -> Self {
        let mut d = Dropped {
            paths: Default::default(),
            ancestors: Default::default(),
            root: false,
        };
        for p in dropped {
            d.root |= p.is_empty();
            d.paths.insert(p);
            for (i, _) in p.match_indices('.') {
                d.ancestors.insert(&p[..i]);
            }
        }
        d
    }

    /// Whether the part at `key` was dropped, is inside a dropped part, or holds one.
    fn touches(&self, key: &str) -> bool {
        self.ancestors.contains(key)
            || key
                .match_indices('.')
                .map(|(i, _)| &key[..i])
                .chain(std::iter::once(key))
                .any(|prefix| self.paths.contains(prefix))
    }
}

/// Whether a semantic finding is only the consequence of a part the shape check dropped: it is
/// inside or around a dropped part (a field without its `type`, a model with a broken field), or
/// it is about one ([`Diagnostic::refers_to`]: the model an unknown type names was dropped).
/// Lookups in sets, so many findings and many dropped parts cost their sum, not their product.
fn is_consequence(d: &Diagnostic, dropped: &Dropped<'_>) -> bool {
    dropped.root
        || dropped.touches(&d.key)
        || d.refers_to.as_deref().is_some_and(|r| dropped.touches(r))
}

/// Formats generated tokens as a Rust file, behind a header naming the spec it came from.
pub fn format(tokens: proc_macro2::TokenStream, origin: &str) -> Result<String, String> {
    format_items(std::iter::once(tokens), origin)
}

/// [`format()`] of pieces that are whole items ([`emit::items`]), one at a time: the same text
/// as formatting them together, but each piece is parsed, printed and dropped while its memory
/// is in cache (and the allocator reuses it), instead of one large tree freed at the end.
pub fn format_items(
    pieces: impl IntoIterator<Item = proc_macro2::TokenStream>,
    origin: &str,
) -> Result<String, String> {
    let mut out = format!(
        "// @generated by dingtalk-openapi-codegen from {origin}. Do not edit: edit the spec.\n"
    );
    for tokens in pieces {
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
        out.push('\n');
        layout::lay_out(&prettyplease::unparse(&file), &mut out);
    }
    Ok(out)
}

/// A syntax tree as the generator prints its files: prettyplease's text, with blank lines
/// between items and the runtime macros' tables one entry per line.
pub fn unparse(file: &syn::File) -> String {
    let mut out = String::new();
    layout::lay_out(&prettyplease::unparse(file), &mut out);
    out
}

/// Runs the whole pipeline over spec files: one formatted module per service version.
///
/// Files are loaded, checked, emitted and formatted on up to `available_parallelism` threads;
/// the output does not depend on the number of threads.
pub fn generate(inputs: &[Input<'_>], opts: &Options) -> Result<Vec<Generated>, Diagnostics> {
    let generated = compile_each(inputs, |service, input| {
        format_items(emit::items(service, opts), input.name).map_err(|e| {
            Box::new(
                Diagnostic::new(input.name, "", e)
                    .help("this is a generator bug; please report it with the spec"),
            )
        })
    })?;
    Ok(generated
        .into_iter()
        .map(|(service, source)| Generated { service, source })
        .collect())
}

/// `items.map(f)` on up to `available_parallelism` threads, in contiguous shares of about
/// equal size, joined back in order: the result does not depend on the number of threads.
fn par_map<T: Send, R: Send>(mut items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let mut shares = Vec::new();
    while !items.is_empty() {
        let rest = items.split_off(size.min(items.len()));
        shares.push(std::mem::replace(&mut items, rest));
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                // The main thread's stack (8 MiB) rather than a spawned thread's 2 MiB:
                // formatting the deepest types the format allows takes about 1.5 MiB in a debug
                // build, which is how build scripts run. (`scope.spawn` panics alike when the OS
                // has no thread to give.)
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, move || share.into_iter().map(f).collect::<Vec<_>>())
                    .expect("a worker thread")
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A report as the `cargo::error=` lines a build script prints: cargo prefixes each with
/// `error: <package>: `, so the report's own `error: ` is dropped.
pub fn cargo_error_lines(report: &str) -> impl Iterator<Item = String> + '_ {
    report.lines().map(|line| {
        format!(
            "cargo::error={}",
            line.strip_prefix("error: ").unwrap_or(line)
        )
    })
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
