//! CFONB 120 parse speed and allocation count, for profiling and quick
//! comparisons (the reference figures come from `cargo bench --bench cfonb`).
//!
//! ```text
//! cfonb_speed gen FILE N         write the bench's generated file with N movements
//! cfonb_speed parse FILE [REPS]  read + parse REPS times (default 3); CPU time per run
//! ```
//! Runs on the shipped allocator (mimalloc), wrapped to count allocations so
//! the report can say how many each movement costs.

use std::alloc::{GlobalAlloc, Layout};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use pointage::formats::cfonb120;
use pointage::synth::{Rng, cfonb};

/// mimalloc, as in the binary, with a count of allocation calls.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { INNER.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { INNER.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { INNER.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { INNER.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU time of this thread (user + system), nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    pointage::alloc::tune();
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "gen" => {
            let n: usize = arg(3).parse().expect("N");
            let bytes = cfonb::generate(&mut Rng::new(2026), 10, 250, n);
            std::fs::write(arg(2), &bytes).expect("write");
            println!("{} bytes, {n} movements", bytes.len());
        }
        "parse" => {
            let p = Path::new(&args[2]);
            let reps: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
            for _ in 0..reps {
                let a0 = ALLOCS.load(Ordering::Relaxed);
                let t0 = thread_cpu_ns();
                let bytes = std::fs::read(p).expect("read");
                let parsed = cfonb120::parse(&bytes, p).expect("parse");
                let t1 = thread_cpu_ns();
                let a1 = ALLOCS.load(Ordering::Relaxed);
                let entries: usize = parsed.statements.iter().map(|s| s.entries.len()).sum();
                drop(parsed);
                let t2 = thread_cpu_ns();
                let secs = (t1 - t0) as f64 / 1e9;
                println!(
                    "read+parse {:.3} s CPU = {:.0} MB/s, {:.2} M movements/s; drop {:.3} s; \
                     {:.1} allocations per movement",
                    secs,
                    bytes.len() as f64 / 1e6 / secs,
                    entries as f64 / 1e6 / secs,
                    (t2 - t1) as f64 / 1e9,
                    (a1 - a0) as f64 / entries.max(1) as f64
                );
            }
        }
        _ => eprintln!("usage: cfonb_speed gen FILE N | parse FILE [REPS]"),
    }
}
