//! Scenario text the lab cannot read itself (issue 23). The lab module carries no `toml` parser:
//! it reads the subset of TOML it writes ([`rmq_sim::scenario::lite`]: every link a lab made, the
//! presets, the configuration panel's text and what its fields write there). Text outside it — a
//! comment after a value, a float, an inline table the user typed, a hand-made link — is read by
//! the full parser in the extras module, fetched the first time such a text appears, with a
//! loading line meanwhile ([`use_parse`]; [`crate::app`] for links).
//!
//! What crosses between the modules is text: the lab sends the scenario text
//! (`losslabParseScenario`), the extras answer [`parse_answer`]: the scenario written back in the
//! lab's own subset (`scenario_to_toml`, which reads back to the same scenario), or the parser's
//! error with its field and line.

use std::cell::RefCell;
use std::rc::Rc;

use rmq_sim::scenario::{Scenario, ScenarioError};
use yew::prelude::*;

/// What a scenario text reads as, in the lab.
// One short-lived value per render of the panel reading the text: not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum TextParse {
    Ready(Result<Scenario, ScenarioError>),
    /// The full parser is being fetched (or is reading).
    Loading,
    /// The extras module could not be loaded: why.
    Failed(String),
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Answer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    toml: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// The extras module's answer for `text` (its `losslabParseScenario`): JSON with the scenario in
/// the lab's own subset (`toml`), or the error (`field`, `line`, `reason`). The lab's own limits
/// are checked when the lab reads the answer ([`read_answer`]).
pub fn parse_answer(text: &str) -> String {
    let a = match rmq_sim::scenario::parse_scenario(text) {
        Ok(sc) => Answer { toml: Some(rmq_sim::scenario::parse::scenario_to_toml(&sc)), ..Answer::default() },
        Err(e) => Answer { field: Some(e.field), line: e.line, reason: Some(e.reason), ..Answer::default() },
    };
    serde_json::to_string(&a).unwrap_or_default()
}

/// The lab's reading of [`parse_answer`]'s JSON.
pub fn read_answer(json: &str) -> Result<Scenario, ScenarioError> {
    let a: Answer = serde_json::from_str(json).map_err(|e| ScenarioError::new("toml", None, format!("the parser's answer is malformed: {e}")))?;
    match a.toml {
        Some(t) => crate::lab_limits::parse_here(&t)
            .unwrap_or_else(|| Err(ScenarioError::new("toml", None, "the parser's answer is not in the lab's own TOML"))),
        None => Err(ScenarioError { field: a.field.unwrap_or_else(|| "toml".into()), line: a.line, reason: a.reason.unwrap_or_default() }),
    }
}

/// Reads `text` with the full parser of the extras module next to `base` (fetched once).
pub fn parse_in_extras(base: &str, text: String, done: Callback<Result<Result<Scenario, ScenarioError>, String>>) {
    crate::extras::call_extras(base, "losslabParseScenario", vec![text], Callback::from(move |r: Result<String, String>| done.emit(r.map(|json| read_answer(&json)))));
}

/// Answers kept per text (the latest few), so a late answer for an older text never hides the
/// current one's.
type Answers = Rc<RefCell<Vec<(String, Result<Result<Scenario, ScenarioError>, String>)>>>;

/// `text` read in the lab, or by the extras module's parser when only it can (re-rendering
/// when its answer arrives).
#[hook]
pub fn use_parse(text: &str, base: &str) -> TextParse {
    let answers: Answers = use_mut_ref(Vec::new);
    let update = use_force_update();
    let here = crate::lab_limits::parse_here(text);
    let needs = here.is_none();
    {
        let (answers, base) = (answers.clone(), base.to_string());
        use_effect_with((text.to_string(), needs), move |(text, needs)| {
            if *needs && !answers.borrow().iter().any(|(t, _)| t == text) {
                let t = text.clone();
                parse_in_extras(&base, text.clone(), Callback::from(move |r| {
                    let mut a = answers.borrow_mut();
                    if a.len() >= 8 {
                        let _ = a.remove(0);
                    }
                    a.push((t.clone(), r));
                    drop(a);
                    update.force_update();
                }));
            }
        });
    }
    if let Some(r) = here {
        return TextParse::Ready(r);
    }
    let a = answers.borrow();
    match a.iter().rev().find(|(t, _)| t == text) {
        Some((_, Ok(r))) => TextParse::Ready(r.clone()),
        Some((_, Err(why))) => TextParse::Failed(why.clone()),
        None => TextParse::Loading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_sim::scenario::presets;

    /// Text only the full parser reads comes back, through the extras' answer, as the very
    /// scenario the full parser makes of it; its errors keep their field and line.
    #[test]
    fn a_hand_written_text_reads_through_the_extras_answer() {
        let sc = presets::load("book-recommendation").unwrap();
        let text = rmq_sim::scenario::parse::scenario_to_toml(&sc).replace("[broker]", "[broker] # edited by hand");
        assert!(crate::lab_limits::parse_here(&text).is_none(), "outside the lab's own reading");
        assert_eq!(read_answer(&parse_answer(&text)), Ok(sc));
        let bad = "name = \"x\" # mine\n[broker]\nflushDiskType = \"FAST\"\n";
        assert!(crate::lab_limits::parse_here(bad).is_none());
        let e = read_answer(&parse_answer(bad)).unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("broker.flushDiskType", Some(3)));
        // The lab's own cap applies to what the extras read too.
        let big = "[producer] # many\nmessages = 1000000\n";
        assert_eq!(read_answer(&parse_answer(big)).unwrap_err().field, "producer.messages");
        assert_eq!(read_answer("not json").unwrap_err().field, "toml");
    }
}
