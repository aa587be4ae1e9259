//! In-process stages on the sample Canada brief: figures, charts, the whole brief in
//! memory, and typesetting alone. Run with `cargo bench --bench stages`; whole builds are
//! measured by `cargo bench --bench corpus` (see docs/dev/performance.md).

use criterion::{Criterion, criterion_group, criterion_main};
use marketbrief::brief::Renderer;
use marketbrief::figures::{self, Reporters};
use marketbrief::i18n::Lang;
use marketbrief::project::Project;
use std::hint::black_box;
use std::path::Path;

fn stages(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(root).expect("the sample project loads");
    let entry = project
        .profiles
        .iter()
        .find(|p| p.code == "ca")
        .expect("a Canada profile");
    let profile = entry.profile.as_ref().expect("a valid profile");
    let edition = project.config.edition;
    let reporters = Reporters {
        region: project.config.region.as_ref().map(|r| r.code.as_str()),
        cards: &project.config.key_figures,
        national: &project.config.country.code,
    };

    c.bench_function("load the sample project", |b| {
        b.iter(|| Project::load(black_box(root)).unwrap())
    });
    c.bench_function("figures for Canada", |b| {
        b.iter(|| {
            figures::compute(
                black_box(&project.datasets),
                &project.reference.classifications,
                &reporters,
                "CA",
            )
        })
    });
    let renderer = Renderer::new(&project).unwrap();
    c.bench_function("brief ca-fr in memory (all stages)", |b| {
        b.iter(|| {
            renderer
                .build(&entry.path, profile, Lang::Fr, edition)
                .unwrap()
        })
    });
    let brief = renderer
        .build(&entry.path, profile, Lang::Fr, edition)
        .unwrap();
    let typesetter =
        marketbrief::typeset::Typesetter::new(project.assets.fonts().unwrap()).unwrap();
    c.bench_function("typeset ca-fr (compile and PDF)", |b| {
        b.iter(|| {
            typesetter
                .typeset(
                    brief.source.clone(),
                    &brief.files,
                    edition.last_day(),
                    "bench",
                )
                .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = stages
}
criterion_main!(benches);
