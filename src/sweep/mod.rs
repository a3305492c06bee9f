//! The settings sweep in the browser ("Compare settings"): RocketMQ release × `flushDiskType` × `brokerRole` × send
//! mode × fault × seeds on one workload, run in a Web Worker ([`worker`], `www/sweep-worker.mjs`)
//! by the same `rmq_sim::sweep` functions as `losslab sweep` ([`job`]), shown as a chart of
//! acknowledged-then-lost rate against p99 latency or TPS ([`chart`]) and a table ([`view`]).
//! [`inputs`] is the form and its `#sweep=` link; [`model`] gathers the worker's per-run results
//! into per-configuration figures as they arrive.

pub mod chart;
pub mod inputs;
pub mod job;
pub mod model;
pub mod view;
pub mod worker;

pub use inputs::SweepInputs;
pub use view::SweepView;

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use chart::{fmt_num, Spread};

/// How the sweep page opens: its inputs, and what was wrong with the link they came from.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SweepStart {
    pub inputs: SweepInputs,
    pub problem: Option<String>,
}

/// The sweep a `#sweep=…` fragment in the page's URL asks for, if any.
pub fn start_from_location() -> Option<Rc<SweepStart>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let (inputs, problem) = SweepInputs::from_link(&sweep_in_fragment(&hash)?);
    Some(Rc::new(SweepStart { inputs, problem }))
}

#[derive(Properties, PartialEq)]
pub struct OpenProps {
    /// The sweep page, once mounted.
    pub sweep: UseStateHandle<Option<Rc<SweepStart>>>,
    /// Whether it is shown (instead of the lab).
    pub open: UseStateHandle<bool>,
    /// Pauses the lab's playback while the sweep is shown.
    pub pause: Callback<()>,
}

/// The header's "Compare settings" button: opens the sweep page (mounting it the first time), or
/// goes back to the lab.
#[function_component(OpenButton)]
pub fn open_button(p: &OpenProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let open = *p.open;
    let onclick = {
        let (sweep, open_h, pause) = (p.sweep.clone(), p.open.clone(), p.pause.clone());
        Callback::from(move |_: MouseEvent| {
            if sweep.is_none() {
                sweep.set(Some(Rc::default()));
            }
            if !open {
                pause.emit(());
            }
            open_h.set(!open);
        })
    };
    let (label, title) = if open { (Key::SweepBack, Key::SweepBack) } else { (Key::SweepOpen, Key::SweepOpenTitle) };
    html! {
        <button class="sweep-button" {onclick} aria-pressed={open.to_string()} title={t(lang, title)} data-testid="sweep-toggle">{t(lang, label)}</button>
    }
}

/// Time left, from the time taken so far: `elapsed × (total − done) / done` (none before the
/// first run has finished, nor once all have).
pub fn time_left_ms(elapsed_ms: f64, done: usize, total: usize) -> Option<f64> {
    (done > 0 && done < total).then(|| elapsed_ms / done as f64 * (total - done) as f64)
}

/// `850 ms`, `4.2 s`, `3 min 10 s`.
pub fn format_duration_ms(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{:.0} ms", ms.max(0.0))
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let s = (ms / 1000.0).round() as u64;
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// `2.5 (1.9–3.1)`: the mean and, when the seeds differ, the range.
pub fn spread_text(s: Spread, unit: &str) -> String {
    if s.min == s.max {
        format!("{}{unit}", fmt_num(s.mean))
    } else {
        format!("{}{unit} ({}–{})", fmt_num(s.mean), fmt_num(s.min), fmt_num(s.max))
    }
}

/// The `#sweep=` value in a fragment (`#sweep=1&flush=…`), if the fragment holds a sweep.
pub fn sweep_in_fragment(hash: &str) -> Option<String> {
    hash.trim_start_matches('#').strip_prefix("sweep=").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_scales_the_time_so_far() {
        assert_eq!(time_left_ms(1000.0, 0, 10), None);
        assert_eq!(time_left_ms(1000.0, 4, 10), Some(1500.0));
        assert_eq!(time_left_ms(1000.0, 10, 10), None);
    }

    #[test]
    fn durations_and_spreads_read_short() {
        assert_eq!(format_duration_ms(850.2), "850 ms");
        assert_eq!(format_duration_ms(4210.0), "4.2 s");
        assert_eq!(format_duration_ms(190_000.0), "3 min 10 s");
        assert_eq!(spread_text(Spread { mean: 2.0, min: 2.0, max: 2.0 }, "%"), "2%");
        assert_eq!(spread_text(Spread { mean: 2.5, min: 1.9, max: 3.1 }, ""), "2.5 (1.9–3.1)");
    }

    #[test]
    fn the_fragment_holds_a_sweep_or_not() {
        assert_eq!(sweep_in_fragment("#sweep=1&seeds=2").as_deref(), Some("1&seeds=2"));
        assert_eq!(sweep_in_fragment("#run=v1.abc"), None);
    }
}
