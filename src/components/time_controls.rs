//! Play/pause, step, step back, speed, the scrub bar with fault markers, and the clock.

use rmq_sim::SimTime;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::clock;
use crate::i18n::{t, tf, Key, Lang};
use crate::keyboard::SPEEDS;
use crate::playback::{Action, Pace, Playback, SPEED_MAX, SPEED_MIN};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
}

fn speed_label(s: f64) -> String {
    if s < 1.0 {
        format!("{}×", (s * 1e6).round() / 1e6)
    } else {
        format!("{}×", s as u64)
    }
}

/// Fault times on the run, as fractions of its length, with their names.
fn fault_marks(pb: &Playback, lang: Lang) -> Vec<(f64, String)> {
    let end = pb.run.end.0.max(1) as f64;
    pb.run
        .faults
        .iter()
        .map(|(at, kind, target, _)| {
            (at.0 as f64 / end, tf(lang, Key::FaultMark, &[&super::fault_panel::fault_words(lang, *kind, *target), at]))
        })
        .collect()
}

/// What the time bar says about the pacing: slowed where events crowd, idle time skipped.
fn pace_note(pb: &Playback, lang: Lang) -> Html {
    let (kind, text) = match pb.pace {
        Pace::Normal => ("normal", String::new()),
        Pace::Slowed(f) => ("slowed", tf(lang, Key::PaceSlowed, &[&speed_label(round_speed(pb.speed * f))])),
        Pace::Skipped(d) => ("skipped", tf(lang, Key::PaceSkipped, &[&d])),
    };
    html! { <span class="pace" data-testid="pace" data-pace={kind} aria-live="off">{text}</span> }
}

/// A slowed speed to two significant digits (0.0042× → 0.0042×, 0.137× → 0.14×).
fn round_speed(s: f64) -> f64 {
    if s <= 0.0 || !s.is_finite() {
        return 0.0;
    }
    let mag = 10f64.powf(s.log10().floor() - 1.0);
    (s / mag).round() * mag
}

#[function_component(TimeControls)]
pub fn time_controls(p: &Props) -> Html {
    let pb = &p.pb;
    let d = &p.dispatch;
    let lang = use_context::<Lang>().unwrap_or_default();
    let toggle = {
        let playing = pb.playing;
        d.reform(move |_: MouseEvent| if playing { Action::Pause } else { Action::Play })
    };
    let step = d.reform(|_: MouseEvent| Action::Step);
    let back = d.reform(|_: MouseEvent| Action::StepBack);
    let seek = d.reform(|e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        Action::Seek(SimTime(v.parse::<u64>().unwrap_or(0).saturating_mul(1_000)))
    });
    let speed = d.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        Action::SetSpeed(v.parse::<f64>().unwrap_or(1.0).clamp(SPEED_MIN, SPEED_MAX))
    });
    let marks = fault_marks(pb, lang);
    let end_ms = pb.run.end.as_ms();
    let l = lang;
    html! {
        <section class="time-controls" id="time-controls" aria-label={t(l, Key::TimeRegion)} tabindex="-1">
            <div class="clock" aria-live="off">
                <span class="clock-label">{t(l, Key::SimTime)}</span>
                <span class="clock-value" data-testid="clock">{clock(pb.cursor)}</span>
                <span class="clock-end">{tf(l, Key::OfEnd, &[&clock(pb.run.end)])}</span>
            </div>
            <div class="buttons">
                <button onclick={back} title={t(l, Key::BackTitle)} aria-keyshortcuts="ArrowLeft ,">{t(l, Key::Back)}</button>
                <button class="primary play" onclick={toggle} data-testid="play" data-playing={pb.playing.to_string()} title={t(l, Key::PlayTitle)} aria-keyshortcuts="Space K">{ if pb.playing { t(l, Key::Pause) } else { t(l, Key::Play) } }</button>
                <button onclick={step} title={t(l, Key::StepTitle)} data-testid="step" aria-keyshortcuts="ArrowRight .">{t(l, Key::Step)}</button>
                <label class="speed"><span class="speed-word">{t(l, Key::Speed)}</span>
                    <select onchange={speed} aria-label={t(l, Key::SpeedLabel)} data-testid="speed">
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={s.to_string()} selected={(*s - pb.speed).abs() < 1e-9}>{speed_label(*s)}</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="scrub">
                <input type="range" min="0" max={end_ms.to_string()} step="1" value={pb.cursor.as_ms().to_string()}
                       oninput={seek} aria-label={t(l, Key::ScrubLabel)} aria-valuetext={clock(pb.cursor)} data-testid="scrub" data-cursor={pb.cursor.as_ms().to_string()} />
                <div class="marks" aria-hidden="true">
                    { for marks.into_iter().map(|(f, title)| html! {
                        <span class="fault-mark" style={format!("left: {:.2}%", f * 100.0)} title={title}>{"⚡"}</span>
                    }) }
                </div>
                { pace_note(pb, l) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The time bar's fault marks say each fault in its button's words ("Cut master power at
    /// 3.000s"), never the scenario file's kind ("POWER_LOSS"), in both languages.
    #[test]
    fn fault_marks_use_the_buttons_words() {
        let pb = Playback::new(rmq_sim::scenario::presets::load("async-flush-power-loss").expect("preset"));
        for lang in [Lang::En, Lang::Zh] {
            let marks = fault_marks(&pb, lang);
            assert!(!marks.is_empty());
            for (_, text) in &marks {
                assert!(text.contains(t(lang, Key::FaultPower)), "{lang:?}: {text}");
                assert!(!text.contains("POWER_LOSS"), "{lang:?}: {text}");
            }
        }
    }
}
