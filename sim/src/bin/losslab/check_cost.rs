//! The cost half of `losslab check`: the benchmark producer against the imported configuration
//! (and, for comparison, the book's recommendation), in the benchmark tool's words.

use rmq_sim::exposure::config_label as label;
use rmq_sim::report::{us_to_ms, Report};
use rmq_sim::scenario::{BrokerConfig, RocketMqVersion};
use rmq_sim::sweep::benchmark::{benchmark, recommended, BENCHMARK_MESSAGES, BENCHMARK_THREADS};

/// The configurations compared: the imported one, then the book's if it differs (not in
/// controller mode: the book's `ASYNC_FLUSH + SYNC_MASTER` is a master/slave setting).
fn configs(broker: &BrokerConfig) -> Vec<(&'static str, BrokerConfig)> {
    let mut out = vec![("this configuration", broker.clone())];
    let book = recommended(broker);
    if book != *broker && !broker.enable_controller_mode {
        out.push(("book's recommendation", book));
    }
    out
}

/// `"cost"` of `check --json`: per configuration and thread count, the run's `latency` and
/// `throughput` sections (the report's public interface).
pub fn json(broker: &BrokerConfig, version: RocketMqVersion) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = configs(broker)
        .iter()
        .flat_map(|(what, b)| {
            BENCHMARK_THREADS.iter().map(move |&t| {
                let r = benchmark(b, version, t);
                serde_json::json!({
                    "config": what, "flushDiskType": b.flush_disk_type.name(), "brokerRole": b.broker_role.name(),
                    "threads": t, "messages": BENCHMARK_MESSAGES,
                    "latency": r.latency, "throughput": r.throughput,
                })
            })
        })
        .collect();
    serde_json::json!({
        "workload": "closed-loop SYNC sends of 1 KiB over a 1 Gbit/s link, slave attached, no fault",
        "runs": rows,
    })
}

/// The text block printed after the loss-exposure table.
pub fn text(broker: &BrokerConfig, version: RocketMqVersion) -> String {
    let mut out = format!(
        "\ncost, no fault (benchmark producer: {BENCHMARK_MESSAGES} SYNC sends of 1 KiB, 1 Gbit/s link, slave attached)\n"
    );
    out.push_str(&format!(
        "  {:<52} {:>7} {:>9} {:>15} {:>11} {:>11} {:>12}\n",
        "", "threads", "Send TPS", "Average RT(ms)", "p99 RT(ms)", "Max RT(ms)", "Send Failed"
    ));
    for (what, b) in configs(broker) {
        for t in BENCHMARK_THREADS {
            let r: Report = benchmark(&b, version, t);
            let a = &r.latency.acked;
            out.push_str(&format!(
                "  {:<52} {:>7} {:>9} {:>15.3} {:>11.3} {:>11.3} {:>12}\n",
                format!("{what} ({})", label(&b)),
                t,
                r.throughput.send_milli_tps.unwrap_or(0) / 1_000,
                us_to_ms(a.mean_us),
                us_to_ms(a.p99_us),
                us_to_ms(a.max_us),
                r.throughput.send_failed,
            ));
        }
    }
    out
}
