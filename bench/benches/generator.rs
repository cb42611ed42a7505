//! Generator throughput, scaling and generated size, measured side by side in one run.
//!
//! `cargo bench -p dingtalk-openapi-bench --bench generator [-- --quick | --scale | --lines]`
//!
//! For 10, 100, 1,000 and 3,250 synthetic operations (files of 26, as in the real API), and
//! for the real spec (spec/): the best of N runs of the whole `generate` (all cores) and of each stage
//! (compile = load + check + lower on all cores; emit, syn::parse2 and prettyplease on one
//! thread), time per operation, the scaling ratio time(1000)/time(100) (linear ≈ 10) and lines
//! of generated Rust per operation.
//!
//! Then `check` at scale (issue 14, item 9), also alone with `-- --scale`: a valid spec of
//! 50,000 operations (and 25,000, for the scaling ratio) and one mapping of 100,000 keys (valid,
//! and all duplicates: 99,999 problems to report), each with its time and its peak heap beside
//! the size of the input (target: 50,000 operations checked in under 10 s, memory in proportion
//! to the input).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dingtalk_openapi_bench::{specs, wide_mapping, SEED};
use dingtalk_openapi_codegen::{
    compile, emit, generate, lines_per_operation, validate, Generated, Input, Options,
};

/// The system allocator, counting live and peak heap bytes while [`COUNTING`] is set (one
/// relaxed load per allocation otherwise, so the throughput figures are not disturbed).
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(by: usize) {
        let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            Counting::grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(
                layout.size().min(LIVE.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                Counting::grew(new_size - layout.size());
            } else {
                let less = (layout.size() - new_size).min(LIVE.load(Ordering::Relaxed));
                LIVE.fetch_sub(less, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` once, returning its result, its time and the peak heap it added (bytes allocated
/// during the run and live at its highest point; what was allocated before is not counted).
fn peak<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let t = Instant::now();
    let out = std::hint::black_box(f());
    let took = t.elapsed();
    COUNTING.store(false, Ordering::Relaxed);
    (out, took, PEAK.load(Ordering::Relaxed))
}

const MB: f64 = 1024.0 * 1024.0;

/// `check` (load, shape check, semantic checks; nothing lowered) of the files, with the rendered
/// report when there are problems: time, peak heap and the outcome.
fn check_row(label: &str, files: &[(String, String)]) -> Duration {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, source)| Input { name, source })
        .collect();
    let bytes: usize = files.iter().map(|(_, s)| s.len()).sum();
    let run = || match validate(&inputs) {
        Ok(ops) => format!("ok, {ops} operations"),
        Err(d) => {
            let report = d.render(false);
            format!(
                "{} problems reported ({:.1} MB of report)",
                d.0.len(),
                report.len() as f64 / MB
            )
        }
    };
    // Timed without counting (the shared counters would slow the threads down), then counted.
    let (took, outcome) = best(1, run);
    let (_, _, heap) = peak(run);
    println!(
        "{label:>34}: {:>6.1} MB in {:>4} files | check {:>6.2} s | peak heap {:>7.1} MB = {:>4.1}× the input | {outcome}",
        bytes as f64 / MB,
        files.len(),
        took.as_secs_f64(),
        heap as f64 / MB,
        heap as f64 / bytes as f64,
    );
    took
}

/// `check` at scale: 25,000 and 50,000 synthetic operations, and 100,000 keys in one mapping.
fn scale() {
    println!("check at scale (one timed run each, then one counted run; peak heap = bytes live at the highest point of the run, the input excluded):");
    let half = check_row("25,000 operations", &specs(25_000, SEED));
    let full = check_row("50,000 operations", &specs(50_000, SEED));
    println!(
        "scaling: check(50,000)/check(25,000) = {:.2} (linear = 2); 50,000 operations in {:.2} s (target < 10 s): {}",
        full.as_secs_f64() / half.as_secs_f64(),
        full.as_secs_f64(),
        if full.as_secs_f64() < 10.0 { "met" } else { "NOT met" }
    );
    check_row(
        "100,000 keys in one mapping",
        &[wide_mapping(100_000, false)],
    );
    check_row(
        "100,000 duplicated keys in one mapping",
        &[wide_mapping(100_000, true)],
    );
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = std::hint::black_box(f());
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}

fn real_specs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    dingtalk_openapi_codegen::files::read_specs(&dir, "spec").expect("spec/")
}

struct Row {
    label: String,
    ops: usize,
    total: Duration,
    lines_per_op: f64,
}

fn measure(label: &str, files: &[(String, String)], runs: usize) -> Row {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, source)| Input { name, source })
        .collect();
    let opts = Options::default();
    let (t_compile, services) = best(runs, || compile(&inputs).unwrap_or_else(|d| panic!("{d}")));
    let (t_emit, tokens) = best(runs, || {
        services
            .iter()
            .map(|s| emit::service(s, &opts))
            .collect::<Vec<_>>()
    });
    // `format` is syn::parse2 (tokens → syntax tree) then prettyplease (tree → text).
    let (t_parse, files) = best(runs, || {
        tokens
            .iter()
            .map(|t| syn::parse2::<syn::File>(t.clone()).expect("parses"))
            .collect::<Vec<_>>()
    });
    let (t_print, _) = best(runs, || {
        files.iter().map(prettyplease::unparse).collect::<Vec<_>>()
    });
    let (total, generated) = best(runs, || {
        generate(&inputs, &opts).unwrap_or_else(|d| panic!("{d}"))
    });
    let ops: usize = services.iter().map(|s| s.operations.len()).sum();
    let per_op = |d: Duration| d.as_secs_f64() * 1e6 / ops as f64;
    let lpo = lines_per_operation(&generated);
    let (docs, attrs, code) = line_kinds(&generated);
    println!(
        "{label:>9} {ops:>5} ops {n:>3} files | generate {total:>7.1} ms = {:>6.1} µs/op | compile (all cores) {:>5.1}; one thread: emit {:>5.1}, parse2 {:>5.1}, prettyplease {:>5.1} µs/op | {lpo:>5.1} lines/op = {:.1} doc + {:.1} attribute + {:.1} code",
        per_op(total),
        per_op(t_compile),
        per_op(t_emit),
        per_op(t_parse),
        per_op(t_print),
        docs as f64 / ops as f64,
        attrs as f64 / ops as f64,
        code as f64 / ops as f64,
        n = inputs.len(),
        total = total.as_secs_f64() * 1e3,
    );
    Row {
        label: label.to_owned(),
        ops,
        total,
        lines_per_op: lpo,
    }
}

/// Lines of generated Rust per operation only (`-- --lines`): one generate of the real spec and
/// of 3,250 synthetic operations, no timings, so it can run on a busy machine.
fn lines() {
    for (label, files) in [("spec", real_specs()), ("synthetic", specs(3250, SEED))] {
        let inputs: Vec<Input<'_>> = files
            .iter()
            .map(|(name, source)| Input { name, source })
            .collect();
        let generated = generate(&inputs, &Options::default()).unwrap_or_else(|d| panic!("{d}"));
        let ops: usize = generated.iter().map(|g| g.service.operations.len()).sum();
        let (docs, attrs, code) = line_kinds(&generated);
        println!(
            "{label:>9} {ops:>5} ops | {:>5.1} lines/op = {:.1} doc + {:.1} attribute + {:.1} code",
            lines_per_operation(&generated),
            docs as f64 / ops as f64,
            attrs as f64 / ops as f64,
            code as f64 / ops as f64,
        );
    }
}

/// Non-blank generated lines by kind: doc comments, attributes (`#[derive…]`, `#[serde…]`), code.
fn line_kinds(generated: &[Generated]) -> (usize, usize, usize) {
    let (mut docs, mut attrs, mut code) = (0, 0, 0);
    for line in generated.iter().flat_map(|g| g.source.lines()) {
        match line.trim_start() {
            "" => {}
            l if l.starts_with("///") || l.starts_with("//!") => docs += 1,
            l if l.starts_with("#[") => attrs += 1,
            _ => code += 1,
        }
    }
    (docs, attrs, code)
}

fn main() {
    // `cargo bench` passes `--bench`; `--quick` keeps one run per size (for CI smoke checks);
    // `--scale` runs only `check` at scale, `--lines` only the lines per operation.
    if std::env::args().any(|a| a == "--scale") {
        scale();
        return;
    }
    if std::env::args().any(|a| a == "--lines") {
        lines();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = |ops: usize| {
        if quick {
            1
        } else if ops > 1000 {
            3
        } else {
            5
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("generator benchmark: best of N runs per size, {threads} hardware threads");
    let mut rows = vec![measure("spec/", &real_specs(), runs(5))];
    for ops in [10, 100, 1000, 3250] {
        rows.push(measure("synthetic", &specs(ops, SEED), runs(ops)));
    }
    let by_ops = |n: usize| {
        rows.iter()
            .find(|r| r.label == "synthetic" && r.ops == n)
            .expect("row")
    };
    let ratio = by_ops(1000).total.as_secs_f64() / by_ops(100).total.as_secs_f64();
    println!("scaling: time(1000)/time(100) = {ratio:.2} (linear = 10)");
    let full = by_ops(3250);
    println!(
        "3,250 operations: {:.2} s (target < 2 s): {}",
        full.total.as_secs_f64(),
        if full.total.as_secs_f64() < 2.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "lines/op: spec/ {:.1}, synthetic(3250) {:.1} (target ≤ 80)",
        rows[0].lines_per_op, full.lines_per_op
    );
    scale();
}
