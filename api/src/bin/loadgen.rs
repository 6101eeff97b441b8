//! An open-loop HTTP load generator for `make bench`: sends GET requests at a fixed rate,
//! whatever the server's speed, and measures each latency from the moment the request was
//! *due*, so a slow server cannot hide its queueing (no coordinated omission). wrk measures
//! closed-loop throughput; this answers "what is p99 at 1,000 requests/s".
//!
//! Usage: `loadgen <rate per s> <seconds> <token> <urls file>` (one URL per line, used
//! round-robin). One warm-up second at the same rate is sent first and not counted.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::time::Instant;

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: u64,
    non_2xx: u64,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: loadgen <rate per s> <seconds> <token> <urls file>";
    let rate: u64 = args.first().context(usage)?.parse().context(usage)?;
    let seconds: u64 = args.get(1).context(usage)?.parse().context(usage)?;
    let token = args.get(2).context(usage)?.clone();
    let urls: Vec<String> = std::fs::read_to_string(args.get(3).context(usage)?)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    anyhow::ensure!(!urls.is_empty() && rate > 0 && seconds > 0, usage);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(10))
        .build()?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let warmup = rate;
    let total = warmup + rate * seconds;
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due).await;
        let request = client
            .get(&urls[i as usize % urls.len()])
            .bearer_auth(&token);
        let tally = Arc::clone(&tally);
        tasks.push(tokio::spawn(async move {
            let outcome = match request.send().await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    response.bytes().await.map(|_| ok)
                }
                Err(e) => Err(e),
            };
            let latency = due.elapsed().as_micros() as u64;
            if i < warmup {
                return;
            }
            let mut t = tally.lock().expect("tally");
            match outcome {
                Ok(true) => t.latencies_us.push(latency),
                Ok(false) => {
                    t.non_2xx += 1;
                    t.latencies_us.push(latency);
                }
                Err(_) => t.errors += 1,
            }
        }));
    }
    let sending = start.elapsed();
    for task in tasks {
        task.await?;
    }
    let mut t = tally.lock().expect("tally");
    t.latencies_us.sort_unstable();
    let measured = rate * seconds;
    println!(
        "rate {rate}/s for {seconds} s: {measured} requests ({} answered, {} non-2xx, {} errors); \
         sent at {:.0}/s",
        t.latencies_us.len(),
        t.non_2xx,
        t.errors,
        total as f64 / sending.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        percentile(&t.latencies_us, 50.0),
        percentile(&t.latencies_us, 90.0),
        percentile(&t.latencies_us, 99.0),
        percentile(&t.latencies_us, 99.9),
        percentile(&t.latencies_us, 100.0),
    );
    Ok(())
}
