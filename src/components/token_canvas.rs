//! The moving message tokens, drawn on one `<canvas>` layer of the diagram (in a
//! `<foreignObject>`, so the stations below and the badges above stay SVG in the same
//! coordinates). A frame costs per-token arithmetic and a few batched canvas calls, with no DOM
//! node per token: at 1,000 messages in flight an SVG element each cost more to diff, lay out and
//! paint than a frame lasts. The tokens read as [`super::message_token`] describes (outline, rings,
//! marks; never colour alone), in the page's theme colours, sharp at any `devicePixelRatio`.
//!
//! Screen readers, the keyboard and tests reach the tokens through [`TokenList`], a list of
//! buttons (one per drawn token, re-rendered per event, not per frame); a click on the canvas is
//! hit-tested against the tokens drawn last. The canvas also answers `canvas.tokens()` with what
//! it drew last (`[{msg, x, y, look, moving, progress}]`, in diagram units), for tests and for
//! the diagram download, which has no DOM node to read a token from, and `canvas.blits()` with
//! how many sprites that frame copied (fewer where tokens stack: [`Cover`]).

use std::cell::RefCell;
use std::f64::consts::TAU;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::message_token::{look_class, look_words, mark};
use crate::i18n::{t, tf, Key, Lang};
use crate::layout::{Look, Token, TOKEN_R};

/// The tokens of one frame, compared by identity (a new frame is a new `Rc`).
#[derive(Clone)]
pub struct Frame(pub Rc<Vec<Token>>);

impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub frame: Frame,
    /// The diagram's size in its own units (the SVG's viewBox).
    pub width: f64,
    pub height: f64,
    pub selected: Option<u32>,
    /// The token whose button in [`TokenList`] has keyboard focus: drawn with a focus ring.
    pub focused: Option<u32>,
    pub on_select: Callback<u32>,
}

/// How one look is drawn: the stylesheet's token rules (www/style.css, `.tok-*`) as canvas state.
struct LookStyle {
    stroke: &'static str,
    fill: &'static str,
    dash: &'static [f64],
    width: f64,
    /// Opacity of the body circle (the whole token for a consumed one).
    alpha: f64,
    id_fill: &'static str,
}

fn style(l: Look) -> LookStyle {
    let base = LookStyle { stroke: "--ink", fill: "--token-bg", dash: &[], width: 1.3, alpha: 1.0, id_fill: "--ink" };
    match l {
        Look::InFlight => LookStyle { stroke: "--muted", fill: "--flight-bg", dash: &[1.5, 1.5], ..base },
        Look::MemoryOnly => LookStyle { stroke: "--mem", fill: "--mem-bg", dash: &[2.6, 1.8], ..base },
        Look::Durable => LookStyle { stroke: "--disk", fill: "--disk-bg", width: 1.6, ..base },
        Look::Replicated => LookStyle { stroke: "--rep", fill: "--rep-bg", width: 1.4, ..base },
        Look::Consumed => LookStyle { stroke: "--ok", alpha: 0.55, ..base },
        Look::Invisible => LookStyle { stroke: "--muted", fill: "--flight-bg", dash: &[1.0, 1.6], alpha: 0.6, ..base },
        Look::DeadLettered => LookStyle { stroke: "--dlq", fill: "--dlq-bg", ..base },
        Look::Lost => LookStyle { stroke: "--bad", dash: &[1.0, 2.0], alpha: 0.8, id_fill: "--bad", ..base },
        Look::LostUnacked => LookStyle { stroke: "--unacked", dash: &[1.0, 2.5], alpha: 0.8, id_fill: "--unacked", ..base },
        Look::Truncated => LookStyle { stroke: "--bad", dash: &[1.0, 2.0], alpha: 0.8, id_fill: "--bad", ..base },
    }
}


/// The theme's colours, read from the canvas's computed style (so light, dark and a host page's
/// overrides all apply), once, and kept in a [`ThemeCache`] until the theme changes.
struct Palette {
    vars: Vec<(&'static str, String)>,
    font: String,
    /// What a sprite's colours depend on: it changes when the theme does.
    key: String,
}

const VARS: [&str; 13] =
    ["--ink", "--muted", "--token-bg", "--flight-bg", "--mem", "--mem-bg", "--disk", "--disk-bg", "--rep", "--rep-bg", "--ok", "--dlq", "--dlq-bg"];
const MORE_VARS: [&str; 4] = ["--bad", "--unacked", "--warn", "--focus"];

impl Palette {
    fn read(el: &web_sys::Element) -> Palette {
        let cs = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let get = |p: &str| cs.as_ref().and_then(|c| c.get_property_value(p).ok()).map(|v| v.trim().to_string()).unwrap_or_default();
        let vars: Vec<(&'static str, String)> = VARS.iter().chain(MORE_VARS.iter()).map(|v| (*v, get(v))).collect();
        let family = get("font-family");
        let font = if family.is_empty() { "sans-serif".to_string() } else { family };
        let mut key = font.clone();
        for (_, v) in &vars {
            key.push('|');
            key.push_str(v);
        }
        Palette { vars, font, key }
    }

    /// Whether the stylesheet had applied: every colour is set (a shadow root's stylesheet may
    /// still be loading on the first frame; such a palette is used once and read again).
    fn complete(&self) -> bool {
        self.vars.iter().all(|(_, v)| !v.is_empty())
    }

    fn get(&self, var: &str) -> &str {
        let v = self.vars.iter().find(|(k, _)| *k == var).map_or("", |(_, v)| v.as_str());
        if v.is_empty() {
            "#808080"
        } else {
            v
        }
    }
}

/// A value read from the page's styles once and kept until [`ThemeCache::invalidate`] (the
/// reader's light/dark switch): the canvas reads its 17 colours on its first frame, not on
/// every frame. A value `keep` refuses (the stylesheet not applied yet) is read again next time.
pub struct ThemeCache<T> {
    value: Option<Rc<T>>,
    reads: u64,
}

impl<T> Default for ThemeCache<T> {
    fn default() -> Self {
        ThemeCache { value: None, reads: 0 }
    }
}

impl<T> ThemeCache<T> {
    /// The cached value, or `read()`'s (cached when `keep` says so).
    pub fn get(&mut self, read: impl FnOnce() -> T, keep: impl FnOnce(&T) -> bool) -> Rc<T> {
        if let Some(v) = &self.value {
            return v.clone();
        }
        self.reads += 1;
        let v = Rc::new(read());
        if keep(&v) {
            self.value = Some(v.clone());
        }
        v
    }

    /// Forgets the value: the next [`ThemeCache::get`] reads the styles again.
    pub fn invalidate(&mut self) {
        self.value = None;
    }

    /// How many times the styles were read.
    pub fn reads(&self) -> u64 {
        self.reads
    }
}

/// The token buffers of the diagram's frames, used in turn: a frame is filled into a buffer
/// that no one holds any more (the canvas keeps the last frame drawn), so that playing
/// allocates no token list per frame once the buffers have grown to the run's size. A new
/// buffer is made only while every kept one is still held.
#[derive(Default)]
pub struct FrameBufs {
    bufs: Vec<Rc<Vec<Token>>>,
    scratch: crate::layout::TokenScratch,
}

/// Buffers kept at most (two are used in turn; a third covers a frame held a little longer).
const FRAME_BUFS: usize = 3;

impl FrameBufs {
    /// A frame filled by `fill` (given an empty token list and the scratch space), and what
    /// `fill` returned.
    pub fn next<R>(&mut self, fill: impl FnOnce(&mut Vec<Token>, &mut crate::layout::TokenScratch) -> R) -> (Rc<Vec<Token>>, R) {
        let free = self.bufs.iter().position(|b| Rc::strong_count(b) == 1 && Rc::weak_count(b) == 0);
        let mut buf = match free {
            Some(i) => self.bufs.remove(i),
            None => {
                if self.bufs.len() >= FRAME_BUFS {
                    self.bufs.remove(0);
                }
                Rc::new(Vec::new())
            }
        };
        let out = Rc::get_mut(&mut buf).expect("a free buffer is held by no one else");
        out.clear();
        let r = fill(out, &mut self.scratch);
        self.bufs.push(buf.clone());
        (buf, r)
    }
}

/// The canvas's bitmap fitted to its drawn size × `devicePixelRatio`; the scale from diagram
/// units to bitmap pixels, or None when it is not laid out (hidden).
fn fit(canvas: &HtmlCanvasElement, width: f64) -> Option<f64> {
    let rect = canvas.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (bw, bh) = ((rect.width() * dpr).round() as u32, (rect.height() * dpr).round() as u32);
    if canvas.width() != bw || canvas.height() != bh {
        canvas.set_width(bw);
        canvas.set_height(bh);
    }
    Some(f64::from(bw) / width)
}

fn dash(ctx: &CanvasRenderingContext2d, d: &[f64]) {
    let a = js_sys::Array::new();
    for v in d {
        a.push(&JsValue::from_f64(*v));
    }
    let _ = ctx.set_line_dash(&a);
}

/// One token's body (rings, outline, cross, number) at the origin, in diagram units.
fn paint_body(ctx: &CanvasRenderingContext2d, look: Look, msg: u32, consumed: u32, pal: &Palette) {
    let st = style(look);
    // A consumed token that was consumed twice stays opaque: the duplicate is the point.
    let alpha = if look == Look::Consumed && consumed > 1 { 1.0 } else { st.alpha };
    if look == Look::Replicated {
        ctx.begin_path();
        let _ = ctx.arc(0.0, 0.0, TOKEN_R + 2.2, 0.0, TAU);
        dash(ctx, &[]);
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str(pal.get(st.stroke));
        ctx.stroke();
    }
    ctx.begin_path();
    let _ = ctx.arc(0.0, 0.0, TOKEN_R, 0.0, TAU);
    ctx.set_global_alpha(alpha);
    ctx.set_fill_style_str(pal.get(st.fill));
    ctx.fill();
    dash(ctx, st.dash);
    ctx.set_line_width(st.width);
    ctx.set_stroke_style_str(pal.get(st.stroke));
    ctx.stroke();
    if matches!(look, Look::Lost | Look::LostUnacked) {
        ctx.begin_path();
        ctx.move_to(-5.5, -5.5);
        ctx.line_to(5.5, 5.5);
        ctx.move_to(5.5, -5.5);
        ctx.line_to(-5.5, 5.5);
        dash(ctx, &[]);
        ctx.set_global_alpha(0.45);
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str(pal.get("--bad"));
        ctx.stroke();
    }
    ctx.set_global_alpha(if look == Look::Consumed && consumed <= 1 { 0.55 } else { 1.0 });
    ctx.set_text_align("center");
    // Long ids (4–5 digits and more) are drawn smaller, and condensed past that, to stay inside the token.
    let (px, condensed) = crate::layout::id_font(msg);
    ctx.set_font(&format!("700 {px:.2}px {}", pal.font));
    ctx.set_fill_style_str(pal.get(st.id_fill));
    let baseline = px * 0.34;
    let _ = match condensed {
        Some(w) => ctx.fill_text_with_max_width(&msg.to_string(), 0.0, baseline, w),
        None => ctx.fill_text(&msg.to_string(), 0.0, baseline),
    };
    ctx.set_global_alpha(1.0);
}

/// Half the side of a token's sprite, in diagram units (the outer ring and its stroke).
const SPRITE_HALF: f64 = TOKEN_R + 3.4;
/// Sprites per atlas row; the atlas grows by rows, and starts over past [`ATLAS_MAX`] sprites.
const ATLAS_COLS: u32 = 64;
const ATLAS_MAX: usize = 8_192;

/// Each drawn token's body, rasterised once per (look, number) into one offscreen canvas: a frame
/// is then one `drawImage` blit per token from a single source, where stroking dashed circles
/// and laying out each number's glyphs every frame cost more than a frame lasts at 1,000 tokens.
/// Rebuilt when the scale or the theme changes.
struct Atlas {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Sprite side in bitmap pixels.
    cell: u32,
    scale: f64,
    theme: String,
    slots: std::collections::HashMap<(Look, u32, u32), u32>,
}

impl Atlas {
    fn new(scale: f64, theme: String) -> Option<Atlas> {
        let canvas: HtmlCanvasElement = web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
        let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let cell = (2.0 * SPRITE_HALF * scale).ceil() as u32;
        canvas.set_width(ATLAS_COLS * cell);
        canvas.set_height(16 * cell);
        Some(Atlas { canvas, ctx, cell, scale, theme, slots: std::collections::HashMap::new() })
    }

    /// Where the sprite of (`look`, `msg`, `consumed`) is (bitmap pixels), painting it if new.
    fn slot(&mut self, look: Look, msg: u32, consumed: u32, pal: &Palette) -> (f64, f64) {
        let key = (look, msg, consumed.min(2));
        let i = match self.slots.get(&key) {
            Some(i) => *i,
            None => {
                let i = self.slots.len() as u32;
                let rows_needed = i / ATLAS_COLS + 1;
                if rows_needed * self.cell > self.canvas.height() {
                    self.grow();
                }
                let (x, y) = self.origin(i);
                let c = f64::from(self.cell);
                let _ = self.ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
                self.ctx.clear_rect(x, y, c, c);
                let _ = self.ctx.set_transform(self.scale, 0.0, 0.0, self.scale, x + c / 2.0, y + c / 2.0);
                paint_body(&self.ctx, look, msg, consumed, pal);
                self.slots.insert(key, i);
                i
            }
        };
        self.origin(i)
    }

    fn origin(&self, i: u32) -> (f64, f64) {
        (f64::from(i % ATLAS_COLS * self.cell), f64::from(i / ATLAS_COLS * self.cell))
    }

    /// Twice the rows, keeping the sprites painted so far.
    fn grow(&mut self) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(bigger) = doc.create_element("canvas").ok().and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()) else { return };
        bigger.set_width(self.canvas.width());
        bigger.set_height(self.canvas.height() * 2);
        let Some(ctx) = bigger.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) else { return };
        let _ = ctx.draw_image_with_html_canvas_element(&self.canvas, 0.0, 0.0);
        self.canvas = bigger;
        self.ctx = ctx;
    }
}

/// What the canvas keeps between frames to blit them: the sprite atlas, and the memory of the
/// pass that finds the hidden blits.
#[derive(Default)]
struct Blitter {
    atlas: Option<Atlas>,
    cover: Cover,
    /// Each token's sprite in the atlas, this frame.
    origins: Vec<(f64, f64)>,
}

/// Where a token's sprite is blitted: its top-left corner in whole bitmap pixels, so a blit is a copy.
fn blit_origin(t: &Token, scale: f64, cell: f64) -> (i32, i32) {
    ((t.x * scale - cell / 2.0).round() as i32, (t.y * scale - cell / 2.0).round() as i32)
}

/// Whether a token's sprite sets every pixel inside its outline at full opacity (so a copy of
/// it blitted on top hides everything beneath but the anti-aliased rim).
fn opaque(look: Look, consumed: u32) -> bool {
    style(look).alpha >= 1.0 || (look == Look::Consumed && consumed > 1)
}

/// Which blits of a frame a later token hides whole. A token is skipped when a later one has
/// the same sprite shape (look, and consumed once or more) at the same whole pixel and is
/// opaque: it covers every pixel the earlier one would set, except the anti-aliased rim they
/// share, which stacked copies would only darken. Thousands in flight on one link stack tens to
/// a pixel; the frame then blits each place once instead of once per message (issue 23 item 3).
/// Kept between frames, so that a frame allocates nothing once it has grown to the run's size.
#[derive(Default)]
pub struct Cover {
    taken: std::collections::HashSet<(i32, i32, Look, u32)>,
    hidden: Vec<bool>,
}

impl Cover {
    /// For each of `tokens` (in drawing order, at `scale` bitmap pixels per unit, sprites
    /// `cell` pixels wide): whether a later token hides it.
    pub fn hidden(&mut self, tokens: &[Token], scale: f64, cell: f64) -> &[bool] {
        self.taken.clear();
        self.hidden.clear();
        self.hidden.resize(tokens.len(), false);
        for (i, t) in tokens.iter().enumerate().rev() {
            let (x, y) = blit_origin(t, scale, cell);
            let key = (x, y, t.look, t.consumed.min(2));
            if self.taken.contains(&key) {
                self.hidden[i] = true;
            } else if opaque(t.look, t.consumed) {
                self.taken.insert(key);
            }
        }
        &self.hidden
    }
}

/// Draws `tokens` (diagram units) at `scale` bitmap pixels per unit: one blit per token from
/// the atlas (at whole pixels, so a blit is a copy), then the marks, the selection and focus.
/// Returns how many sprites it blitted (tokens hidden whole by a later one are skipped: [`Cover`]).
fn draw(
    ctx: &CanvasRenderingContext2d,
    canvas: &HtmlCanvasElement,
    tokens: &[Token],
    scale: f64,
    p: &CanvasProps,
    pal: &Palette,
    kept: &mut Blitter,
) -> u32 {
    let Blitter { atlas, cover, origins } = kept;
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
    if atlas.as_ref().is_none_or(|a| a.scale != scale || a.theme != pal.key || a.slots.len() >= ATLAS_MAX) {
        *atlas = Atlas::new(scale, pal.key.clone());
    }
    let Some(a) = atlas.as_mut() else { return 0 };
    let c = f64::from(a.cell);
    // Every sprite the frame needs is painted before the first blit: a canvas drawn from right
    // after it changed is copied whole (the atlas is megabytes), so painting between blits cost
    // a copy per new sprite. Hidden tokens get theirs too, so the atlas settles after one frame
    // however the stacks reshuffle as tokens move.
    origins.clear();
    origins.extend(tokens.iter().map(|t| a.slot(t.look, t.msg, t.consumed, pal)));
    let mut blits = 0;
    for ((t, hidden), (sx, sy)) in tokens.iter().zip(cover.hidden(tokens, scale, c)).zip(origins.iter().copied()) {
        if *hidden {
            continue;
        }
        let (dx, dy) = blit_origin(t, scale, c);
        let _ = ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(&a.canvas, sx, sy, c, c, f64::from(dx), f64::from(dy), c, c);
        blits += 1;
    }
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
    ctx.set_text_align("center");
    for t in tokens {
        let (text, x, size, var) = if t.look == Look::Consumed && t.consumed > 1 {
            (format!("×{}", t.consumed), 8.0, 8.5, "--warn")
        } else if let Some(m) = mark(t.look).filter(|_| !matches!(t.look, Look::Lost | Look::LostUnacked)) {
            let size = if t.look == Look::Truncated { 7.0 } else { 8.0 };
            (m.to_string(), 7.0, size, if matches!(t.look, Look::DeadLettered | Look::Truncated) { "--bad" } else { "--ink" })
        } else {
            continue;
        };
        ctx.set_global_alpha(if t.look == Look::Consumed && t.consumed <= 1 { 0.55 } else { 1.0 });
        ctx.set_font(&format!("700 {size}px {}", pal.font));
        ctx.set_fill_style_str(pal.get(var));
        let _ = ctx.fill_text(&text, t.x + x, t.y - 4.0);
    }
    ctx.set_global_alpha(1.0);
    // The selected token and the one with keyboard focus, outlined above the rest.
    dash(ctx, &[]);
    for (id, var, width, r) in [(p.selected, "--ink", 2.6, TOKEN_R), (p.focused, "--focus", 2.0, TOKEN_R + 3.5)] {
        if let Some(t) = id.and_then(|id| tokens.iter().find(|t| t.msg == id)) {
            ctx.begin_path();
            let _ = ctx.arc(t.x, t.y, r, 0.0, TAU);
            ctx.set_line_width(width);
            ctx.set_stroke_style_str(pal.get(var));
            ctx.stroke();
        }
    }
    blits
}

/// The topmost token under (`x`, `y`) in diagram units (drawn last is on top).
pub fn hit(tokens: &[Token], x: f64, y: f64) -> Option<u32> {
    let r2 = (TOKEN_R + 1.5) * (TOKEN_R + 1.5);
    tokens.iter().rev().find(|t| (t.x - x).powi(2) + (t.y - y).powi(2) <= r2).map(|t| t.msg)
}

fn look_name(l: Look) -> &'static str {
    look_class(l).split(' ').next_back().unwrap_or("tok").trim_start_matches("tok-")
}

/// `canvas.tokens()`: what was drawn last, as plain objects.
fn tokens_js(tokens: &[Token]) -> JsValue {
    let out = js_sys::Array::new();
    for t in tokens {
        let o = js_sys::Object::new();
        for (k, v) in [
            ("msg", JsValue::from(t.msg)),
            ("x", JsValue::from(t.x)),
            ("y", JsValue::from(t.y)),
            ("look", JsValue::from_str(look_name(t.look))),
            ("moving", JsValue::from(t.moving)),
            ("progress", JsValue::from(t.progress)),
            ("consumed", JsValue::from(t.consumed)),
        ] {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
        }
        out.push(&o);
    }
    out.into()
}

/// A pointer event's position in diagram units.
fn at(e: &MouseEvent, canvas: &HtmlCanvasElement, width: f64, height: f64) -> Option<(f64, f64)> {
    let r = canvas.get_bounding_client_rect();
    (r.width() > 0.0 && r.height() > 0.0)
        .then(|| ((f64::from(e.client_x()) - r.left()) / r.width() * width, (f64::from(e.client_y()) - r.top()) / r.height() * height))
}

#[function_component(TokenCanvas)]
pub fn token_canvas(p: &CanvasProps) -> Html {
    let node = use_node_ref();
    let drawn: Rc<RefCell<Rc<Vec<Token>>>> = use_mut_ref(|| Rc::new(Vec::new()));
    let blitter: Rc<RefCell<Blitter>> = use_mut_ref(Blitter::default);
    // How many sprites the last frame blitted (fewer than its tokens where they stack).
    let blits: Rc<std::cell::Cell<u32>> = use_memo((), |_| std::cell::Cell::new(0));
    // `canvas.tokens()` and `canvas.blits()`, installed once; dropped (and removed) with the component.
    {
        let (node, drawn, blits) = (node.clone(), drawn.clone(), blits.clone());
        use_effect_with((), move |_| {
            let canvas = node.cast::<HtmlCanvasElement>();
            let f = Closure::<dyn Fn() -> JsValue>::new(move || tokens_js(&drawn.borrow()));
            let g = Closure::<dyn Fn() -> JsValue>::new(move || JsValue::from(blits.get()));
            if let Some(c) = &canvas {
                let _ = js_sys::Reflect::set(c, &JsValue::from_str("tokens"), f.as_ref());
                let _ = js_sys::Reflect::set(c, &JsValue::from_str("blits"), g.as_ref());
            }
            move || {
                if let Some(c) = &canvas {
                    let _ = js_sys::Reflect::delete_property(c, &JsValue::from_str("tokens"));
                    let _ = js_sys::Reflect::delete_property(c, &JsValue::from_str("blits"));
                }
                drop((f, g));
            }
        });
    }
    // The theme's colours, read on the first frame and again after a switch between light and
    // dark, which also redraws a paused picture.
    let palette: Rc<RefCell<ThemeCache<Palette>>> = use_mut_ref(ThemeCache::default);
    let redraw = use_force_update();
    {
        let palette = palette.clone();
        use_effect_with((), move |_| {
            let mql = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
            let listener = mql.map(|m| {
                gloo_events::EventListener::new(&m, "change", move |_| {
                    palette.borrow_mut().invalidate();
                    redraw.force_update();
                })
            });
            move || drop(listener)
        });
    }
    // Every render is a frame: draw it (after Yew committed, so the canvas is laid out).
    {
        let (node, drawn, frame, blitter, palette) = (node.clone(), drawn.clone(), p.frame.0.clone(), blitter.clone(), palette.clone());
        let blits = blits.clone();
        let (width, selected, focused, on_select) = (p.width, p.selected, p.focused, p.on_select.clone());
        let height = p.height;
        use_effect(move || {
            *drawn.borrow_mut() = frame.clone();
            let Some(canvas) = node.cast::<HtmlCanvasElement>() else { return };
            let Some(scale) = fit(&canvas, width) else { return };
            let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) else {
                return;
            };
            let pal = palette.borrow_mut().get(|| Palette::read(&canvas), Palette::complete);
            let props = CanvasProps { frame: Frame(frame.clone()), width, height, selected, focused, on_select };
            blits.set(draw(&ctx, &canvas, &frame, scale, &props, &pal, &mut blitter.borrow_mut()));
        });
    }
    let onclick = {
        let (node, drawn, on_select, (w, h)) = (node.clone(), drawn.clone(), p.on_select.clone(), (p.width, p.height));
        Callback::from(move |e: MouseEvent| {
            let Some(c) = node.cast::<HtmlCanvasElement>() else { return };
            if let Some(m) = at(&e, &c, w, h).and_then(|(x, y)| hit(&drawn.borrow(), x, y)) {
                on_select.emit(m);
            }
        })
    };
    // A pointer over a token shows that it can be clicked (as the SVG tokens' `cursor: pointer`).
    let onmousemove = {
        let (node, drawn, (w, h)) = (node.clone(), drawn.clone(), (p.width, p.height));
        Callback::from(move |e: MouseEvent| {
            let Some(c) = node.cast::<HtmlCanvasElement>() else { return };
            let over = at(&e, &c, w, h).and_then(|(x, y)| hit(&drawn.borrow(), x, y)).is_some();
            let _ = c.style().set_property("cursor", if over { "pointer" } else { "default" });
        })
    };
    html! {
        <foreignObject class="token-layer" x="0" y="0" width={p.width.to_string()} height={p.height.to_string()}>
            <canvas xmlns="http://www.w3.org/1999/xhtml" class="token-canvas" ref={node} aria-hidden="true"
                    data-testid="token-canvas" {onclick} {onmousemove} />
        </foreignObject>
    }
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// The tokens as of the last event: which messages are drawn and how they look.
    pub tokens: Rc<Vec<Token>>,
    pub selected: Option<u32>,
    pub on_select: Callback<u32>,
    pub on_focus: Callback<Option<u32>>,
}

/// One button per drawn token, for screen readers, the keyboard and tests: the same name and
/// classes the SVG tokens had (`token tok-lost`, `data-msg`), pressing one opens it in the
/// inspector. Visually hidden; the focused one is ringed on the canvas.
#[function_component(TokenList)]
pub fn token_list(p: &ListProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    html! {
        <ul class="token-list sr-only" data-testid="token-list" aria-label={t(lang, Key::PipelineLabel)}>
            { for p.tokens.iter().map(|tk| {
                let id = tk.msg;
                let dup = if tk.consumed > 1 { tf(lang, Key::TokenDup, &[&tk.consumed]) } else { String::new() };
                let label = tf(lang, Key::TokenLabel, &[&id, &look_words(tk.look, lang), &dup]);
                let selected = p.selected == Some(id);
                let class = classes!("token", look_class(tk.look), selected.then_some("selected"), tk.moving.then_some("moving"));
                let onclick = p.on_select.reform(move |_: MouseEvent| id);
                let onfocus = p.on_focus.reform(move |_: FocusEvent| Some(id));
                let onblur = p.on_focus.reform(|_: FocusEvent| None);
                html! {
                    <li key={id}>
                        <button type="button" {class} data-msg={id.to_string()} aria-pressed={selected.to_string()} {onclick} {onfocus} {onblur}>{label}</button>
                    </li>
                }
            }) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Place;

    fn tok(msg: u32, x: f64, y: f64) -> Token {
        Token { msg, x, y, look: Look::InFlight, place: Place::Master, moving: true, consumed: 0, progress: 0.5 }
    }

    #[test]
    fn the_theme_is_read_once_and_again_only_after_it_changes() {
        let mut cache: ThemeCache<&str> = ThemeCache::default();
        for _ in 0..60 {
            assert_eq!(*cache.get(|| "light", |_| true), "light");
        }
        assert_eq!(cache.reads(), 1, "sixty frames, one read of the styles");
        cache.invalidate();
        assert_eq!(*cache.get(|| "dark", |_| true), "dark", "a light/dark switch is read again");
        assert_eq!(*cache.get(|| "other", |_| true), "dark");
        assert_eq!(cache.reads(), 2);
    }

    #[test]
    fn a_theme_read_before_the_stylesheet_applied_is_read_again() {
        let mut cache: ThemeCache<&str> = ThemeCache::default();
        assert_eq!(*cache.get(|| "", |v| !v.is_empty()), "", "used for the frame");
        assert_eq!(*cache.get(|| "ink", |v| !v.is_empty()), "ink", "but not kept");
        assert_eq!(*cache.get(|| "other", |v| !v.is_empty()), "ink");
        assert_eq!(cache.reads(), 2);
    }

    #[test]
    fn a_click_hits_the_topmost_token_under_it_and_nothing_beside() {
        let ts = [tok(1, 100.0, 100.0), tok(2, 104.0, 100.0)];
        assert_eq!(hit(&ts, 102.0, 100.0), Some(2), "drawn last is on top");
        assert_eq!(hit(&ts, 93.0, 100.0), Some(1));
        assert_eq!(hit(&ts, 100.0, 100.0 + TOKEN_R + 2.0), None);
        assert_eq!(hit(&[], 0.0, 0.0), None);
    }

    fn at(msg: u32, x: f64, look: Look, consumed: u32) -> Token {
        Token { look, consumed, ..tok(msg, x, 50.0) }
    }

    /// The tokens of `ts` whose blits are drawn, at 2 bitmap pixels per unit, 23-pixel sprites.
    fn drawn(ts: &[Token]) -> Vec<u32> {
        let mut cover = Cover::default();
        let hidden = cover.hidden(ts, 2.0, 23.0).to_vec();
        ts.iter().zip(hidden).filter(|(_, h)| !h).map(|(t, _)| t.msg).collect()
    }

    #[test]
    fn a_token_is_skipped_only_under_a_later_opaque_copy_of_its_shape_at_the_same_pixel() {
        // Three in flight on the same pixel (x 100.0 and 100.2 round to the same one at 2 px/unit):
        // only the last is blitted.
        assert_eq!(drawn(&[at(1, 100.0, Look::InFlight, 0), at(2, 100.2, Look::InFlight, 0), at(3, 100.0, Look::InFlight, 0)]), vec![3]);
        // Half a unit on is another pixel: both drawn.
        assert_eq!(drawn(&[at(1, 100.0, Look::InFlight, 0), at(2, 100.5, Look::InFlight, 0)]), vec![1, 2]);
        // Another look has another outline (a replicated token's outer ring, another dash): both drawn.
        assert_eq!(drawn(&[at(1, 100.0, Look::Replicated, 0), at(2, 100.0, Look::Durable, 0)]), vec![1, 2]);
        assert_eq!(drawn(&[at(1, 100.0, Look::Durable, 0), at(2, 100.0, Look::Replicated, 0)]), vec![1, 2]);
        // A later token only hides what is beneath it, never what is drawn after it.
        assert_eq!(drawn(&[at(1, 100.0, Look::Durable, 0), at(2, 300.0, Look::Durable, 0), at(3, 100.0, Look::Durable, 0)]), vec![2, 3]);
    }

    #[test]
    fn translucent_tokens_are_never_skipped() {
        for look in [Look::Lost, Look::LostUnacked, Look::Truncated, Look::Invisible] {
            assert_eq!(drawn(&[at(1, 100.0, look, 0), at(2, 100.0, look, 0)]), vec![1, 2], "{look:?} shows what is beneath");
        }
        // Consumed once is drawn faded; consumed twice (a duplicate) opaque.
        assert_eq!(drawn(&[at(1, 100.0, Look::Consumed, 1), at(2, 100.0, Look::Consumed, 1)]), vec![1, 2]);
        assert_eq!(drawn(&[at(1, 100.0, Look::Consumed, 3), at(2, 100.0, Look::Consumed, 2)]), vec![2]);
        assert_eq!(drawn(&[at(1, 100.0, Look::Consumed, 1), at(2, 100.0, Look::Consumed, 2)]), vec![1, 2]);
    }

    #[test]
    fn the_probe_names_looks_as_the_classes_do() {
        assert_eq!(look_name(Look::LostUnacked), "unacked");
        assert_eq!(look_name(Look::Lost), "lost");
    }
}
