//! The sweep's chart: acknowledged-then-lost rate (y) against p99 latency or send TPS (x), one
//! numbered mark per configuration with its spread over seeds (min–max bars), the book's
//! recommendation ringed, and the Pareto frontier (configurations no other beats on both) joined
//! by a line. The geometry ([`Scale`], [`frontier`], [`Plot`]) is pure and tested natively; the
//! component only draws it. Marks are buttons (focusable, Enter/click opens a failing seed) with
//! a `<title>` saying what they are; the same figures are in the table beside the chart.

use yew::prelude::*;

use rmq_sim::scenario::RocketMqVersion;

use crate::i18n::{t, tf, Key, Lang};

/// Smallest, mean and largest value of one figure over a configuration's seeds.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Spread {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (all zero when empty).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let (mut n, mut sum, mut min, mut max) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            n += 1;
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
        if n == 0 {
            return Spread::default();
        }
        Spread { mean: sum / n as f64, min, max }
    }
}

/// One configuration as the chart sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// 1-based number, drawn in the mark and in the table's first column.
    pub n: usize,
    /// The RocketMQ release, when the grid compares releases (drawn as the mark's shape and colour).
    pub version: Option<RocketMqVersion>,
    /// What it is, e.g. `SYNC_FLUSH + SYNC_MASTER + SYNC` (without the release).
    pub label: String,
    /// Acknowledged-then-lost messages in percent of those sent.
    pub loss_pct: Spread,
    pub p99_ms: Spread,
    pub tps: Spread,
    /// The book's recommendation (ASYNC_FLUSH + SYNC_MASTER).
    pub recommended: bool,
    /// No configuration under the same fault loses less and answers faster (p99) / sends more.
    pub frontier_latency: bool,
    pub frontier_tps: bool,
    /// The grid cell behind it and the seed a click opens (also in `data-` attributes, for tests).
    pub cell: u32,
    pub open_seed: u64,
    /// `p99_ms` and `tps` are the configuration's cost with no fault (its `NONE` cell), not the
    /// cell's own figures under the fault.
    pub cost_with_no_fault: bool,
    /// Expected acknowledged-then-lost messages per year, for a machine fault with a rate.
    pub per_year: Option<f64>,
    /// Numbers (`n`) of the marks that tie with this one on both figures (none is on the frontier).
    pub ties: Vec<usize>,
}

/// What the x axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XAxis {
    /// p99 send latency, ms (lower is better).
    P99,
    /// Send TPS (higher is better).
    Tps,
}

impl XAxis {
    pub fn of(self, m: &Mark) -> Spread {
        match self {
            XAxis::P99 => m.p99_ms,
            XAxis::Tps => m.tps,
        }
    }
}

/// Indices of the marks on the frontier for `axis` (as `rmq_sim::sweep` marked them), sorted by x.
pub fn frontier(marks: &[Mark], axis: XAxis) -> Vec<usize> {
    let mut out: Vec<usize> = (0..marks.len())
        .filter(|&i| match axis {
            XAxis::P99 => marks[i].frontier_latency,
            XAxis::Tps => marks[i].frontier_tps,
        })
        .collect();
    rmq_sim::sort::sort_by(&mut out, |&a, &b| axis.of(&marks[a]).mean.total_cmp(&axis.of(&marks[b]).mean));
    out
}

/// A linear or logarithmic map from data to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub px0: f64,
    pub px1: f64,
}

/// 1, 2 or 5 × a power of ten, the smallest such ≥ `x`.
fn nice_step(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= x * 0.999_999).unwrap_or(10.0 * p)
}

impl Scale {
    /// A scale that holds every value in `values` (with room to spare): logarithmic when they are
    /// all positive and span more than 20×, otherwise linear from 0 (figures here are ≥ 0).
    pub fn fit(values: &[f64], px0: f64, px1: f64) -> Scale {
        let max = values.iter().copied().fold(0.0f64, f64::max);
        let min_pos = values.iter().copied().filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min);
        let all_pos = !values.is_empty() && values.iter().all(|v| *v > 0.0);
        if all_pos && max / min_pos > 20.0 {
            let lo = 10f64.powf(min_pos.log10().floor());
            let hi = 10f64.powf(max.log10().ceil());
            return Scale { lo, hi, log: true, px0, px1 };
        }
        // About five round steps, the top one just above the largest value.
        let hi = if max > 0.0 {
            let step = nice_step(max / 5.0);
            (max * 1.05 / step).ceil() * step
        } else {
            1.0
        };
        Scale { lo: 0.0, hi, log: false, px0, px1 }
    }

    pub fn map(&self, v: f64) -> f64 {
        let f = if self.log {
            let v = v.max(self.lo);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.px0 + f.clamp(0.0, 1.0) * (self.px1 - self.px0)
    }

    /// Round values to label: powers of ten (and 2×, 5× when few decades) or about five steps.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let (a, b) = (self.lo.log10().round() as i32, self.hi.log10().round() as i32);
            let dense = b - a <= 2;
            let mut out = Vec::new();
            for e in a..=b {
                let p = 10f64.powi(e);
                out.push(p);
                if dense && e < b {
                    out.extend([2.0 * p, 5.0 * p]);
                }
            }
            return out;
        }
        let step = nice_step((self.hi - self.lo) / 5.0);
        (0..=((self.hi - self.lo) / step).round() as usize).map(|i| self.lo + i as f64 * step).collect()
    }
}

/// How a release's marks are drawn on a chart that compares releases: a shape (so the groups
/// read apart without colour) and a class that gives them their colour (`www/style.css`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Diamond,
}

impl Shape {
    /// 4.9.8 (and a grid without a `version` axis) keeps the round mark; 5.3.3 is square, 4.7.0 a diamond.
    pub fn of(version: Option<RocketMqVersion>) -> Shape {
        match version {
            Some(RocketMqVersion::V5_3_3) => Shape::Square,
            Some(RocketMqVersion::V4_7_0) => Shape::Diamond,
            _ => Shape::Circle,
        }
    }

    /// The shape centred on (`cx`, `cy`), about as large as a circle of radius `r`, as an SVG path.
    pub fn path(self, cx: f64, cy: f64, r: f64) -> String {
        match self {
            Shape::Circle => format!("M{:.1},{cy:.1} a{r:.1},{r:.1} 0 1,0 {:.1},0 a{r:.1},{r:.1} 0 1,0 {:.1},0 Z", cx - r, 2.0 * r, -2.0 * r),
            Shape::Square => {
                let h = r * 0.9;
                format!("M{:.1},{:.1} H{:.1} V{:.1} H{:.1} Z", cx - h, cy - h, cx + h, cy + h, cx - h)
            }
            Shape::Diamond => {
                let h = r * 1.2;
                format!("M{cx:.1},{:.1} L{:.1},{cy:.1} L{cx:.1},{:.1} L{:.1},{cy:.1} Z", cy - h, cx + h, cy + h, cx - h)
            }
        }
    }
}

/// The class that colours a release's marks, swatches and table cells (`ver-5-3-3`).
pub fn version_class(v: RocketMqVersion) -> String {
    format!("ver-{}", v.name().replace('.', "-"))
}

/// A small swatch of a release's mark, for the legend and the table (decorative: the text beside
/// it names the release).
pub fn version_swatch(v: RocketMqVersion) -> Html {
    html! {
        <svg class={classes!("ver-swatch", version_class(v))} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path class="dot" d={Shape::of(Some(v)).path(8.0, 8.0, 6.0)} />
        </svg>
    }
}

/// A figure for an axis label or a tooltip: few digits, no trailing zeros.
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The chart's frame in viewBox units; narrow screens get a squarer, larger-type chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub w: f64,
    pub h: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn for_width(css_px: f64) -> Frame {
        if css_px < 600.0 {
            Frame { w: 360.0, h: 320.0, left: 50.0, right: 14.0, top: 14.0, bottom: 46.0 }
        } else {
            Frame { w: 720.0, h: 400.0, left: 64.0, right: 24.0, top: 18.0, bottom: 50.0 }
        }
    }
}

/// Room between the axes and the data (viewBox units).
const PAD: f64 = 16.0;
/// Dots closer than this (viewBox units) to a group's first dot join its group.
const CLOSE: f64 = 18.0;
/// Spacing of the dots of one group.
const SPREAD: f64 = 23.0;

/// Spreads groups of coinciding points side by side (in input order) around the group's first point.
pub fn dodge(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let near = groups.iter_mut().find(|g| {
            let q = points[g[0]];
            (p.0 - q.0).hypot(p.1 - q.1) < CLOSE
        });
        match near {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let mut out = points.to_vec();
    for g in groups.iter().filter(|g| g.len() > 1) {
        let (cx, cy) = points[g[0]];
        let mid = (g.len() - 1) as f64 / 2.0;
        for (k, &i) in g.iter().enumerate() {
            out[i] = (cx + (k as f64 - mid) * SPREAD, cy);
        }
    }
    out
}

/// Everything the chart draws, in viewBox units.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub frame: Frame,
    pub x: Scale,
    pub y: Scale,
    /// Mark centres (mean, mean), in `marks` order: where the error bars cross.
    pub centres: Vec<(f64, f64)>,
    /// Where each numbered dot is drawn: its centre, or — when marks coincide — side by side
    /// around their common centre (joined to it by a short line), so none hides another.
    pub dots: Vec<(f64, f64)>,
    /// Indices of the frontier's marks, left to right.
    pub frontier: Vec<usize>,
}

impl Plot {
    pub fn new(marks: &[Mark], axis: XAxis, frame: Frame) -> Plot {
        let xs: Vec<f64> = marks.iter().flat_map(|m| [axis.of(m).min, axis.of(m).max]).collect();
        let ys: Vec<f64> = marks.iter().flat_map(|m| [m.loss_pct.min, m.loss_pct.max]).collect();
        // Inset from the axes so that a dot at 0 % or at the smallest x does not sit on them.
        let x = Scale::fit(&xs, frame.left + PAD, frame.w - frame.right - PAD);
        let mut y = Scale::fit(&ys, frame.h - frame.bottom - PAD, frame.top + PAD);
        // Loss is a rate: a linear axis from 0 (a zero loss must sit on the floor, not vanish).
        y.log = false;
        y.lo = 0.0;
        let centres: Vec<(f64, f64)> = marks.iter().map(|m| (x.map(axis.of(m).mean), y.map(m.loss_pct.mean))).collect();
        let dots = dodge(&centres);
        Plot { frame, x, y, centres, dots, frontier: frontier(marks, axis) }
    }

    /// The frontier as a staircase path (`M … H … V …`): each step is a configuration nobody beats.
    pub fn frontier_path(&self) -> String {
        let mut d = String::new();
        for (k, &i) in self.frontier.iter().enumerate() {
            let (x, y) = self.centres[i];
            if k == 0 {
                d.push_str(&format!("M{x:.1},{y:.1}"));
            } else {
                d.push_str(&format!(" H{x:.1} V{y:.1}"));
            }
        }
        d
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub marks: Vec<Mark>,
    pub axis: XAxis,
    /// The chart's width on screen (CSS px), to choose its frame.
    pub width: f64,
    /// A mark was chosen (index into `marks`).
    pub on_pick: Callback<usize>,
    /// What the chart shows, for its heading and `aria-label` (e.g. the fault).
    pub caption: AttrValue,
}

/// The tooltip of one mark: what it is and its figures (mean, and min–max over seeds).
pub fn mark_title(lang: Lang, m: &Mark, on_frontier: bool) -> String {
    let r = |s: Spread| format!("{} ({}–{})", fmt_num(s.mean), fmt_num(s.min), fmt_num(s.max));
    let label = match m.version {
        Some(v) => format!("RocketMQ {v} · {}", m.label),
        None => m.label.clone(),
    };
    let key = if m.cost_with_no_fault { Key::SweepMarkTitleHealthy } else { Key::SweepMarkTitle };
    let mut s = tf(lang, key, &[&m.n, &label, &r(m.loss_pct), &r(m.p99_ms), &r(m.tps)]);
    if m.recommended {
        s.push_str(t(lang, Key::SweepMarkBook));
    }
    if on_frontier {
        s.push_str(t(lang, Key::SweepMarkFrontier));
    }
    if let Some(y) = m.per_year {
        s.push_str(&tf(lang, Key::SweepMarkPerYear, &[&fmt_num(y)]));
    }
    if !m.ties.is_empty() {
        let ties: Vec<String> = m.ties.iter().map(usize::to_string).collect();
        s.push_str(&tf(lang, Key::SweepMarkTies, &[&ties.join(", #")]));
    }
    s.push_str(t(lang, Key::SweepMarkClick));
    s
}

/// The x axis's name: the cost with no fault when the marks carry it.
pub fn axis_name(lang: Lang, axis: XAxis, marks: &[Mark]) -> &'static str {
    let healthy = !marks.is_empty() && marks.iter().all(|m| m.cost_with_no_fault);
    match (axis, healthy) {
        (XAxis::P99, false) => t(lang, Key::SweepAxisP99),
        (XAxis::Tps, false) => t(lang, Key::SweepAxisTps),
        (XAxis::P99, true) => t(lang, Key::SweepAxisP99Healthy),
        (XAxis::Tps, true) => t(lang, Key::SweepAxisTpsHealthy),
    }
}

#[function_component(Chart)]
pub fn chart(p: &ChartProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let plot = Plot::new(&p.marks, p.axis, Frame::for_width(p.width));
    let f = plot.frame;
    let (x0, x1, y0, y1) = (f.left, f.w - f.right, f.h - f.bottom, f.top);
    let narrow = f.w < 500.0;
    let xticks = plot.x.ticks();
    let xticks: Vec<f64> = if narrow && xticks.len() > 6 { xticks.into_iter().step_by(2).collect() } else { xticks };
    let grid_x = xticks.iter().map(|v| {
        let x = plot.x.map(*v);
        html! { <g class="tick"><line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={y0.to_string()} y2={y1.to_string()} />
            <text x={format!("{x:.1}")} y={(y0 + 16.0).to_string()} text-anchor="middle">{fmt_num(*v)}</text></g> }
    });
    let grid_y = plot.y.ticks().into_iter().map(|v| {
        let y = plot.y.map(v);
        html! { <g class="tick"><line x1={x0.to_string()} x2={x1.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
            <text x={(x0 - 6.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{format!("{}%", fmt_num(v))}</text></g> }
    });
    let marks = p.marks.iter().enumerate().map(|(i, m)| {
        let (tx, ty) = plot.centres[i];
        let (cx, cy) = plot.dots[i];
        let xs = p.axis.of(m);
        let (ex0, ex1) = (plot.x.map(xs.min), plot.x.map(xs.max));
        let (ey0, ey1) = (plot.y.map(m.loss_pct.min), plot.y.map(m.loss_pct.max));
        let on_frontier = plot.frontier.contains(&i);
        let title = mark_title(lang, m, on_frontier);
        // The accessible name holds all the mark shows: the tooltip, its number and "book".
        let shown = if m.recommended { format!("{} {}", m.n, t(lang, Key::SweepBookShort)) } else { m.n.to_string() };
        let name = format!("{title} {shown}");
        let onclick = p.on_pick.reform(move |_: MouseEvent| i);
        let onkeydown = {
            let pick = p.on_pick.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    pick.emit(i);
                }
            })
        };
        let class = classes!("mark", on_frontier.then_some("on-frontier"), m.recommended.then_some("book"), m.version.map(version_class));
        let shape = Shape::of(m.version);
        html! {
            <g {class} data-testid="sweep-mark" data-n={m.n.to_string()} data-label={m.label.clone()} data-version={m.version.map(|v| v.name())} data-shape={format!("{shape:?}").to_lowercase()} data-cell={m.cell.to_string()} data-seed={m.open_seed.to_string()}
               tabindex="0" role="button" aria-label={name} {onclick} {onkeydown}>
                <title>{title}</title>
                <line class="err" x1={format!("{ex0:.1}")} x2={format!("{ex1:.1}")} y1={format!("{ty:.1}")} y2={format!("{ty:.1}")} />
                <line class="err" x1={format!("{tx:.1}")} x2={format!("{tx:.1}")} y1={format!("{ey0:.1}")} y2={format!("{ey1:.1}")} />
                if (cx, cy) != (tx, ty) {
                    <line class="leader" x1={format!("{tx:.1}")} x2={format!("{cx:.1}")} y1={format!("{ty:.1}")} y2={format!("{cy:.1}")} />
                    <circle class="true-pos" cx={format!("{tx:.1}")} cy={format!("{ty:.1}")} r="2.5" />
                }
                if m.recommended { <circle class="book-ring" cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="15" /> }
                if shape == Shape::Circle {
                    <circle class="dot" cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="10" />
                } else {
                    <path class="dot" d={shape.path(cx, cy, 10.0)} />
                }
                // One text (the label a new chunk of it), so that what the mark shows reads "3 book".
                <text class="num" x={format!("{cx:.1}")} y={format!("{:.1}", cy + 4.0)} text-anchor="middle">{m.n}
                    if m.recommended {
                        {" "}<tspan class="book-label" x={format!("{cx:.1}")} y={format!("{:.1}", cy - 19.0)}>{t(lang, Key::SweepBookShort)}</tspan>
                    }
                </text>
            </g>
        }
    });
    let x_label = axis_name(lang, p.axis, &p.marks);
    let log_note = if plot.x.log { t(lang, Key::SweepAxisLog) } else { "" };
    html! {
        <svg class={classes!("sweep-chart", narrow.then_some("narrow"))} data-testid="sweep-chart"
             viewBox={format!("0 0 {} {}", f.w, f.h)} role="group" aria-label={p.caption.clone()}>
            <g class="grid" aria-hidden="true">{ for grid_x }{ for grid_y }</g>
            <line class="axis" x1={x0.to_string()} x2={x1.to_string()} y1={y0.to_string()} y2={y0.to_string()} aria-hidden="true" />
            <line class="axis" x1={x0.to_string()} x2={x0.to_string()} y1={y0.to_string()} y2={y1.to_string()} aria-hidden="true" />
            <text class="axis-label" x={format!("{:.1}", (x0 + x1) / 2.0)} y={(f.h - 8.0).to_string()} text-anchor="middle" aria-hidden="true">{format!("{x_label}{log_note}")}</text>
            <text class="axis-label" transform={format!("translate(14 {:.1}) rotate(-90)", (y0 + y1) / 2.0)} text-anchor="middle" aria-hidden="true">{t(lang, Key::SweepAxisLoss)}</text>
            if plot.frontier.len() > 1 { <path class="frontier" d={plot.frontier_path()} aria-hidden="true" /> }
            { for marks }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(n: usize, loss: f64, p99: f64, tps: f64) -> Mark {
        let s = |v: f64| Spread { mean: v, min: v * 0.9, max: v * 1.1 };
        Mark { n, version: None, label: format!("m{n}"), loss_pct: s(loss), p99_ms: s(p99), tps: s(tps), recommended: false, frontier_latency: true, frontier_tps: true, cell: n as u32, open_seed: 1, cost_with_no_fault: false, per_year: None, ties: Vec::new() }
    }

    #[test]
    fn spread_is_min_mean_max() {
        assert_eq!(Spread::of([1.0, 2.0, 6.0]), Spread { mean: 3.0, min: 1.0, max: 6.0 });
        assert_eq!(Spread::of([]), Spread::default());
    }

    #[test]
    fn frontier_follows_the_cores_flags_left_to_right() {
        let mut marks = [mark(1, 5.0, 8.0, 900.0), mark(2, 0.0, 2.0, 300.0), mark(3, 6.0, 3.0, 800.0)];
        for m in &mut marks {
            (m.frontier_latency, m.frontier_tps) = (false, false);
        }
        marks[0].frontier_latency = true;
        marks[1].frontier_latency = true;
        marks[0].frontier_tps = true;
        assert_eq!(frontier(&marks, XAxis::P99), vec![1, 0]);
        assert_eq!(frontier(&marks, XAxis::Tps), vec![0]);
    }

    #[test]
    fn scales_are_linear_from_zero_or_logarithmic_over_wide_ranges() {
        let lin = Scale::fit(&[2.0, 7.3], 0.0, 100.0);
        assert!(!lin.log && lin.lo == 0.0 && lin.hi >= 7.3);
        assert_eq!(Scale::fit(&[45.7], 0.0, 1.0).hi, 50.0, "the top tick is just above the data");
        assert_eq!(lin.map(0.0), 0.0);
        assert_eq!(lin.map(lin.hi), 100.0);
        assert_eq!(lin.ticks().first(), Some(&0.0));
        assert!(lin.ticks().len() >= 4 && lin.ticks().len() <= 7, "{:?}", lin.ticks());
        let log = Scale::fit(&[2.0, 3000.0], 0.0, 300.0);
        assert!(log.log);
        assert_eq!((log.lo, log.hi), (1.0, 10000.0));
        assert!((log.map(100.0) - 150.0).abs() < 1e-9);
        assert_eq!(log.ticks(), vec![1.0, 10.0, 100.0, 1000.0, 10000.0]);
        // All zero: a unit axis, never a division by zero.
        let z = Scale::fit(&[0.0, 0.0], 10.0, 20.0);
        assert_eq!(z.map(0.0), 10.0);
        assert!(z.map(f64::NAN).is_nan() || z.map(f64::NAN) >= 10.0);
    }

    #[test]
    fn plot_puts_lower_loss_lower_on_screen_and_draws_the_frontier_as_steps() {
        let marks = [mark(1, 5.0, 2.0, 900.0), mark(2, 0.0, 8.0, 300.0)];
        let p = Plot::new(&marks, XAxis::P99, Frame::for_width(1440.0));
        assert!(p.centres[1].1 > p.centres[0].1, "0 % loss is nearer the x axis (larger y)");
        assert_eq!(p.centres[1].1, p.frame.h - p.frame.bottom - PAD, "0 % sits just above the x axis");
        assert!(p.centres[1].0 > p.centres[0].0);
        assert_eq!(p.frontier_path().matches('H').count(), 1);
    }

    #[test]
    fn coinciding_marks_are_drawn_side_by_side() {
        let d = dodge(&[(100.0, 50.0), (300.0, 50.0), (104.0, 52.0), (100.0, 50.0)]);
        assert_eq!(d[1], (300.0, 50.0), "a lone mark stays put");
        assert_eq!(d[0], (100.0 - SPREAD, 50.0));
        assert_eq!(d[2], (100.0, 50.0));
        assert_eq!(d[3], (100.0 + SPREAD, 50.0));
    }

    #[test]
    fn releases_are_told_apart_by_shape_and_class() {
        let shapes: Vec<Shape> = RocketMqVersion::ALL.iter().map(|v| Shape::of(Some(*v))).collect();
        assert_eq!(shapes, vec![Shape::Diamond, Shape::Circle, Shape::Square]);
        assert_eq!(Shape::of(None), Shape::Circle, "a grid without a version axis keeps its round marks");
        assert_eq!(version_class(RocketMqVersion::V5_3_3), "ver-5-3-3");
        for s in [Shape::Circle, Shape::Square, Shape::Diamond] {
            let d = s.path(100.0, 50.0, 10.0);
            assert!(d.starts_with('M') && d.ends_with('Z'), "{d}");
        }
        assert_eq!(Shape::Square.path(100.0, 50.0, 10.0), "M91.0,41.0 H109.0 V59.0 H91.0 Z");
    }

    #[test]
    fn a_marks_tooltip_names_its_release() {
        let mut m = mark(3, 1.0, 2.0, 3.0);
        assert!(mark_title(Lang::En, &m, false).starts_with("#3 m3:"));
        m.version = Some(RocketMqVersion::V5_3_3);
        assert!(mark_title(Lang::En, &m, false).starts_with("#3 RocketMQ 5.3.3 · m3:"), "{}", mark_title(Lang::En, &m, false));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(2.50), "2.5");
        assert_eq!(fmt_num(12.34), "12.3");
        assert_eq!(fmt_num(1234.4), "1234");
        assert_eq!(fmt_num(0.0126), "0.013");
    }
}
