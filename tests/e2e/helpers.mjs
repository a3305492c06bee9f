import { mkdirSync } from 'node:fs';
// Shared helpers for the end-to-end tests: a static server for dist/ (unless BASE_URL is given)
// and a headless Chromium from Debian (never a downloaded browser).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

export const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;

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
    await new Promise(r => setTimeout(r, 100));
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

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the app and records every request that leaves the page's own origin. */
export async function openApp(browser, url, viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const foreign = [];
  const errors = [];
  page.on('request', r => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('svg.pipeline');
  return { page, foreign, errors };
}

/** The playhead in ms, read from the scrub bar. */
export async function cursorMs(page) {
  return Number(await page.inputValue('[data-testid=scrub]'));
}

/** Plays until the playhead passes `ms`, then pauses (polls; no wall-clock assertion). */
export async function playUntil(page, ms) {
  await page.selectOption('[data-testid=speed]', '1');
  await page.click('[data-testid=play]');
  await page.waitForFunction(target => Number(document.querySelector('[data-testid=scrub]').value) >= target, ms, { timeout: 60000, polling: 50 });
  await page.click('[data-testid=play]');
}

/** Seeks to the end of the run through the scrub bar. */
export async function seekToEnd(page) {
  const max = await page.getAttribute('[data-testid=scrub]', 'max');
  await page.fill('[data-testid=scrub]', max);
}

export async function rowCount(page, table, verdict) {
  const row = page.locator(`[data-testid=summary] table.counts tr:has(code:text-is("${verdict}"))`);
  const cells = await row.locator('td').allInnerTexts();
  return { soFar: Number(cells[0]), atEnd: Number(cells[1]) };
}

/** The shared fixture of the page tests: `dist/` served locally and one Chromium, plus the
 *  artifacts folder for screenshots. Pair with `stopLab`. */
export async function startLab() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serveDist();
  const browser = await launch();
  return { server, browser };
}

export async function stopLab(lab) {
  await lab?.browser?.close();
  lab?.server?.stop();
}
