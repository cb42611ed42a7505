//! Writes the synthetic spec files of the benchmarks into a folder.
//!
//! `cargo run -p dingtalk-openapi-bench --bin synth-specs -- OPS DIR` writes `OPS` operations
//! (files of 26) and prints one file stem (= cargo feature) a line.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(ops), Some(dir)) = (args.next().and_then(|a| a.parse().ok()), args.next()) else {
        eprintln!("usage: synth-specs OPS DIR");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(&dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    for (name, text) in dingtalk_openapi_bench::specs(ops, dingtalk_openapi_bench::SEED) {
        if let Err(e) = std::fs::write(dir.join(&name), text) {
            eprintln!("cannot write {name}: {e}");
            std::process::exit(1);
        }
        println!("{}", name.trim_end_matches(".yaml"));
    }
}
