//! The guided tour of a scenario that has one (its file's `[tour]`, `rmq_sim::scenario::tour`;
//! issue 24 item 3): the claim as a question, the reader's prediction, then the run, which stops at
//! each key moment with the tour's sentence, and at the end the prediction beside what happened.
//! The outcome is never shown before the playhead reaches the end.

use rmq_sim::scenario::tour::{Guess, Tour};
use yew::prelude::*;

use crate::components::clock;
use crate::i18n::{t, tf, Key, Lang};
use crate::playback::{Action, Playback};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub pb: Playback,
    pub dispatch: Callback<Action>,
}

fn guess_key(g: Guess) -> Key {
    match g {
        Guess::None => Key::TourGuessNone,
        Guess::Some => Key::TourGuessSome,
        Guess::Most => Key::TourGuessMost,
    }
}

/// What the tour says now: the question (before a prediction), the moment the playhead is at, or
/// the reveal once the run has ended.
#[function_component(TourPanel)]
pub fn tour_panel(p: &Props) -> Html {
    let l = use_context::<Lang>().unwrap_or_default();
    let pb = &p.pb;
    let Some(tour) = pb.run.timeline.scenario.tour.as_ref() else { return html! {} };
    let zh = l == Lang::Zh;
    let verdict = tour.predict.name();
    let body = match pb.guess {
        None => {
            let buttons = Guess::ALL.into_iter().map(|g| {
                let onclick = p.dispatch.reform(move |_: MouseEvent| Action::Predict(g));
                html! { <button {onclick} data-guess={g.name()} data-testid="tour-guess">{t(l, guess_key(g))}</button> }
            });
            html! {
                <>
                    <p class="tour-question" data-testid="tour-question">{tour.question.get(zh)}</p>
                    <p class="tour-ask" id="tour-ask">{tf(l, Key::TourAsk, &[&verdict])}</p>
                    <div class="tour-guesses" role="group" aria-labelledby="tour-ask">{ for buttons }</div>
                    <p class="hint">{t(l, Key::TourOrPlay)}</p>
                </>
            }
        }
        Some(guess) if pb.cursor >= pb.run.end => reveal(l, tour, guess, pb, &p.dispatch),
        Some(guess) => moment(l, tour, guess, pb, &p.dispatch),
    };
    html! {
        <section class="tour panel" aria-labelledby="tour-h" data-testid="tour" data-touring={pb.guess.is_some().to_string()}>
            <h2 id="tour-h">{t(l, Key::TourHeading)}</h2>
            { body }
        </section>
    }
}

/// During the run: the sentences of the last moment the playhead passed, a Continue button when
/// the tour stopped there, and a way out.
fn moment(l: Lang, tour: &Tour, guess: Guess, pb: &Playback, dispatch: &Callback<Action>) -> Html {
    let zh = l == Lang::Zh;
    let said = tour.moment_at(pb.cursor);
    let index = tour.step_at(pb.cursor).map_or(0, |i| i + 1);
    let stopped = !pb.playing && said.first().is_some_and(|s| s.at == pb.cursor);
    let go = dispatch.reform(|_: MouseEvent| Action::Play);
    let end = dispatch.reform(|_: MouseEvent| Action::EndTour);
    html! {
        <>
            <p class="hint">{tf(l, Key::TourYouPredicted, &[&t(l, guess_key(guess)), &tour.predict.name()])}</p>
            <div class="tour-step" aria-live="polite" data-testid="tour-step" data-step={index.to_string()}>
                if said.is_empty() {
                    <p>{t(l, Key::TourWatch)}</p>
                } else {
                    <p class="tour-at">{tf(l, Key::TourStepOf, &[&index, &tour.steps.len(), &clock(said[0].at)])}</p>
                    { for said.iter().map(|s| html! { <p>{s.text.get(zh)}</p> }) }
                }
            </div>
            <div class="tour-actions">
                if stopped { <button class="primary" onclick={go} data-testid="tour-continue">{t(l, Key::TourContinue)}</button> }
                <button class="link" onclick={end} data-testid="tour-end">{t(l, Key::TourEnd)}</button>
            </div>
        </>
    }
}

/// At the end: how many messages got the tour's verdict, and the prediction beside it.
fn reveal(l: Lang, tour: &Tour, guess: Guess, pb: &Playback, dispatch: &Callback<Action>) -> Html {
    let verdict = tour.predict.name();
    let count = pb.run.report.summary.verdicts.get(verdict).copied().unwrap_or(0);
    let sent = pb.run.done.ledger().messages.len() as u32;
    let actual = Guess::of(count, sent);
    let right = actual == guess;
    let again = dispatch.reform(move |_: MouseEvent| Action::Predict(guess));
    let end = dispatch.reform(|_: MouseEvent| Action::EndTour);
    html! {
        <>
            <p class="tour-result" data-testid="tour-result" data-right={right.to_string()} data-actual={actual.name()}>
                {tf(l, Key::TourResult, &[&count, &sent, &verdict])}{" "}
                <strong>{ if right { t(l, Key::TourRight) } else { t(l, Key::TourWrong) } }</strong>{" "}
                {tf(l, Key::TourYouPredicted, &[&t(l, guess_key(guess)), &verdict])}
            </p>
            <div class="tour-actions">
                <button onclick={again} data-testid="tour-again">{t(l, Key::TourAgain)}</button>
                <button class="link" onclick={end} data-testid="tour-end">{t(l, Key::TourEnd)}</button>
            </div>
        </>
    }
}
