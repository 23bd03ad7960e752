//! CFONB 120 throughput on one core: a generated file of 1 million movements
//! (10 accounts × 250 days, with their 05 complements), written to a temporary
//! file once, then read and parsed into typed statements (and dropped). A bare
//! `memchr` line count over the same file (read included) runs beside it as
//! the floor.
//!
//! `read_and_parse_file` times reading and parsing; dropping the statements
//! is left out of the timing (`iter_with_large_drop`) and measured on its own
//! by `read_parse_and_drop_file`.
//!
//! Two measurements of the same work: wall time (criterion's default) and the
//! thread's CPU time (`/proc/thread-self/schedstat`, user + system), because
//! the project machine is shared and wall time there counts other people's
//! processes too. `cargo bench --bench cfonb` (figures in BENCHMARKS.md);
//! `CFONB_BENCH_MOVEMENTS` overrides the size.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::formats::{Parsed, cfonb120};
use pointage::synth::{Rng, cfonb};

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct BenchFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
    size: u64,
    records: u64,
}

fn bench_file() -> &'static BenchFile {
    static FILE: OnceLock<BenchFile> = OnceLock::new();
    FILE.get_or_init(|| {
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
        BenchFile {
            size: bytes.len() as u64,
            _dir: dir,
            path,
            records,
        }
    })
}

/// File → typed statements. The result is returned so that criterion drops it
/// outside the timed section (`iter_with_large_drop`): freeing the model is
/// measured separately by [`read_parse_and_drop`].
fn read_and_parse(p: &Path) -> Parsed {
    let bytes = std::fs::read(p).expect("read");
    cfonb120::parse(&bytes, p).expect("parse")
}

fn read_parse_and_drop(p: &Path) -> usize {
    black_box(read_and_parse(p).statements.len())
}

fn line_count(p: &Path) -> usize {
    let bytes = std::fs::read(p).expect("read");
    black_box(memchr::memchr_iter(b'\n', &bytes).count())
}

fn bench<M: Measurement>(c: &mut Criterion<M>, label: &str, per_record: bool) {
    pointage::alloc::tune();
    let f = bench_file();
    let mut g = c.benchmark_group(format!("cfonb120_{label}"));
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Bytes(f.size));
    g.bench_function("read_and_parse_file", |b| {
        b.iter_with_large_drop(|| read_and_parse(&f.path))
    });
    g.bench_function("memchr_line_count_floor", |b| {
        b.iter(|| line_count(&f.path))
    });
    if per_record {
        g.bench_function("read_parse_and_drop_file", |b| {
            b.iter(|| read_parse_and_drop(&f.path))
        });
    }
    g.finish();
    if per_record {
        let mut g = c.benchmark_group(format!("cfonb120_{label}_records"));
        g.sample_size(10).measurement_time(Duration::from_secs(30));
        g.throughput(Throughput::Elements(f.records));
        g.bench_function("read_and_parse_file", |b| {
            b.iter_with_large_drop(|| read_and_parse(&f.path))
        });
        g.finish();
    }
}

fn wall(c: &mut Criterion) {
    bench(c, "wall", false);
}

fn cpu(c: &mut Criterion<CpuTime>) {
    bench(c, "cpu", true);
}

/// CPU time of the benchmark thread, in nanoseconds.
struct CpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v /= 1e6);
        "ms (cpu)"
    }

    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let (amount, unit, scale) = match *t {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => (b as f64, "MB/s (cpu)", 1e6),
            Throughput::Elements(e) => (e as f64, "Melem/s (cpu)", 1e6),
            Throughput::Bits(b) => (b as f64, "Mb/s (cpu)", 1e6),
            Throughput::ElementsAndBytes { elements, .. } => {
                (elements as f64, "Melem/s (cpu)", 1e6)
            }
        };
        values
            .iter_mut()
            .for_each(|v| *v = amount * 1e9 / v.max(1.0) / scale);
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(wall_time, wall);
criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(CpuTime);
    targets = cpu
}
criterion_main!(wall_time, cpu_time);
