//! CAMT streaming tool for benchmarks and the memory measurement.
//!
//! ```text
//! camt_stream gen FILE N        write a synthetic camt.053 with N entries
//! camt_stream parse FILE        stream FILE to a counting sink (keeps nothing)
//! camt_stream floor FILE        quick-xml alone: count <Ntry>, sum their <Amt>
//! camt_stream parse2 FILE FILE  parse two files on two threads at once
//! ```
//! Peak memory: `/usr/bin/time -v target/release/examples/camt_stream parse FILE`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

use pointage::formats::camt::{self, CamtSink, StatementEnd};
use pointage::statement::{Entry, Statement};
use rust_decimal::Decimal;

/// The binary's allocator (src/main.rs), so the figures are the shipped ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Default)]
struct Count {
    entries: u64,
    transactions: u64,
}

impl CamtSink for Count {
    fn statement(&mut self, _: &Statement) {}
    fn entry(&mut self, e: Entry) {
        self.entries += 1;
        self.transactions += e.transactions.len() as u64;
    }
    fn end_statement(&mut self, _: &StatementEnd) {}
}

fn parse(path: &Path) -> (u64, u64) {
    let file = File::open(path).expect("open");
    let mut sink = Count::default();
    camt::parse_streaming(BufReader::with_capacity(1 << 16, file), path, &mut sink).expect("parse");
    (sink.entries, sink.transactions)
}

/// The floor: a quick-xml event loop that only counts `Ntry` start tags and
/// sums the text of each `Ntry`'s own `Amt` child.
fn floor(path: &Path) -> (u64, Decimal) {
    use quick_xml::events::Event;
    let file = File::open(path).expect("open");
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut buf = Vec::new();
    let (mut count, mut sum) = (0u64, Decimal::ZERO);
    let (mut depth, mut ntry_depth, mut in_amt) = (0usize, usize::MAX, false);
    loop {
        match reader.read_event_into(&mut buf).expect("xml") {
            Event::Start(s) => {
                depth += 1;
                let name = s.local_name();
                if name.as_ref() == "Ntry" {
                    count += 1;
                    ntry_depth = depth;
                } else if name.as_ref() == "Amt" && depth == ntry_depth + 1 {
                    in_amt = true;
                }
            }
            Event::Text(t) if in_amt => {
                sum += t.trim().parse::<Decimal>().expect("amount");
            }
            Event::End(_) => {
                if depth == ntry_depth {
                    ntry_depth = usize::MAX;
                }
                in_amt = false;
                depth -= 1;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    (count, sum)
}

fn report(what: &str, bytes: u64, entries: u64, secs: f64) {
    println!(
        "{what}: {:.1} MB in {secs:.2} s = {:.1} MB/s, {:.0} entries/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        entries as f64 / secs
    );
}

fn main() {
    pointage::alloc::tune();
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "gen" => {
            let n: u64 = arg(3).parse().expect("N");
            let f = File::create(arg(2)).expect("create");
            let s = pointage::synth::camt::write_camt053(f, n, 42).expect("write");
            println!("{s:?}");
        }
        "parse" => {
            let p = Path::new(&args[2]);
            let bytes = std::fs::metadata(p).expect("stat").len();
            let t = Instant::now();
            let (e, tx) = parse(p);
            report("parse", bytes, e, t.elapsed().as_secs_f64());
            println!("entries {e}, transactions {tx}");
        }
        "floor" => {
            let p = Path::new(&args[2]);
            let bytes = std::fs::metadata(p).expect("stat").len();
            let t = Instant::now();
            let (n, sum) = floor(p);
            report("floor", bytes, n, t.elapsed().as_secs_f64());
            println!("entries {n}, sum {sum}");
        }
        "parse2" => {
            let (a, b) = (args[2].clone(), args[3].clone());
            let bytes = std::fs::metadata(&a).expect("stat").len()
                + std::fs::metadata(&b).expect("stat").len();
            let t = Instant::now();
            let ha = std::thread::spawn(move || parse(Path::new(&a)));
            let hb = std::thread::spawn(move || parse(Path::new(&b)));
            let (ea, _) = ha.join().expect("thread");
            let (eb, _) = hb.join().expect("thread");
            report(
                "parse x2 threads",
                bytes,
                ea + eb,
                t.elapsed().as_secs_f64(),
            );
        }
        _ => {
            eprintln!("usage: camt_stream gen FILE N | parse FILE | floor FILE | parse2 FILE FILE")
        }
    }
}
