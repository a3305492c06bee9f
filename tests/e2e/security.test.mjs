// End to end: the page as an attack surface. The built pages carry a Content-Security-Policy
// with no inline script and the app works under it; text from a link or the module's options is
// shown as text (markup and script in it never run); host.js takes height messages only from its
// iframes, in the protocol's shape; a panic in the wasm shows a readable error panel. The
// helpers' watch (startLab/stopLab) also fails this file on any foreign request or CSP refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, openApp, eventually, expectText, expectValue, expectCount, expectAttr, settle, expectCspViolations } from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

/** Markup and script payloads; each would set window.__pwned (or open a dialog) if it ran. */
const PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '"><svg onload="window.__pwned = 3">',
  "javascript:window.__pwned = 4",
  '<iframe src="javascript:parent.__pwned = 5"></iframe>',
  "';window.__pwned = 6;//",
];

/** A page that records whether anything injected ran. */
async function trapPage(viewport = { width: 1200, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const dialogs = [];
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
  await page.addInitScript(() => { window.__pwned = 0; });
  return { page, dialogs };
}

/** Nothing injected ran and no element carries an inline handler or an inline script. */
async function assertNothingRan(page, dialogs, what) {
  assert.equal(await page.evaluate(() => window.__pwned), 0, `${what}: an injected script ran`);
  assert.deepEqual(dialogs, [], `${what}: a dialog opened`);
  const handlers = await page.evaluate(() => [...document.querySelectorAll('*')].filter(el =>
    [...el.attributes].some(a => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) ||
    (el.tagName === 'SCRIPT' && !el.src)).map(el => el.outerHTML.slice(0, 120)));
  assert.deepEqual(handlers, [], `${what}: markup from the input became elements`);
}

test('the pages carry a strict Content-Security-Policy and no inline script', async () => {
  for (const path of ['', 'embed/example.html']) {
    const html = await (await fetch(new URL(path, server.url))).text();
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    assert.ok(csp, `${path || 'index.html'} has a CSP meta`);
    const directives = Object.fromEntries(csp.split(';').map(d => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'self'"], path);
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], `${path}: scripts from 'self' and wasm compilation only`);
    assert.deepEqual(directives['object-src'], ["'none'"], path);
    assert.deepEqual(directives['base-uri'], ["'none'"], path);
    for (const [k, v] of Object.entries(directives)) {
      assert.ok(!v.includes('*') && !v.some(s => /^(https?:|data:|blob:)$/.test(s) && k !== 'img-src'), `${path}: ${k} ${v.join(' ')} is wide open`);
    }
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)].map(m => m[0]);
    assert.deepEqual(inline, [], `${path || 'index.html'}: no inline script`);
  }
});

test('the app runs under its policy (the loader is a file, the wasm compiles)', { timeout: 60000 }, async () => {
  const { page, errors } = await openApp(browser, server.url + '?preset=defaults');
  await expectCount(page, 'meta[http-equiv="Content-Security-Policy"]', 1);
  await expectCount(page, 'script[src$="loader.js"]', 1, 'Trunk\'s loader is an external file');
  await page.click('[data-testid=step]');
  await expectText(page, '[data-testid=clock]', /[1-9]/, 'the wasm runs: stepping moves the clock');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the policy is enforced, and the watch sees a refusal', { timeout: 60000 }, async () => {
  const { page } = await openApp(browser, server.url + '?preset=defaults');
  expectCspViolations(browser, page);
  const ran = await page.evaluate(() => new Promise(resolve => {
    window.__inline = 0;
    document.addEventListener('securitypolicyviolation', e => resolve(`refused: ${e.violatedDirective}`), { once: true });
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
    setTimeout(() => resolve(`ran: ${window.__inline}`), 2000);
  }));
  assert.match(ran, /^refused: script-src/, 'an inline script is refused');
  await eventually(async () => assert.ok(browser.__watch.expectedCsp.some(m => /Content Security Policy/.test(m)), 'the watch saw the refusal'));
  await page.close();
});

test('links carrying markup and script: shown as text or refused, never run', { timeout: 180000 }, async () => {
  for (const payload of PAYLOADS) {
    const enc = encodeURIComponent(payload);
    const cases = [
      [`?embed=1&caption=${enc}`, 'caption'],
      [`?preset=${enc}`, 'preset'],
      [`?embed=1&id=${enc}&hide=${enc}&lang=${enc}&lock=${enc}`, 'embed parameters'],
      [`#run=${enc}`, 'run fragment'],
      [`?preset=defaults#run=v1.${enc}`, 'run body'],
    ];
    for (const [query, what] of cases) {
      const { page, dialogs } = await trapPage();
      await page.goto(server.url + query);
      await page.waitForSelector('svg.pipeline');
      if (what === 'caption') {
        // The user's text is kept, character for character, as text.
        await expectText(page, '[data-testid=caption]', payload.trim(), `${payload}: caption as text`);
      }
      if (what === 'preset') {
        const banner = await expectText(page, '[data-testid=link-banner]', /no preset/, `${payload}: a banner names the unknown preset`);
        assert.ok(!banner.includes('undefined'), banner);
      }
      if (what.startsWith('run')) await expectText(page, '[data-testid=link-banner]', /could not be opened/, `${payload}: ${what} refused`);
      await settle(page);
      await assertNothingRan(page, dialogs, `${what} ${payload}`);
      await page.close();
    }
  }
});

test('a scenario typed with markup in its name is shown as text; a broken one keeps the text', { timeout: 90000 }, async () => {
  const { page, dialogs } = await trapPage();
  await page.goto(server.url + '?preset=defaults');
  await page.waitForSelector('svg.pipeline');
  const name = '<img src=x onerror="window.__pwned = 7"> & <b>bold</b>';
  const toml = `name = ${JSON.stringify(name)}\n[producer]\nmessages = 5\n`;
  await page.fill('#cfg-toml', toml);
  await page.click('[data-testid=apply]');
  await expectText(page, '[data-testid=scenario-name]', new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the name as text');
  await assertNothingRan(page, dialogs, 'scenario name');
  const broken = `name = "x"\n[producer]\nmessages = "<script>window.__pwned = 8</script>"\n`;
  await page.fill('#cfg-toml', broken);
  await expectText(page, '.config', /producer\.messages/, 'the error names the field');
  await expectValue(page, '#cfg-toml', broken, 'the typed text is kept');
  await assertNothingRan(page, dialogs, 'broken scenario');
  await page.close();
});

test('module options carrying markup or of the wrong type: the lab mounts, text stays text', { timeout: 90000 }, async () => {
  const { page, dialogs } = await trapPage();
  await page.goto(server.url + 'embed/example.html');
  await page.waitForSelector('#lab-module svg.pipeline', { timeout: 30000 });
  const caption = PAYLOADS.join(' ');
  await page.evaluate(async caption => {
    const { mount } = await import('../losslab.mjs');
    const mk = id => { const el = document.createElement('div'); el.id = id; document.querySelector('main').appendChild(el); return el; };
    await mount(mk('hostile-1'), { caption, preset: '<b>x</b>', lang: '<i>', hide: '<script>', run: 'javascript:alert(1)' });
    await mount(mk('hostile-2'), { caption: 42, preset: { toString() { return 'defaults'; } }, hide: [1, null, {}, 'log'], lock: 'no', embed: 'yes', run: 7 });
  }, caption);
  await page.waitForSelector('#hostile-1 svg.pipeline');
  await page.waitForSelector('#hostile-2 svg.pipeline');
  await expectText(page, '#hostile-1 [data-testid=caption]', caption.slice(0, 200).trim(), 'the caption kept as text (up to 200 characters)');
  await expectText(page, '#hostile-1 [data-testid=link-banner]', /could not be opened|no preset/);
  await expectCount(page, '#hostile-2 .event-log', 0, 'hide: the valid entry of a mixed array applies');
  await assertNothingRan(page, dialogs, 'module options');
  await page.close();
});

test('host.js takes height messages only from its iframes, in the protocol\'s shape', { timeout: 90000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(server.url + 'embed/example.html');
  const frame = page.frame({ url: /embed=1/ }) ?? (await eventually(async () => {
    const f = page.frames().find(f => f.url().includes('embed=1'));
    assert.ok(f, 'the iframe is there');
    return f;
  }));
  await page.frameLocator('#lab-frame').locator('svg.pipeline').waitFor({ timeout: 30000 });
  await expectAttr(page, '#lab-frame', 'data-losslab-height', /^\d+$/, 'the real lab sized its frame');
  // Record every height host.js applies from now on.
  await page.evaluate(() => {
    window.__applied = [];
    // Height and style together: the real lab may resize its frame again right after (it sees
    // the new size), so the style is read in the same callback as the height it belongs to.
    new MutationObserver(() => { const f = document.getElementById('lab-frame'); window.__applied.push(`${f.getAttribute('data-losslab-height')}|${f.style.height}`); })
      .observe(document.getElementById('lab-frame'), { attributes: true, attributeFilter: ['data-losslab-height'] });
  });
  const fromFrame = msg => frame.evaluate(m => window.parent.postMessage(m, '*'), msg);
  // Positive control: the protocol's message from the frame applies.
  // The live lab in the frame may post its own height at any moment, so wait for a height to
  // have been applied (the observer's record), not for it to still be the current one.
  const applied = h => eventually(async () => {
    const seen = await page.evaluate(() => window.__applied);
    assert.ok(seen.some(e => e.startsWith(`${h}|`)), `height ${h} applied: ${seen}`);
  });
  await fromFrame({ type: 'losslab:height', height: 301, id: null });
  await applied(301);
  // Wrong shapes from the frame, then the page's own window forging the frame's id.
  for (const bad of [
    { type: 'losslab:height', height: 302, id: null, extra: 1 },
    { type: 'losslab:height', height: '303', id: null },
    { type: 'losslab:height', height: 304, id: { toString: null } },
    { type: 'losslab:height', height: Infinity, id: null },
    { type: 'losslab:size', height: 305, id: null },
    ['losslab:height', 306],
    'losslab:height 307',
  ]) {
    await fromFrame(bad).catch(() => { /* a value that cannot be cloned is refused by postMessage itself */ });
  }
  await page.evaluate(() => window.postMessage({ type: 'losslab:height', height: 308, id: 'lab-frame' }, '*'));
  // Messages are handled in order: once a later valid one has applied, the bad ones were seen.
  await fromFrame({ type: 'losslab:height', height: 309, id: 'lab-frame' });
  await applied(309);
  const seen = await page.evaluate(() => window.__applied);
  assert.deepEqual(seen.filter(h => Number(h.split('|')[0]) > 301 && Number(h.split('|')[0]) < 309), [], `only valid messages from the frame applied: ${seen}`);
  assert.ok(seen.includes('309|309px'), `the frame was made 309 px tall (plus the page's border): ${seen}`);
  await page.close();
});

test('a panic in the wasm shows a readable error panel with a report to copy', { timeout: 60000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(server.url + '?preset=defaults');
  await page.waitForSelector('svg.pipeline');
  await page.waitForFunction(() => window.wasmBindings && typeof window.wasmBindings.losslab_test_panic === 'function');
  // The test-only hook: a panic with markup in its message (shown as text, too).
  const thrown = await page.evaluate(() => { try { window.wasmBindings.losslab_test_panic('boom <b>in the test</b>'); return null; } catch (e) { return String(e); } });
  assert.ok(thrown, 'the panic aborted the wasm call');
  await page.waitForSelector('[data-testid=panic-panel]');
  await expectText(page, '[data-testid=panic-panel] h2', /internal error/);
  await expectText(page, '[data-testid=panic-panel]', /not in your scenario/);
  const report = await page.inputValue('[data-testid=panic-report]');
  assert.match(report, /^losslab crashed/);
  assert.match(report, /panic: boom <b>in the test<\/b>\n/);
  assert.match(report, /at: src\/panic_panel\.rs:\d+:\d+/);
  assert.match(report, /page: http:\/\/127\.0\.0\.1:\d+\/\?preset=defaults/);
  assert.match(report, /browser: .*Chrom/);
  assert.equal(await page.locator('[data-testid=panic-panel] b').count(), 0, 'the message is text');
  const selected = await page.evaluate(() => { const a = document.querySelector('[data-testid=panic-report]'); return a.value.slice(a.selectionStart, a.selectionEnd); });
  assert.equal(selected, report, 'the report is selected, ready for Ctrl+C');
  await page.screenshot({ path: `${ARTIFACTS}panic-panel-1200.png` });
  await page.close();
});
