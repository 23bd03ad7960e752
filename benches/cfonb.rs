//! CFONB 120 throughput on one core: a generated file of 1 million movements
//! (10 accounts × 250 days, with their 05 complements), written to a temporary
//! file once, then read and parsed into typed statements. A bare `memchr` line
//! count over the same bytes runs beside it as the floor.
//!
//! `cargo bench --bench cfonb` (figures in BENCHMARKS.md). `CFONB_BENCH_MOVEMENTS`
//! overrides the size.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::formats::cfonb120;
use pointage::synth::{Rng, cfonb};

fn bench(c: &mut Criterion) {
    let movements: usize = std::env::var("CFONB_BENCH_MOVEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.cfonb");
    let bytes = cfonb::generate(&mut Rng::new(2026), 10, 250, movements);
    std::fs::write(&path, &bytes).expect("write bench file");
    let records = memchr::memchr_iter(b'\n', &bytes).count() as u64;
    eprintln!(
        "cfonb bench file: {} bytes, {records} records, {movements} movements",
        bytes.len()
    );
    drop(bytes);
    let size = std::fs::metadata(&path).expect("stat").len();

    let parse = |p: &Path| {
        let bytes = std::fs::read(p).expect("read");
        let parsed = cfonb120::parse(&bytes, p).expect("parse");
        black_box(parsed.statements.len())
    };

    let mut g = c.benchmark_group("cfonb120_bytes");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(size));
    g.bench_function("read_and_parse_file", |b| b.iter(|| parse(&path)));
    g.bench_function("memchr_line_count_floor", |b| {
        b.iter(|| {
            let bytes = std::fs::read(&path).expect("read");
            black_box(memchr::memchr_iter(b'\n', &bytes).count())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("cfonb120_records");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(records));
    g.bench_function("read_and_parse_file", |b| b.iter(|| parse(&path)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
