//! Reads the package straight from its wheel (a zip archive), without unpacking it.

use std::collections::BTreeMap;
use std::io::{Read, Seek};

use crate::client;
use crate::examples::Examples;
use crate::extract::{self, Findings};
use crate::ir::Service;
use crate::models;
use crate::pattern::lines;
use crate::problem::Problem;

/// The package's top-level folder inside the wheel.
pub const PACKAGE: &str = "alibabacloud_dingtalk";

/// What a wheel holds, in the spec's terms.
#[derive(Debug, Clone)]
pub struct Wheel {
    /// `alibabacloud-dingtalk <version>`, from the package's `__version__` (and the examples'
    /// package, when given).
    pub source: String,
    /// One service per service-version module, by module name.
    pub services: Vec<Service>,
    /// Operations left out on purpose: (`product version Operation`, reason).
    pub excluded: Vec<(String, String)>,
    /// Facts handled deliberately that a maintainer should know about.
    pub notes: Vec<String>,
    /// How many `client.py` / `models.py` files were read.
    pub files_read: usize,
}

/// One service-version module's two files.
#[derive(Default)]
struct Module {
    client: Option<String>,
    models: Option<String>,
}

/// Reads every `client.py` and `models.py` of the wheel. Any line the importer does not
/// understand is a problem; when there is one, the wheel is not imported.
pub fn read<R: Read + Seek>(archive: R) -> Result<Wheel, Vec<Problem>> {
    read_with_examples(archive, None)
}

/// [`read`], with example values from the Node package attached to the fields they fit.
pub fn read_with_examples<R: Read + Seek>(
    archive: R,
    examples: Option<&Examples>,
) -> Result<Wheel, Vec<Problem>> {
    let (version, modules) = files(archive)?;
    let mut found = Findings::default();
    let mut services = Vec::new();
    let mut files_read = 0;
    for (dir, module) in &modules {
        let path = format!("{PACKAGE}/{dir}");
        let (Some(client_src), Some(models_src)) = (&module.client, &module.models) else {
            found.problems.push(Problem::new(
                &path,
                0,
                "a module without both client.py and models.py",
            ));
            continue;
        };
        files_read += 2;
        let (classes, problems) = models::parse(&format!("{path}/models.py"), &lines(models_src));
        found.problems.extend(problems);
        let (methods, problems) = client::parse(&format!("{path}/client.py"), &lines(client_src));
        found.problems.extend(problems);
        if let Some(service) = extract::service(
            &path,
            &methods,
            &classes,
            examples.and_then(|e| e.module(dir)),
            &mut found,
        ) {
            services.push(service);
        }
    }
    services.sort_by(|a, b| a.module.cmp(&b.module));
    for pair in services.windows(2) {
        if pair[0].module == pair[1].module {
            let what = format!("two service versions map to module `{}`", pair[0].module);
            found.problems.push(Problem::new(PACKAGE, 0, what));
        }
    }
    if !found.problems.is_empty() {
        return Err(found.problems);
    }
    let mut source = format!("alibabacloud-dingtalk {version}");
    if let Some(e) = examples {
        source.push_str(&format!(", examples from {}", e.source));
    }
    Ok(Wheel {
        source,
        services,
        excluded: found.excluded,
        notes: found.notes,
        files_read,
    })
}

/// The package version and each module's sources. Files other than the modules' `client.py`,
/// `models.py` and `__init__.py`, the package's `__init__.py` and the wheel's metadata are
/// problems (a new kind of file is something to look at).
fn files<R: Read + Seek>(archive: R) -> Result<(String, BTreeMap<String, Module>), Vec<Problem>> {
    let fail = |what: String| vec![Problem::new("wheel", 0, what)];
    let mut zip = zip::ZipArchive::new(archive).map_err(|e| fail(format!("not a wheel: {e}")))?;
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    let mut version = None;
    let mut problems = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| fail(format!("entry {i}: {e}")))?;
        let name = entry.name().to_owned();
        if entry.is_dir() || name.contains(".dist-info/") {
            continue;
        }
        let mut text = String::new();
        if let Err(e) = entry.read_to_string(&mut text) {
            problems.push(Problem::new(&name, 0, format!("cannot read: {e}")));
            continue;
        }
        let parts: Vec<&str> = name.split('/').collect();
        match parts.as_slice() {
            [PACKAGE, "__init__.py"] => {
                version = text
                    .trim()
                    .strip_prefix("__version__ = '")
                    .and_then(|v| v.strip_suffix('\''))
                    .map(str::to_owned);
            }
            [PACKAGE, dir, "client.py"] => {
                modules.entry((*dir).to_owned()).or_default().client = Some(text)
            }
            [PACKAGE, dir, "models.py"] => {
                modules.entry((*dir).to_owned()).or_default().models = Some(text)
            }
            [PACKAGE, _, "__init__.py"] => {}
            _ => problems.push(Problem::new(&name, 0, "a file the importer does not know")),
        }
    }
    match version {
        Some(v) if problems.is_empty() => Ok((v, modules)),
        Some(_) => Err(problems),
        None => {
            problems.push(Problem::new(
                &format!("{PACKAGE}/__init__.py"),
                1,
                "no `__version__ = '…'`",
            ));
            Err(problems)
        }
    }
}
