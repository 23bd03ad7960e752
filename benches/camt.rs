//! CAMT throughput: generated camt.053.001.08 files of 100k entries (1M with
//! `CAMT_BENCH_ENTRIES=1000000`: about 1.8 GB per file, slow on 2 cores),
//! parsed from file to typed entries on one core, two files on two threads,
//! and — same run, same file — the floor: a bare quick-xml event loop that
//! only counts `Ntry` start tags and sums the text of their `Amt`.
//! Files live in a temporary folder, deleted at the end. See BENCHMARKS.md.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pointage::formats::camt::{self, CamtSink, StatementEnd};
use pointage::statement::{Entry, Statement};
use rust_decimal::Decimal;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Default)]
struct Count(u64);

impl CamtSink for Count {
    fn statement(&mut self, _: &Statement) {}
    fn entry(&mut self, e: Entry) {
        self.0 += e.transactions.len() as u64;
    }
    fn end_statement(&mut self, _: &StatementEnd) {}
}

fn parse(path: &Path) -> u64 {
    let f = BufReader::with_capacity(1 << 16, File::open(path).unwrap());
    let mut sink = Count::default();
    camt::parse_streaming(f, path, &mut sink).unwrap();
    sink.0
}

/// The floor: count `Ntry` start tags, sum the text of each one's `Amt`.
fn floor(path: &Path) -> (u64, Decimal) {
    use quick_xml::events::Event;
    let f = BufReader::with_capacity(1 << 16, File::open(path).unwrap());
    let mut reader = quick_xml::Reader::from_reader(f);
    let mut buf = Vec::new();
    let (mut n, mut sum) = (0u64, Decimal::ZERO);
    let (mut depth, mut ntry, mut in_amt) = (0usize, usize::MAX, false);
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Start(s) => {
                depth += 1;
                let name = s.local_name();
                if name.as_ref() == "Ntry" {
                    n += 1;
                    ntry = depth;
                } else if name.as_ref() == "Amt" && depth == ntry + 1 {
                    in_amt = true;
                }
            }
            Event::Text(t) if in_amt => sum += t.trim().parse::<Decimal>().unwrap(),
            Event::End(_) => {
                if depth == ntry {
                    ntry = usize::MAX;
                }
                in_amt = false;
                depth -= 1;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    (n, sum)
}

fn bench(c: &mut Criterion) {
    pointage::alloc::tune();
    let dir = tempfile::tempdir().unwrap();
    let sizes: Vec<u64> = match std::env::var("CAMT_BENCH_ENTRIES") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => vec![100_000],
    };
    for n in sizes {
        let a = dir.path().join(format!("a-{n}.xml"));
        let b = dir.path().join(format!("b-{n}.xml"));
        pointage::synth::camt::write_camt053(File::create(&a).unwrap(), n, 1).unwrap();
        pointage::synth::camt::write_camt053(File::create(&b).unwrap(), n, 2).unwrap();
        let bytes = std::fs::metadata(&a).unwrap().len();
        let mut g = c.benchmark_group(format!("camt053_{n}_entries"));
        g.sample_size(10);
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function("floor_quick_xml_count_ntry_sum_amt", |bch| {
            bch.iter(|| floor(&a))
        });
        g.bench_function("parse_streaming_1_core", |bch| bch.iter(|| parse(&a)));
        g.throughput(Throughput::Bytes(
            bytes + std::fs::metadata(&b).unwrap().len(),
        ));
        g.bench_function("parse_streaming_2_files_2_threads", |bch| {
            bch.iter(|| {
                std::thread::scope(|s| {
                    let ha = s.spawn(|| parse(&a));
                    let hb = s.spawn(|| parse(&b));
                    ha.join().unwrap() + hb.join().unwrap()
                })
            })
        });
        g.finish();
        let _ = std::fs::remove_file(&a);
        let _ = std::fs::remove_file(&b);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
