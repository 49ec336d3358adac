//! Where a one-shot check's time goes, stage by stage, on one core: reads every YAML file
//! of a catalogue (as `check` does, one `read` per file), then runs each stage over all the
//! texts in memory and prints its throughput. For the book's "Where the time goes"
//! (`docs/src/performance.md`); build it as the benchmarks do:
//!
//! ```sh
//! cargo build --profile dist --example stage-throughput
//! target/dist/examples/stage-throughput /tmp/catalogue
//! ```

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use catalint::load::{Limits, fast, load, load_fast};
use catalint::source::FileId;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Runs `f` over every text `rounds` times; returns the best round's seconds.
fn best(rounds: usize, texts: &[Arc<str>], mut f: impl FnMut(&Arc<str>) -> usize) -> f64 {
    let mut best = f64::INFINITY;
    let mut keep = 0usize;
    for _ in 0..rounds {
        let t = Instant::now();
        for text in texts {
            keep = keep.wrapping_add(f(text));
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    std::hint::black_box(keep);
    best
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: stage-throughput DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    yaml_files(Path::new(&dir), &mut files);
    files.sort();
    let t = Instant::now();
    let texts: Vec<Arc<str>> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(Arc::from)
        .collect();
    let read = t.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    let limits = Limits::default();
    let fast_read = texts
        .iter()
        .filter(|t| fast::parse(t, |_, _| ControlFlow::Continue(())).is_ok())
        .count();
    println!(
        "{} files, {mb:.1} MB; the fast scanner reads {fast_read} of them (one core)",
        texts.len()
    );
    let row = |name: &str, s: f64| println!("{name:<44} {:>8.1} ms {:>7.1} MB/s", s * 1e3, mb / s);
    row("read the files (cold from the page cache)", read);
    let rounds = 3;
    let fast = best(rounds, &texts, |t| {
        let mut n = 0;
        let _ = fast::parse(t, |_, _| {
            n += 1;
            ControlFlow::Continue(())
        });
        n
    });
    row("events: fast scanner", fast);
    let saphyr = best(rounds, &texts, |t| {
        let mut parser = saphyr_parser::Parser::new_from_str(t);
        let mut n = 0;
        while let Some(Ok(_)) = parser.next_event() {
            n += 1;
        }
        n
    });
    row("events: saphyr-parser", saphyr);
    let values = best(rounds, &texts, |t| {
        load_fast(FileId(0), t, &limits).documents.len()
    });
    row("load, values only (what check does)", values);
    let spans = best(rounds, &texts, |t| {
        load(FileId(0), t, &limits).documents.len()
    });
    row("load with spans (files with findings)", spans);
}
