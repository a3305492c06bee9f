// Shared helpers for the end-to-end tests: a static server for dist/ (unless BASE_URL is given),
// a headless Chromium from Debian (never a downloaded browser) that watches every page it opens,
// and wait helpers.
//
// Rules of these tests (a flaky test keeps everyone's work from landing):
// - Never sample the page right after an action. After a click, a fill or a key press, wait for
//   the condition you mean: `expectText`, `expectValue`, `expectCount`, `expectAttr`,
//   `expectUrl`, or `eventually(async () => { …assertions… })` for anything else. Each polls
//   until the assertion holds and fails with the last assertion error after WAIT_MS.
// - Use `seekTo`, `pause`, `playUntil`, `clickStep` instead of raw clicks on the time controls:
//   they wait until the app has taken the action.
// - Every browser from `launch`/`startLab` records requests that leave the page's own origin and
//   Content-Security-Policy violations on every page; `stopLab` fails the file if there were any.
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

export const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;
/** How long a wait helper polls before it fails (generous: the suite runs on a loaded 2-core machine). */
export const WAIT_MS = Number(process.env.E2E_WAIT_MS || 20000);

const sleep = ms => new Promise(r => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForServer(url, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`server at ${url} did not come up`);
}

/** Serves dist/ on a free port when BASE_URL is not set; returns { url, stop }. */
export async function serveDist() {
  if (process.env.BASE_URL) return { url: process.env.BASE_URL, stop: () => {} };
  const port = await freePort();
  const dist = new URL('../../dist', import.meta.url).pathname;
  // Like a static host: with Access-Control-Allow-Origin: * (sandboxed iframes need it).
  const script = new URL('../../scripts/serve-dist.py', import.meta.url).pathname;
  const child = spawn('python3', [script, String(port), dist], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  await waitForServer(url);
  return { url, stop: () => child.kill() };
}

// ---------------------------------------------------------------------------------------------
// The watch: no request beyond the page's own files, no CSP violation, on every page.

/** Whether `url` is one of the lab's own files (or an inline data/blob URL). */
function isOwn(url, origin) {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    const u = new URL(url);
    if (origin) return u.origin === new URL(origin).origin;
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost';
  } catch {
    return false;
  }
}

function watchContext(watch, ctx) {
  if (watch.contexts.has(ctx)) return;
  watch.contexts.add(ctx);
  ctx.on('request', r => { if (!isOwn(r.url(), watch.origin)) watch.foreign.push(r.url()); });
  ctx.on('page', p => watchPage(watch, p));
  for (const p of ctx.pages()) watchPage(watch, p);
}

function watchPage(watch, page) {
  if (watch.pages.has(page)) return;
  watch.pages.add(page);
  page.on('console', m => {
    if (!/Content Security Policy|Refused to (execute|load|apply|connect|evaluate|compile|create)/i.test(m.text())) return;
    (watch.expectViolations.has(page) ? watch.expectedCsp : watch.csp).push(`${page.url()}: ${m.text()}`);
  });
}

/** A headless Debian Chromium whose every page is watched (see `stopLab`). */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const watch = { origin: null, foreign: [], csp: [], expectedCsp: [], contexts: new WeakSet(), pages: new WeakSet(), expectViolations: new WeakSet() };
  browser.__watch = watch;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => { const ctx = await newContext(...args); watchContext(watch, ctx); return ctx; };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args) => { const p = await newPage(...args); watchContext(watch, p.context()); watchPage(watch, p); return p; };
  return browser;
}

/** For a test that provokes CSP refusals on purpose: those of `page` go to
 *  `browser.__watch.expectedCsp` instead of failing the file. */
export function expectCspViolations(browser, page) {
  browser.__watch?.expectViolations.add(page);
}

/** Fails if any watched page requested a foreign URL or broke the CSP so far. */
export function assertPagesClean(browser) {
  const w = browser?.__watch;
  if (!w) return;
  assert.deepEqual(w.foreign, [], 'no page may request anything beyond its own files');
  assert.deepEqual(w.csp, [], 'no page may break its Content-Security-Policy');
}

// ---------------------------------------------------------------------------------------------
// Waiting: poll a condition with a deadline, never sample once.

/**
 * Runs `check` until it returns without throwing (assertions inside are retried), and returns its
 * result. After `timeout` ms the last error is thrown, prefixed with `message`.
 */
export async function eventually(check, { timeout = WAIT_MS, interval = 50, message } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= until) {
        if (message && e instanceof Error) e.message = `${message} (waited ${timeout} ms): ${e.message}`;
        throw e;
      }
    }
    await sleep(interval);
  }
}

const loc = (scope, selector) => (typeof selector === 'string' ? scope.locator(selector).first() : selector);

/** Waits until the text of `selector` (in a page, frame locator or locator) matches `re` (or equals a string). */
export function expectText(scope, selector, re, message = String(selector)) {
  return eventually(async () => {
    const text = (await loc(scope, selector).textContent({ timeout: 1000 })) ?? '';
    if (re instanceof RegExp) assert.match(text, re, message); else assert.equal(text, re, message);
    return text;
  }, { message });
}

/** Waits until the text of `selector` differs from `before`. */
export function expectTextChange(scope, selector, before, message = `${selector} changes`) {
  return eventually(async () => {
    const text = (await loc(scope, selector).textContent({ timeout: 1000 })) ?? '';
    assert.notEqual(text, before, message);
    return text;
  }, { message });
}

/** Waits until the input value of `selector` equals `value`. */
export function expectValue(scope, selector, value, message = String(selector)) {
  return eventually(async () => {
    const v = await loc(scope, selector).inputValue({ timeout: 1000 });
    assert.equal(v, String(value), message);
    return v;
  }, { message });
}

/** Waits until the number of `selector` matches satisfies `want` (a number, or a predicate). */
export function expectCount(scope, selector, want, message = String(selector)) {
  return eventually(async () => {
    const n = await scope.locator(selector).count();
    if (typeof want === 'function') assert.ok(want(n), `${message}: count ${n}`); else assert.equal(n, want, message);
    return n;
  }, { message });
}

/** Waits until attribute `name` of `selector` matches `want` (a string, a RegExp, or null for absent). */
export function expectAttr(scope, selector, name, want, message = `${selector}[${name}]`) {
  return eventually(async () => {
    const v = await loc(scope, selector).getAttribute(name, { timeout: 1000 });
    if (want instanceof RegExp) assert.match(v ?? '', want, message); else assert.equal(v, want, message);
    return v;
  }, { message });
}

/** Waits until the page's address (including replaceState updates) matches `re`. */
export function expectUrl(page, re, message = 'the page URL') {
  return eventually(async () => {
    const href = await page.evaluate(() => location.href);
    assert.match(href, re, message);
    return href;
  }, { message });
}

/** Presses "Copy link" and waits for the share field to hold a run link; returns the link. */
export async function copyShareLink(page) {
  await page.click('[data-testid=copy-link]');
  return eventually(async () => {
    const l = await page.inputValue('[data-testid=share-link]');
    assert.match(l, /#run=v1\./);
    return l;
  }, { message: 'a run link in the share field' });
}

/** Opens `link` in a fresh browser context (no storage shared with the page that made it),
 * waits for `ready`, checks its run's digest is `digest`, runs `more(fresh)` for the caller's
 * own checks, and closes the context. Errors the fresh page throws fail the check. */
export async function digestInFreshContext(browser, link, digest, { ready = 'svg.pipeline', viewport = { width: 1200, height: 800 }, more } = {}) {
  const ctx = await browser.newContext({ viewport });
  try {
    const fresh = await ctx.newPage();
    const errors = [];
    fresh.on('pageerror', (e) => errors.push(String(e)));
    await fresh.goto(link);
    await fresh.waitForSelector(ready);
    await expectAttr(fresh, '[data-testid=share]', 'data-digest', digest, 'the same run in a fresh context');
    if (more) await more(fresh);
    assert.deepEqual(errors, [], 'the fresh page threw no errors');
  } finally {
    await ctx.close();
  }
}

/** Opens the app and records every request that leaves the page's own origin, and page errors. */
export async function openApp(browser, url, viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const foreign = [];
  const errors = [];
  page.on('request', r => { if (!isOwn(r.url(), url)) foreign.push(r.url()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('svg.pipeline');
  return { page, foreign, errors };
}

// ---------------------------------------------------------------------------------------------
// The time controls, each waiting until the app has taken the action.

/** The playhead in ms as the app holds it (the scrub bar's `data-cursor`, else its value). */
export async function cursorMs(scope) {
  const scrub = loc(scope, '[data-testid=scrub]');
  const v = await scrub.getAttribute('data-cursor');
  return Number(v ?? await scrub.inputValue());
}

/** Seeks through the scrub bar and waits until the app's playhead is there. */
export async function seekTo(scope, ms) {
  await loc(scope, '[data-testid=scrub]').fill(String(ms));
  await eventually(async () => {
    const max = Number(await loc(scope, '[data-testid=scrub]').getAttribute('max'));
    assert.equal(await cursorMs(scope), Math.min(Number(ms), max), `the playhead reaches ${ms} ms`);
  }, { message: `seek to ${ms}` });
}

/** Seeks to the end of the run through the scrub bar. */
export async function seekToEnd(scope) {
  const max = await loc(scope, '[data-testid=scrub]').getAttribute('max');
  await seekTo(scope, max);
}

/** Sets the playback speed and waits until the app shows it. */
export async function setSpeed(scope, speed) {
  await loc(scope, '[data-testid=speed]').selectOption(String(speed));
  await expectValue(scope, '[data-testid=speed]', String(speed));
}

async function playing(scope) {
  return (await loc(scope, '[data-testid=play]').getAttribute('data-playing')) === 'true';
}

/** Waits until the playhead holds still (paused, or at the end). */
export async function waitForStill(scope) {
  let last = -1;
  await eventually(async () => {
    const now = await cursorMs(scope);
    const same = now === last;
    last = now;
    assert.ok(same, 'the playhead holds still');
  }, { interval: 120, message: 'the playhead stops' });
}

/** Starts playback and waits until it runs. */
export async function play(scope) {
  if (!(await playing(scope))) await loc(scope, '[data-testid=play]').click();
  await expectAttr(scope, '[data-testid=play]', 'data-playing', 'true', 'playing');
}

/** Pauses playback and waits until the playhead holds still. */
export async function pause(scope) {
  if (await playing(scope)) await loc(scope, '[data-testid=play]').click();
  await expectAttr(scope, '[data-testid=play]', 'data-playing', 'false', 'paused');
  await waitForStill(scope);
}

/** Plays until the playhead passes `ms`, then pauses (polls; no wall-clock assertion). */
export async function playUntil(page, ms) {
  await setSpeed(page, 1);
  await play(page);
  await page.waitForFunction(target => Number(document.querySelector('[data-testid=scrub]').value) >= target, ms, { timeout: 60000, polling: 50 });
  await pause(page);
}

/** Clicks Step (or another control) `n` times, each time waiting until the clock moves. */
export async function clickStep(scope, n = 1, selector = '[data-testid=step]') {
  for (let i = 0; i < n; i++) {
    const before = await loc(scope, '[data-testid=clock]').textContent();
    const at = await cursorMs(scope);
    await loc(scope, selector).click();
    await eventually(async () => {
      const moved = (await loc(scope, '[data-testid=clock]').textContent()) !== before || (await cursorMs(scope)) !== at;
      assert.ok(moved, 'the step moved the playhead');
    }, { message: `step ${i + 1} of ${n}` });
  }
}

/** The "so far" and "at the end" counts of one verdict or status row of the summary. */
export async function rowCount(page, table, verdict) {
  const row = page.locator(`[data-testid=summary] table.counts tr:has(code:text-is("${verdict}"))`);
  const cells = await row.locator('td').allInnerTexts();
  return { soFar: Number(cells[0]), atEnd: Number(cells[1]) };
}

/** Two animation frames: lets layout settle before a screenshot (not a substitute for a wait). */
export async function settle(page) {
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// ---------------------------------------------------------------------------------------------

/** The shared fixture of the page tests: `dist/` served locally and one watched Chromium, plus
 *  the artifacts folder for screenshots. Pair with `stopLab`, which fails on foreign requests
 *  or CSP violations seen on any page. */
export async function startLab() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serveDist();
  const browser = await launch();
  browser.__watch.origin = server.url;
  return { server, browser };
}

export async function stopLab(lab) {
  const w = lab?.browser?.__watch;
  await lab?.browser?.close();
  lab?.server?.stop();
  if (w) {
    assert.deepEqual(w.foreign, [], 'no page requested anything beyond its own files');
    assert.deepEqual(w.csp, [], 'no page broke its Content-Security-Policy');
  }
}

/** Runs axe-core in `page` (loaded through DevTools, so the page's CSP stays as it is) and
 *  returns its violations, logging each. */
export async function runAxe(page, label = '') {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const src = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(src);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of result.violations) console.log(`axe ${label} ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
  return result.violations;
}

/** The violations axe calls serious or critical, by id. */
export function seriousIds(violations) {
  return violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => v.id);
}
