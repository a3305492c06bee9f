//! The event log as JSON Lines: one object per event, in log order.
//!
//! `{"time": <µs>, "seq": <n>, "event": "<variant>", "text": "<log line>", ...fields}` — the
//! fields are the event's own, in camelCase, times in simulated microseconds. `text` is the
//! event's line of the text log without its `t=… #…` prefix, so the digest can be recomputed
//! from `time`, `seq` and `text`.

use serde_json::{Map, Value};

use crate::event::Event;
use crate::sim::Sim;

/// One event as a JSON object.
pub fn event_json(e: &Event) -> Value {
    let mut obj = Map::new();
    obj.insert("time".into(), Value::from(e.at.as_us()));
    obj.insert("seq".into(), Value::from(e.seq));
    obj.insert("event".into(), Value::from(e.kind.kind_name()));
    obj.insert("text".into(), Value::from(e.kind.to_string()));
    // Externally tagged: {"Variant": {fields}}.
    if let Ok(Value::Object(tagged)) = serde_json::to_value(&e.kind) {
        for (_, fields) in tagged {
            if let Value::Object(fields) = fields {
                for (k, v) in fields {
                    obj.insert(camel(&k), v);
                }
            }
        }
    }
    Value::Object(obj)
}

/// `arrives_at` → `arrivesAt`. Field names are ASCII: `to_ascii_uppercase` keeps core's Unicode
/// case tables (~14 KB) out of the wasm.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub fn export(sim: &Sim) -> String {
    let mut out = String::new();
    for e in sim.events() {
        out.push_str(&event_json(e).to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_camel_case() {
        assert_eq!(camel("arrives_at"), "arrivesAt");
        assert_eq!(camel("reconsume_times"), "reconsumeTimes");
        assert_eq!(camel("msg"), "msg");
    }
}
