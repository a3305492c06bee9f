// End to end: the RocketMQ version switch in the lab (issue 19). The version selector re-runs the
// scenario under another release, keeping the user's edits, and a key the release lacks is the
// core's error in the page; the header, the picture and the replication link name the version;
// "the same on 5.3.3" lanes put the upgrade question side by side; a 5.3.3 share link gives the
// same digest natively (`losslab run FILE --json`) and in a fresh browser context; the settings
// sweep takes the release as a grid axis. Every wait is
// for a condition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { startLab, stopLab, openApp, expectAttr, expectText, expectCount, eventually, seekTo, seekToEnd, copyShareLink, digestInFreshContext } from './helpers.mjs';
import { losslab, tempFile } from './cli.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const preset = id => readFileSync(new URL(`../../sim/presets/${id}.toml`, import.meta.url), 'utf8');
/** A preset's scenario file under another release (its own `version` line replaced). */
const onVersion = (toml, v) => `version = "${v}"\n` + toml.replace(/^version\s*=.*$/m, '');
const readLink = hash => JSON.parse(inflateSync(Buffer.from(decodeURIComponent(hash).replace(/^#run=v1\./, ''), 'base64url')).toString());
const nativeReport = toml => JSON.parse(losslab('run', tempFile('scenario.toml', toml), '--json'));
const select = (page, v) => page.selectOption('[data-testid=version-select]', v);

test('version selector: 5.3.3 re-runs the scenario, the picture says so, a key 4.9.8 lacks is named and kept', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=sync-master-disk-lost&lang=en`);
  await expectText(page, '[data-testid=tagline]', 'RocketMQ 4.9.8 message-loss lab');
  await expectText(page, '[data-testid=replication-wait]', /SYNC_MASTER: waits for the slave, up to slaveTimeout 3 s/);
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '4.9.8');
  const digest498 = await page.getAttribute('[data-testid=share]', 'data-digest');
  // The selector sits in the presets' panel, under its heading and before the first group; the
  // presets of other releases come first and say their release.
  await expectCount(page, 'section.presets > [data-testid=version-picker]', 1);
  assert.ok(await page.evaluate(() => {
    const picker = document.querySelector('[data-testid=version-picker]');
    const first = document.querySelector('section.presets details');
    return !!(picker.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING);
  }), 'the selector comes before the presets');
  await expectText(page, 'section.presets details >> nth=0 >> [data-preset=v5-sync-master-upgrade-trap] .p-version', /^RocketMQ 5\.3\.3$/);
  await expectCount(page, '[data-preset=sync-master-disk-lost] .p-version', 0);
  assert.equal(await page.getAttribute('#rmq-version', 'aria-describedby'), 'rmq-version-help');
  assert.equal(await page.locator('label[for=rmq-version]').textContent(), 'RocketMQ version');

  await select(page, '5.3.3');
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await expectText(page, '[data-testid=tagline]', 'RocketMQ 5.3.3 message-loss lab');
  await expectAttr(page, 'svg.pipeline [data-testid=master-version]', 'data-version', '5.3.3');
  await expectText(page, 'svg.pipeline [data-testid=master-version] text', /^5\.3\.3$/);
  await expectText(page, 'svg.pipeline [data-testid=master-version] title', /^RocketMQ 5\.3\.3$/);
  assert.match(await page.getAttribute('svg.pipeline', 'aria-label'), /\(RocketMQ 5\.3\.3\)$/);
  await expectText(page, '[data-testid=replication-wait] title', /inSyncReplicas = 1: waits for 1 replica: itself/);
  // The same scenario otherwise: the 5.3.3 run's digest is the native runner's for that file.
  const digest533 = await eventually(async () => {
    const d = await page.getAttribute('[data-testid=share]', 'data-digest');
    assert.notEqual(d, digest498, 'a new run');
    return d;
  });
  assert.equal(nativeReport(onVersion(preset('sync-master-disk-lost'), '5.3.3')).eventLogDigest, digest533, '5.3.3: browser = native');

  // The 5.x keys are fields now; inSyncReplicas = 2 makes the master wait for the slave again.
  await page.fill('#cfg-broker-totalReplicas', '2');
  await page.fill('#cfg-broker-inSyncReplicas', '2');
  await page.click('[data-testid=apply]');
  await expectText(page, '[data-testid=replication-wait]', /inSyncReplicas = 2: waits for the slave, up to slaveTimeout 3 s/);

  // Back to 4.9.8: it has no totalReplicas/inSyncReplicas, so the run stays 5.3.3 and the core's
  // error names the key and the release; what the user entered is still in the text.
  await select(page, '4.9.8');
  await expectText(page, '[data-testid=version-error]', /Still running 5\.3\.3, not switched to 4\.9\.8: broker\.totalReplicas \(line \d+\): RocketMQ 4\.9\.8 has no `totalReplicas`/);
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await expectText(page, '[data-testid=tagline]', 'RocketMQ 5.3.3 message-loss lab');
  await eventually(async () => {
    const text = await page.inputValue('#cfg-toml');
    assert.match(text, /^version = "4\.9\.8"$/m);
    assert.match(text, /^inSyncReplicas = 2$/m, 'the edit is kept');
  });
  await eventually(async () => assert.ok(await page.isDisabled('[data-testid=apply]'), 'Apply waits for a valid scenario'));
  // Picking 5.3.3 again runs the user's scenario as it was.
  await select(page, '5.3.3');
  await expectCount(page, '[data-testid=version-error]', 0);
  await expectText(page, '[data-testid=replication-wait]', /inSyncReplicas = 2: waits for the slave/);
  // 4.7.0 from a default 5.3.3 scenario: slaveTimeout does not exist there, syncFlushTimeout bounds the wait.
  await page.click('[data-preset=sync-master-disk-lost]');
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '4.9.8');
  await select(page, '4.7.0');
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '4.7.0');
  await expectText(page, '[data-testid=replication-wait]', /waits for the slave, up to syncFlushTimeout 5 s/);
  await expectCount(page, '#cfg-broker-slaveTimeout', 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('version lanes: the same on 5.3.3 beside 4.9.8, its counts the native run\'s, in the link; a 5.x run offers 4.9.8', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=sync-master-disk-lost&lang=en`);
  await page.click('[data-testid=lane-add][data-knob="SAME_ON_5.3.3"]');
  await expectCount(page, '[data-testid=lane]', 2);
  await expectAttr(page, '[data-testid=lane] >> nth=0', 'data-version', '4.9.8');
  await expectAttr(page, '[data-testid=lane] >> nth=1', 'data-version', '5.3.3');
  await expectText(page, '[data-testid=lane] >> nth=1 >> .lane-change', 'the same on 5.3.3');
  const native = nativeReport(onVersion(preset('sync-master-disk-lost'), '5.3.3')).summary.verdicts;
  await expectAttr(page, '[data-testid=lane] >> nth=1', 'data-lost-after-ack', String(native.LOST_AFTER_ACK), 'lane B = native 5.3.3');
  // One time control scrubs both.
  await seekTo(page, 4000);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=lane]')].every(l => l.dataset.cursorMs === '4000'));
  // The lane travels in the share link.
  const link = await eventually(async () => {
    const hash = new URL(page.url()).hash;
    assert.match(hash, /^#run=v1\./);
    const l = readLink(hash);
    assert.equal(l.v.lanes, 'SAME_ON_5.3.3');
    return l;
  });
  assert.doesNotMatch(link.s, /version/, 'the main run is 4.9.8: the link names no version');
  const again = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await again.goto(page.url());
  await expectCount(again, '[data-testid=lane]', 2);
  await expectAttr(again, '[data-testid=lane] >> nth=1', 'data-version', '5.3.3');
  await again.close();
  // Switch the main run to 5.3.3: a lane of its own release changes nothing and goes; the menu
  // offers the way back, "the same on 4.9.8".
  await select(page, '5.3.3');
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await expectCount(page, '[data-testid=lane]', 0);
  await expectCount(page, '[data-testid=lane-add][data-knob="SAME_ON_5.3.3"]', 0);
  await page.click('[data-testid=lane-add][data-knob="SAME_ON_4.9.8"]');
  await expectCount(page, '[data-testid=lane]', 2);
  await expectAttr(page, '[data-testid=lane] >> nth=1', 'data-version', '4.9.8');
  await expectText(page, '[data-testid=lane] >> nth=1 >> .lane-change', 'the same on 4.9.8');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 5.3.3 share link: the same digest natively and in a fresh browser context', { timeout: 180000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?preset=sync-master-disk-lost&version=5.3.3&lang=en`);
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await expectText(page, '[data-testid=tagline]', 'RocketMQ 5.3.3 message-loss lab');
  const digest = await page.getAttribute('[data-testid=share]', 'data-digest');
  const url = await copyShareLink(page);
  const link = readLink(new URL(url).hash);
  assert.match(link.s, /^version = "5\.3\.3"$/m, 'the link carries the version');
  // Natively: the link's scenario file, run by the command-line runner.
  assert.equal(nativeReport(link.s).eventLogDigest, digest, 'native digest = browser digest');
  assert.equal(nativeReport(link.s).version, '5.3.3');
  await digestInFreshContext(browser, url, digest, {
    more: async (fresh) => {
      await expectAttr(fresh, '[data-testid=version-picker]', 'data-running', '5.3.3');
      await expectText(fresh, '[data-testid=tagline]', 'RocketMQ 5.3.3 message-loss lab');
      await expectCount(fresh, '[data-testid=link-banner]', 0);
    },
  });
  // An embed carries it too: ?embed=1&version=5.3.3 draws the 5.3.3 picture.
  const embed = await browser.newPage({ viewport: { width: 700, height: 800 } });
  await embed.goto(`${server.url}?embed=1&preset=sync-master-disk-lost&version=5.3.3&lang=en&hide=log,config`);
  await embed.waitForSelector('svg.pipeline');
  await expectText(embed, 'svg.pipeline [data-testid=master-version] text', /^5\.3\.3$/);
  await expectText(embed, '[data-testid=summary] .digest', new RegExp(digest.slice(0, 12)));
  await embed.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the upgrade trap ("Done when"): 5.3.3 picked, the preset loaded, acked messages lost that 4.9.8 keeps, the cause and the what-if name inSyncReplicas; the 4.9.8 lane keeps them', { timeout: 180000 }, async () => {
  // As the user does it: the lab opens on 4.9.8, they pick 5.3.3 beside the presets, then load the upgrade trap.
  const { page, errors } = await openApp(browser, `${server.url}?lang=en`);
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '4.9.8');
  await select(page, '5.3.3');
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await page.click('[data-preset=v5-sync-master-upgrade-trap]');
  await expectText(page, '[data-testid=scenario-name]', /SYNC_MASTER at defaults no longer waits/);
  await expectAttr(page, '[data-testid=version-picker]', 'data-running', '5.3.3');
  await expectText(page, '[data-testid=replication-wait]', /waits for 1 replica: itself/);
  const trap = preset('v5-sync-master-upgrade-trap');
  const lost = nativeReport(trap).summary.verdicts.LOST_AFTER_ACK;
  const lost498 = nativeReport(onVersion(trap, '4.9.8')).summary.verdicts.LOST_AFTER_ACK;
  assert.ok(lost > 0 && lost498 === 0, `5.3.3 loses ${lost}, 4.9.8 ${lost498}`);
  await seekToEnd(page);
  await page.locator('[data-testid=lost-list] .msg-chip').first().click();
  await expectText(page, '[data-testid=inspector] [data-testid=explain]', /inSyncReplicas = 1/);
  await page.waitForSelector('[data-testid=whatif] [data-testid=whatif-row][data-knob=IN_SYNC_REPLICAS_2]');
  await expectAttr(page, '[data-testid=whatif-row][data-knob=IN_SYNC_REPLICAS_2]', 'data-saved', 'true');
  await expectText(page, '[data-testid=whatif-headline]', /inSyncReplicas = 2, totalReplicas = 2/);
  // The upgrade question side by side: the same run on 4.9.8 keeps every acknowledged message.
  await page.click('[data-testid=lane-add][data-knob="SAME_ON_4.9.8"]');
  await expectCount(page, '[data-testid=lane]', 2);
  await expectAttr(page, '[data-testid=lane] >> nth=0', 'data-lost-after-ack', String(lost));
  await expectAttr(page, '[data-testid=lane] >> nth=1', 'data-lost-after-ack', '0');
  await expectText(page, '[data-testid=lane-diff]', new RegExp(`lane B lost ${lost} fewer acknowledged messages`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the settings sweep compares releases: a version axis in the form and link, a shape and colour per release in the chart, key and table; the CLI\'s numbers', { timeout: 300000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}?lang=en#sweep=1&version=4.9.8,5.3.3&flush=ASYNC_FLUSH&role=SYNC_MASTER&mode=SYNC&fault=DISK_LOST&seeds=2&messages=300&interval=2ms`);
  await page.waitForSelector('[data-testid=sweep]:not([hidden])');
  const box = v => page.locator(`[data-testid=sweep-versions] label:has(code:text-is("${v}")) input`);
  await eventually(async () => {
    assert.equal(await box('4.9.8').isChecked(), true);
    assert.equal(await box('5.3.3').isChecked(), true);
    assert.equal(await box('4.7.0').isChecked(), false);
  });
  await expectText(page, '[data-testid=sweep-grid-toml]', /^version = \["4\.9\.8", "5\.3\.3"\]$/m);
  await page.click('[data-testid=sweep-run]');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('[data-testid=sweep-progress]')?.dataset.phase),
    null, { timeout: 120000, polling: 100 });
  await expectAttr(page, '[data-testid=sweep-progress]', 'data-phase', 'done');
  // One mark per release, each its own shape, named in the tooltip; the key and the table name them.
  await expectCount(page, '[data-testid=sweep-mark]', 2);
  await expectAttr(page, '[data-testid=sweep-mark] >> nth=0', 'data-version', '4.9.8');
  await expectAttr(page, '[data-testid=sweep-mark] >> nth=0', 'data-shape', 'circle');
  await expectAttr(page, '[data-testid=sweep-mark] >> nth=1', 'data-version', '5.3.3');
  await expectAttr(page, '[data-testid=sweep-mark] >> nth=1', 'data-shape', 'square');
  await expectText(page, '[data-testid=sweep-mark][data-version="5.3.3"] title', /^#2 RocketMQ 5\.3\.3 · ASYNC_FLUSH \+ SYNC_MASTER \+ SYNC:/);
  assert.ok(await page.locator('[data-testid=sweep-mark][data-version="5.3.3"].ver-5-3-3 path.dot').count() === 1, 'a coloured square');
  await expectCount(page, '[data-testid=sweep-key-version]', 2);
  await expectText(page, '[data-testid=sweep-key-version][data-version="5.3.3"]', /RocketMQ 5\.3\.3/);
  await expectText(page, '[data-testid=sweep-row][data-version="5.3.3"] td.ver', /5\.3\.3/);
  // The upgrade trap in the sweep: the book's settings lose acknowledged messages on 5.3.3 only.
  const href = await page.getAttribute('[data-testid=sweep-json]', 'href');
  const json = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  const report = JSON.parse(json);
  const lost = v => report.cells.find(c => c.version === v).lostAfterAck;
  assert.equal(lost('4.9.8'), 0);
  assert.ok(lost('5.3.3') > 0, `5.3.3 lost ${lost('5.3.3')}`);
  const csv = decodeURIComponent((await page.getAttribute('[data-testid=sweep-csv]', 'href')).split(',').slice(1).join(','));
  assert.match(csv.split('\n')[0], /,version$/);
  assert.match(csv.split('\n')[2], /,5\.3\.3$/);
  // The grid the page shows, in a terminal: the same report.
  const toml = await page.textContent('[data-testid=sweep-grid-toml]');
  assert.equal(losslab('sweep', tempFile('grid.toml', toml), '--json'), json, 'losslab sweep --json prints the same report');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Where the master's title and version badge are drawn, against its box (SVG user units). */
const masterTitleLine = page => page.evaluate(() => {
  const svg = document.querySelector('svg.pipeline');
  const box = svg?.querySelector('.st-master > rect')?.getBBox();
  const title = svg?.querySelector('.st-master .st-title')?.getBBox();
  const badge = svg?.querySelector('[data-testid=master-version] rect')?.getBBox();
  const text = svg?.querySelector('[data-testid=master-version] text');
  if (!box || !title || !badge || !text) return null;
  const t = text.getBBox();
  return { box: [box.x, box.x + box.width], title: [title.x, title.x + title.width], badge: [badge.x, badge.x + badge.width],
           text: [t.x, t.x + t.width], shown: text.textContent, orientation: svg.closest('[data-orientation]')?.dataset.orientation };
});

test('the master\'s version fits its title line: a 690 px embed of the upgrade trap (hide=log,config) and a 375 px phone', { timeout: 180000 }, async () => {
  for (const [width, url] of [
    [690, `${server.url}?embed=1&preset=v5-sync-master-upgrade-trap&lang=en&hide=log,config`],
    [690, `${server.url}?embed=1&preset=v5-sync-master-upgrade-trap&lang=zh&hide=log,config`],
    [375, `${server.url}?preset=v5-sync-master-upgrade-trap&lang=en`],
  ]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('svg.pipeline [data-testid=master-version]'), null, { timeout: 60000 });
    const m = await eventually(async () => {
      const m = await masterTitleLine(page);
      assert.ok(m && m.title[1] > m.title[0], 'the title is drawn');
      return m;
    });
    const what = `${width} px ${url.includes('zh') ? 'zh' : 'en'} (${m.orientation})`;
    assert.equal(m.shown, '5.3.3', `${what}: the badge names the release`);
    assert.ok(m.title[1] + 4 <= m.badge[0], `${what}: the title ends at ${m.title[1]}, before the badge at ${m.badge[0]}`);
    assert.ok(m.badge[1] <= m.box[1], `${what}: the badge (to ${m.badge[1]}) is inside the master's box (to ${m.box[1]})`);
    assert.ok(m.text[0] >= m.badge[0] && m.text[1] <= m.badge[1], `${what}: "5.3.3" (${m.text}) inside its badge (${m.badge})`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
