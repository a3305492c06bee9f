//! The lab's side of the extras module (issue 23). The lab module (`losslab-web`) holds only what
//! a lab needs to draw and play a run; the settings sweep, the JS API and the benchmarks are in a
//! second wasm module, `losslab-extras` (src/extras_main.rs), fetched from the lab's own directory
//! the first time one of them is used ([`load_extras`]: a dynamic `import()` of a file of the same
//! origin, so the page's CSP, `script-src 'self' 'wasm-unsafe-eval'`, is unchanged).
//!
//! [`ExtraSlot`] is where such a view sits in the lab: it shows a short loading line while the
//! module is fetched, then calls the module's mount function (`mount_sweep`, …) with an element
//! of its own, the view's props as a plain JS object ([`Field`]s: strings, numbers, booleans) and
//! an `emit(name, payload)` function for what the view reports back (both strings). The two
//! modules share no memory: a scenario crosses as TOML text, never as a Rust value. If the module
//! cannot be fetched, the slot says so instead of leaving a dead control.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{t, Key, Lang};

// The import is cached per module URL, so every slot and `losslab.mjs` share one load (the
// browser also keeps one instance per URL; wasm-bindgen's init is idempotent).
#[wasm_bindgen(inline_js = r#"
const loads = new Map();
export function load_extras(base) {
  const js = new URL('losslab-extras.js', base).href;
  let p = loads.get(js);
  if (!p) {
    p = import(js).then(async (m) => {
      await m.default({ module_or_path: new URL('losslab-extras_bg.wasm', base) });
      return m;
    });
    loads.set(js, p);
    p.catch(() => loads.delete(js));
  }
  return p;
}
const texts = new Map();
export function fetch_text(url) {
  let p = texts.get(url);
  if (!p) {
    p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${new URL(url).pathname}: HTTP ${r.status}`);
      return r.text();
    });
    texts.set(url, p);
    p.catch(() => texts.delete(url));
  }
  return p;
}
"#)]
extern "C" {
    /// Fetches and starts the extras module next to `base` (once); resolves to its exports.
    fn load_extras(base: &str) -> Promise;
    /// Fetches a text file of the same origin (once per URL while it succeeds); resolves to its
    /// text, rejects with the reason (`crate::lang_load`: the Chinese text, `losslab-zh.txt`).
    pub fn fetch_text(url: &str) -> Promise;
}

/// Calls `name(args…)` of the extras module next to `base` (fetching it first, once); `done` gets
/// its string result, or the reason it could not (the module not fetched, or the call's error).
pub fn call_extras(base: &str, name: &'static str, args: Vec<String>, done: Callback<Result<String, String>>) {
    let ok = {
        let done = done.clone();
        Closure::once_into_js(move |m: JsValue| {
            let Some(f) = Reflect::get(&m, &name.into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) else {
                done.emit(Err(format!("losslab-extras.js has no {name}")));
                return;
            };
            let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
            done.emit(match f.apply(&m, &args) {
                Ok(v) => v.as_string().ok_or_else(|| format!("{name} returned no text")),
                Err(e) => Err(message_of(&e)),
            });
        })
    };
    let err = Closure::once_into_js(move |e: JsValue| done.emit(Err(message_of(&e))));
    let promise: JsValue = load_extras(base).into();
    if let Ok(then) = Reflect::get(&promise, &"then".into()).and_then(|f| f.dyn_into::<Function>()) {
        let _ = then.call2(&promise, &ok, &err);
    }
}

/// One prop of an extra view, as it crosses to the other module.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Str(String),
    Bool(bool),
    Num(f64),
}

/// An extra view's props, by name.
pub type Fields = Vec<(&'static str, Field)>;

fn to_js(fields: &Fields) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let v = match v {
            Field::Str(s) => JsValue::from_str(s),
            Field::Bool(b) => JsValue::from_bool(*b),
            Field::Num(n) => JsValue::from_f64(*n),
        };
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    }
    o.into()
}

#[derive(Properties, PartialEq)]
pub struct SlotProps {
    /// The extras module's export that mounts the view: `mount(element, props, emit)` returning
    /// a handle with `update(props)` and `destroy()`.
    pub mount: &'static str,
    pub fields: Fields,
    /// `(name, payload)` from the view.
    pub on_event: Callback<(String, String)>,
    /// The lab's base URL (its directory), where `losslab-extras.js` is.
    pub base: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Ready,
    Failed(String),
}

/// The mounted view's handle (`update`, `destroy`) and the `emit` function it holds.
type Mounted = (JsValue, Closure<dyn Fn(String, String)>);

fn call(handle: &JsValue, method: &str, arg: Option<&JsValue>) {
    if let Ok(f) = Reflect::get(handle, &method.into()).and_then(|f| f.dyn_into::<Function>()) {
        let _ = match arg {
            Some(a) => f.call1(handle, a),
            None => f.call0(handle),
        };
    }
}

pub fn message_of(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).or_else(|| e.as_string()).unwrap_or_else(|| "unknown error".into())
}

/// A view of the extras module inside the lab (see the module doc).
#[function_component(ExtraSlot)]
pub fn extra_slot(p: &SlotProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let phase = use_state(|| Phase::Loading);
    let node = use_node_ref();
    let mounted = use_mut_ref(|| None::<Mounted>);
    // The latest props and callback, for the mount that happens once the module is there.
    let latest = use_mut_ref(|| (p.fields.clone(), p.on_event.clone()));
    *latest.borrow_mut() = (p.fields.clone(), p.on_event.clone());
    {
        let (phase, node, mounted, latest, mount, base) = (phase.clone(), node.clone(), mounted.clone(), latest.clone(), p.mount, p.base.clone());
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            let ok = {
                let (alive, phase, mounted, latest) = (alive.clone(), phase.clone(), mounted.clone(), latest.clone());
                Closure::once_into_js(move |m: JsValue| {
                    if !alive.get() {
                        return;
                    }
                    let Some(el) = node.cast::<web_sys::Element>() else { return };
                    let emit = {
                        let latest = latest.clone();
                        Closure::<dyn Fn(String, String)>::new(move |name: String, payload: String| {
                            let cb = latest.borrow().1.clone();
                            cb.emit((name, payload));
                        })
                    };
                    let f = Reflect::get(&m, &mount.into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
                    let props = to_js(&latest.borrow().0);
                    match f.map(|f| f.call3(&m, &el, &props, emit.as_ref())) {
                        Some(Ok(handle)) => {
                            *mounted.borrow_mut() = Some((handle, emit));
                            phase.set(Phase::Ready);
                        }
                        Some(Err(e)) => phase.set(Phase::Failed(message_of(&e))),
                        None => phase.set(Phase::Failed(format!("losslab-extras.js has no {mount}"))),
                    }
                })
            };
            let err = {
                let (alive, phase) = (alive.clone(), phase.clone());
                Closure::once_into_js(move |e: JsValue| {
                    if alive.get() {
                        phase.set(Phase::Failed(message_of(&e)));
                    }
                })
            };
            let promise: JsValue = load_extras(&base).into();
            if let Ok(then) = Reflect::get(&promise, &"then".into()).and_then(|f| f.dyn_into::<Function>()) {
                let _ = then.call2(&promise, &ok, &err);
            }
            move || {
                alive.set(false);
                if let Some((handle, _emit)) = mounted.borrow_mut().take() {
                    call(&handle, "destroy", None);
                }
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with(p.fields.clone(), move |fields| {
            if let Some((handle, _)) = &*mounted.borrow() {
                call(handle, "update", Some(&to_js(fields)));
            }
        });
    }
    let state = match &*phase {
        Phase::Loading => "loading",
        Phase::Ready => "ready",
        Phase::Failed(_) => "failed",
    };
    html! {
        <div class="extra" data-extra={p.mount} data-state={state}>
            if *phase == Phase::Loading {
                <p class="extra-loading" role="status" data-testid="extra-loading">{t(lang, Key::ExtraLoading)}</p>
            }
            if let Phase::Failed(why) = &*phase {
                <p class="extra-failed" role="alert" data-testid="extra-failed">{t(lang, Key::ExtraFailed)}{why.clone()}</p>
            }
            <div class="extra-root" ref={node}></div>
        </div>
    }
}
