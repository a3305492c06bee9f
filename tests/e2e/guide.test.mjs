// End to end: the guide (scripts/docs.sh → target/site) in Chromium. Every chapter, in English and
// Chinese: each embedded lab loads on its preset (its event-log digest is the runner's for that
// preset) and in the chapter's language; iframes take their content's height from the height
// messages; the tables computed by run() equal `losslab run --preset … --json`; no request leaves
// the site. Screenshots of each chapter go to artifacts/guide-*.png.
//
// Run after `bash scripts/docs.sh`: GUIDE_URL=http://127.0.0.1:PORT/ (a server of target/site), or
// unset to serve target/site here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { ARTIFACTS, launch } from './helpers.mjs';
import { readFileSync } from 'node:fs';
import { cliReport, losslab, tempFile } from './cli.mjs';

const SITE = new URL('../../target/site', import.meta.url).pathname;
const CHAPTERS = ['send-ok', 'flush', 'replication', 'crashes', 'retries-dlq', 'recommendation', 'upgrading-5', 'failover-5', 'embedding'];
let url, stop, browser;
const reports = new Map();
const report = (id) => { if (!reports.has(id)) reports.set(id, cliReport(id)); return reports.get(id); };
/** 5.x keys at their defaults, which the lab drops when it runs a scenario under 4.x. */
const DEFAULT_5X = /^(totalReplicas|inSyncReplicas|minInSyncReplicas)\s*=\s*1\s*$|^(enableAutoInSyncReplicas|enableSlaveActingMaster)\s*=\s*false\s*$/gm;
/** A preset run under another release (`data-version`), natively: its file with the version replaced. */
const versionReport = (id, v) => {
  const key = `${id}@${v}`;
  if (!reports.has(key)) {
    let toml = readFileSync(new URL(`../../sim/presets/${id}.toml`, import.meta.url), 'utf8').replace(/^version\s*=.*$/m, '');
    if (!v.startsWith('5.')) toml = toml.replace(DEFAULT_5X, '');
    reports.set(key, JSON.parse(losslab('run', tempFile(`${id}.toml`, `version = "${v}"\n${toml}`), '--json')));
  }
  return reports.get(key);
};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (process.env.GUIDE_URL) {
    url = process.env.GUIDE_URL;
    stop = () => {};
  } else {
    assert.ok(existsSync(`${SITE}/en/index.html`), 'build the guide first: bash scripts/docs.sh');
    const port = await freePort();
    const script = new URL('../../scripts/serve-dist.py', import.meta.url).pathname;
    const child = spawn('python3', [script, String(port), SITE], { stdio: 'ignore' });
    url = `http://127.0.0.1:${port}/`;
    stop = () => child.kill();
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(url)).ok) break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  browser = await launch();
});
after(async () => { await browser?.close(); stop?.(); });

/** The 12 hex digits of the digest a lab's summary shows. */
async function shownDigest(summary) {
  const t = await summary.locator('.digest').textContent();
  return t.match(/([0-9a-f]{12})/)[1];
}

for (const lang of ['en', 'zh']) {
  test(`the ${lang} guide: every chapter's labs and tables`, { timeout: 300000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const foreign = [];
    const errors = [];
    page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(() => {
      window.__heights = [];
      window.addEventListener('message', (e) => { if (e.data?.type === 'losslab:height') window.__heights.push(e.data); });
    });
    const bookLang = lang === 'zh' ? 'zh-CN' : 'en';
    const labLang = lang; // the lab's root carries its own language tag
    let iframes = 0, modules = 0, tables = 0;
    for (const chapter of CHAPTERS) {
      await page.goto(`${url}${lang}/${chapter}.html`);
      assert.equal(await page.getAttribute('html', 'lang'), bookLang, `${chapter}: the book's language`);

      for (const el of await page.locator('iframe.losslab').elementHandles()) {
        iframes++;
        const id = await el.getAttribute('id');
        const src = new URL(await el.getAttribute('src'), page.url());
        assert.equal(src.searchParams.get('lang'), lang);
        await el.scrollIntoViewIfNeeded(); // loading="lazy"
        const frame = page.frameLocator(`#${id}`);
        await frame.locator('svg.pipeline').waitFor({ timeout: 60000 });
        assert.equal(await frame.locator('.app.embed').getAttribute('lang'), labLang, `${chapter} #${id}: language`);
        const preset = src.searchParams.get('preset');
        assert.equal(await shownDigest(frame.locator('[data-testid=summary]')), report(preset).eventLogDigest.slice(0, 12), `${chapter} #${id}: preset ${preset}`);
        // Height protocol: host.js set the frame to the height the lab posted, which is its content's.
        await page.waitForFunction((id) => {
          const f = document.getElementById(id);
          const last = window.__heights.filter((h) => h.id === id).at(-1);
          return last && f.style.height === `${last.height}px`;
        }, id, { timeout: 15000 });
        // The lab first draws for the window's width, then for its own: poll until the frame
        // has followed the last change (with a deadline), then compare.
        let box, inner;
        for (const until = Date.now() + 15000; Date.now() < until; await page.waitForTimeout(100)) {
          box = await el.boundingBox();
          inner = await frame.locator('.app.embed').evaluate((e) => e.scrollHeight);
          if (Math.abs(box.height - inner) <= 4) break;
        }
        assert.ok(Math.abs(box.height - inner) <= 4, `${chapter} #${id}: frame ${box.height}px for ${inner}px of content`);
      }

      for (const el of await page.locator('[data-losslab-preset]').elementHandles()) {
        modules++;
        const preset = await el.getAttribute('data-losslab-preset');
        const version = await el.getAttribute('data-version');
        const want = version ? versionReport(preset, version) : report(preset);
        await el.scrollIntoViewIfNeeded();
        await page.waitForFunction((e) => e.dataset.losslab === 'mounted' && e.shadowRoot?.querySelector('svg.pipeline'), el, { timeout: 60000 });
        // Like the iframes above, a mounted lab first draws for the window's width, then for its own
        // once its ResizeObserver has measured it: wait (with a deadline) for its own arrangement
        // before reading it; the assertions below still fail on a lab that never gets there.
        await page.waitForFunction((e) => {
          const o = e.shadowRoot.querySelector('.embed-stage')?.dataset.orientation;
          return e.closest('.losslab-pair') ? o && o !== 'wide' : o === 'compact';
        }, el, { timeout: 15000 }).catch(() => {});
        const shown = await el.evaluate((e) => ({
          lang: e.shadowRoot.querySelector('.app.embed').getAttribute('lang'),
          digest: e.shadowRoot.querySelector('[data-testid=summary] .digest').textContent.match(/([0-9a-f]{12})/)[1],
          orientation: e.shadowRoot.querySelector('.embed-stage').dataset.orientation,
          // The master's release: a short badge on its title line, the full name its tooltip.
          master: e.shadowRoot.querySelector('svg.pipeline [data-testid=master-version] title').textContent,
          badge: e.shadowRoot.querySelector('svg.pipeline [data-testid=master-version] text').textContent,
          paired: !!e.closest('.losslab-pair'),
          // Controller mode (issue 20): the controller's station and a broker's brokerId.
          controller: !!e.shadowRoot.querySelector('svg.pipeline [data-testid=controller]'),
          masterBroker: e.shadowRoot.querySelector('svg.pipeline [data-testid=broker][data-role=master]')?.dataset.broker ?? null,
        }));
        assert.equal(shown.lang, labLang, `${chapter} module ${preset}: language`);
        assert.equal(shown.digest, want.eventLogDigest.slice(0, 12), `${chapter} module ${preset}${version ? ` on ${version}` : ''}: preset`);
        assert.equal(shown.master, `RocketMQ ${want.version}`, `${chapter} module ${preset}: the picture names ${want.version}: ${shown.master}`);
        assert.equal(shown.badge, want.version, `${chapter} module ${preset}: the badge shows ${want.version}`);
        const controllerMode = preset.startsWith('v5-controller-');
        assert.equal(shown.controller, controllerMode, `${chapter} module ${preset}: a controller station only in controller mode`);
        if (controllerMode) assert.equal(shown.masterBroker, '0', `${chapter} module ${preset}: broker 0 is master before the fault`);
        // Two labs side by side (a .losslab-pair) each get half the column (or all of it, wrapped).
        if (shown.paired) assert.notEqual(shown.orientation, 'wide', `${chapter} module ${preset}: drawn for its half of the column`);
        else assert.equal(shown.orientation, 'compact', `${chapter} module ${preset}: drawn for the docs column`);
      }

      for (const t of await page.locator('table[data-losslab-runs]').elementHandles()) {
        tables++;
        await page.waitForFunction((t) => t.dataset.ready === 'true', t, { timeout: 60000 });
        const rows = await t.evaluate((t) => [...t.tBodies[0].rows].map((tr) => ({
          preset: tr.dataset.preset,
          cells: [...tr.querySelectorAll('td')].map((td) => [td.dataset.key, td.textContent]) })));
        assert.ok(rows.length >= 2, `${chapter}: a table of at least two runs`);
        for (const { preset, cells } of rows) {
          const s = report(preset).summary;
          for (const [key, text] of cells) {
            const want = key.split('.').reduce((o, k) => o[k], s);
            assert.equal(text, String(want), `${chapter}: ${preset} ${key}`);
          }
        }
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${ARTIFACTS}guide-${lang}-${chapter}.png` });
      const lab = page.locator('iframe.losslab, [data-losslab-preset]').first();
      if (await lab.count()) {
        await page.setViewportSize({ width: 1280, height: 2000 });
        await lab.screenshot({ path: `${ARTIFACTS}guide-${lang}-${chapter}-lab.png` });
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    }
    assert.ok(iframes >= 3 && modules >= 3 && tables >= 7, `iframes ${iframes}, modules ${modules}, tables ${tables}`);
    assert.deepEqual(foreign, [], 'no request left the site');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
