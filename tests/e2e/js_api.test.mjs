// End to end: the JavaScript API of losslab.mjs (run, check, presets, events, worker) in Chromium
// gives what the native runner gives — the same objects with the same names and numbers, not
// something similar — and throws Errors that name the field and line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab } from './helpers.mjs';
import { cliReport, losslab, tempFile } from './cli.mjs';

let server, browser, page;
before(async () => {
  ({ server, browser } = await startLab());
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(server.url)) foreign.push(r.url()); });
  page.foreign = foreign;
  await page.goto(server.url + 'embed/table.html');
});
after(() => stopLab({ server, browser }));

/** Calls `losslab.mjs`'s `fn(...args)` in the page; a thrown Error comes back as { error }. */
async function call(fn, ...args) {
  return page.evaluate(async ([fn, args]) => {
    const lab = await import('../losslab.mjs');
    try {
      let v = await lab[fn](...args);
      if (fn === 'events') v = [...v];
      return { value: v };
    } catch (e) {
      return { error: { isError: e instanceof Error, name: e.name, message: e.message, field: e.field, line: e.line } };
    }
  }, [fn, args]);
}

test('run() returns the report of `losslab run --json`, exactly', { timeout: 120000 }, async () => {
  // v5-grpc-poison-message: the gRPC consumer's `consumerClient`, `pop` and per-message `pops` (PopReport in losslab.d.ts).
  for (const [preset, seed] of [['book-recommendation', 9], ['async-flush-power-loss', undefined], ['poison-message-dlq', 3], ['v5-grpc-poison-message', undefined]]) {
    const { value, error } = await call('run', preset, seed === undefined ? {} : { seed });
    assert.equal(error, undefined, JSON.stringify(error));
    assert.deepEqual(value, cliReport(preset, seed), `${preset} seed ${seed}`);
  }
});

test('a scenario object with the TOML\'s names runs like the TOML file', { timeout: 60000 }, async () => {
  const toml = 'name = "obj"\nseed = 4\n[broker]\nflushDiskType = "SYNC_FLUSH"\n[producer]\nmessages = 50\n' +
    '[[fault]]\nat = "300ms"\nkind = "POWER_LOSS"\ntarget = "master"\nduration = "2s"\n';
  const object = { name: 'obj', seed: 4, broker: { flushDiskType: 'SYNC_FLUSH' }, producer: { messages: 50, interval: undefined },
    fault: [{ at: '300ms', kind: 'POWER_LOSS', target: 'master', duration: '2s' }] };
  const cli = JSON.parse(losslab('run', tempFile('obj.toml', toml), '--json'));
  assert.deepEqual((await call('run', object)).value, cli);
  assert.deepEqual((await call('run', toml)).value, cli);
  assert.deepEqual((await call('run', object, { seed: 11 })).value, JSON.parse(losslab('run', tempFile('obj.toml', toml), '--seed', '11', '--json')));
});

test('bad input throws an Error naming the field and line', { timeout: 60000 }, async () => {
  const obj = (await call('run', { broker: { flushDiskType: 'SYNC' } })).error;
  assert.ok(obj.isError);
  assert.equal(obj.name, 'LosslabError');
  assert.equal(obj.field, 'broker.flushDiskType');
  assert.equal(obj.line, null, 'an object has no lines');
  const text = (await call('run', 'seed = 1\n[broker]\nflushDiskType = "SYNC"\n')).error;
  assert.equal(text.field, 'broker.flushDiskType');
  assert.equal(text.line, 3);
  assert.match(text.message, /^broker\.flushDiskType \(line 3\): /);
  assert.equal((await call('run', { producer: { messages: 'many' } })).error.field, 'producer.messages');
  // null, like undefined, is absent (serde-wasm-bindgen reads both as "none"): the default.
  const holes = (await call('run', { producer: { messages: null, interval: undefined } })).value;
  assert.equal(holes.eventLogDigest, (await call('run', {})).value.eventLogDigest, 'null is the default');
  assert.equal((await call('run', { fault: [{ at: '1s', kind: 'NOPE' }] })).error.field, 'fault[1].kind');
  assert.equal((await call('run', 'defaults', { seed: -1 })).error.field, 'options.seed');
  assert.equal((await call('run', 42)).error.field, 'scenario');
  const conf = (await call('check', 'flushDiskType=ASYNC_FLUSH\nbrokerName=\\u00zz\n')).error; // a bad \uXXXX escape (`key value` is a property, as in Java)
  assert.equal(conf.line, 2);
  const w = (await call('run', { broker: { brokerRole: 'MASTER' } }, { worker: true })).error;
  assert.deepEqual([w.isError, w.name, w.field, w.line], [true, 'LosslabError', 'broker.brokerRole', null], 'the same Error from the worker');
});

test('seeds above 2^53 travel as BigInt both ways; an unsafe Number is refused by name', { timeout: 180000 }, async () => {
  const seed = (1n << 60n) + 1n;
  const max = (1n << 64n) - 1n;
  const cliText = losslab('run', '--preset', 'defaults', '--seed', String(seed), '--json');
  const cliMax = losslab('run', tempFile('max.toml', `seed = "${max}"\n`), '--json');
  const r = await page.evaluate(async ([s, m]) => {
    const lab = await import('../losslab.mjs');
    const seed = BigInt(s);
    const max = BigInt(m);
    const out = {};
    const direct = await lab.run('defaults', { seed });
    out.direct = { type: typeof direct.seed, seed: String(direct.seed), exact: direct.seed === seed, digest: direct.eventLogDigest };
    const worker = await lab.run('defaults', { seed, worker: true });
    out.worker = { type: typeof worker.seed, exact: worker.seed === seed, digest: worker.eventLogDigest };
    const object = await lab.run({ seed: max });
    out.object = { type: typeof object.seed, exact: object.seed === max, digest: object.eventLogDigest };
    const small = await lab.run('defaults', { seed: 7 });
    out.small = { type: typeof small.seed, seed: small.seed };
    const refused = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, field: e.field, reason: e.reason }; } };
    out.unsafeOption = await refused(() => lab.run('defaults', { seed: 2 ** 60 }));
    out.unsafeKey = await refused(() => lab.run({ seed: 2 ** 60 }));
    out.unsafeMessages = await refused(() => lab.run({ producer: { messages: 2 ** 60 } }));
    const sw = await lab.sweep({ seeds: 1, firstSeed: seed, faults: ['NONE'], flushDiskType: ['ASYNC_FLUSH'],
      brokerRole: ['ASYNC_MASTER'], sendMode: ['SYNC'] }, { worker: true });
    out.sweep = { type: typeof sw.grid.firstSeed, exact: sw.grid.firstSeed === seed, cells: sw.cells.length };
    return out;
  }, [String(seed), String(max)]);
  assert.match(cliText, new RegExp(`"seed": ${seed},`), 'the runner prints the exact seed');
  assert.deepEqual(r.direct, { type: 'bigint', seed: String(seed), exact: true, digest: JSON.parse(cliText).eventLogDigest });
  assert.deepEqual(r.worker, { type: 'bigint', exact: true, digest: r.direct.digest }, 'a BigInt crosses the worker, too');
  assert.deepEqual(r.object, { type: 'bigint', exact: true, digest: JSON.parse(cliMax).eventLogDigest }, 'a BigInt seed key above 2^63');
  assert.deepEqual(r.small, { type: 'number', seed: 7 }, 'a seed a Number holds is a Number');
  for (const [k, field] of [['unsafeOption', 'options.seed'], ['unsafeKey', 'seed'], ['unsafeMessages', 'producer.messages']]) {
    assert.equal(r[k]?.name, 'LosslabError', k);
    assert.equal(r[k].field, field, k);
    assert.match(r[k].reason, /BigInt/, `${k} says to write a BigInt`);
  }
  assert.deepEqual(r.sweep, { type: 'bigint', exact: true, cells: 1 });
});

test('events() iterates over the log of `losslab run --log`', { timeout: 60000 }, async () => {
  const { value } = await call('events', 'max-reconsume-3');
  const cli = losslab('run', '--preset', 'max-reconsume-3', '--log');
  assert.equal(value.map((e) => e.line + '\n').join(''), cli);
  assert.ok(value.every((e, i) => i === 0 || e.atUs >= value[i - 1].atUs), 'in time order');
  assert.ok(value.some((e) => e.kind === 'DeadLettered'), 'kinds are named');
  const early = await page.evaluate(async () => {
    const { events } = await import('../losslab.mjs');
    const out = [];
    for (const e of await events('book-recommendation')) { out.push(e.kind); if (out.length === 5) break; }
    return out.length;
  });
  assert.equal(early, 5, 'a page may stop early');
  const fromWorker = (await call('events', 'max-reconsume-3', { worker: true })).value;
  assert.deepEqual(fromWorker, value);
});

test('check() and presets() give what the runner gives', { timeout: 120000 }, async () => {
  const conf = '# a real broker.conf\nbrokerName=broker-a\nflushDiskType=ASYNC_FLUSH\nbrokerRole=SYNC_MASTER\n';
  const cli = JSON.parse(losslab('check', tempFile('broker.conf', conf), '--json'));
  delete cli.config;
  delete cli.cost; // the runner's cost figures are not part of check()
  assert.deepEqual((await call('check', conf)).value, cli);
  // As another release, and as several: `losslab check --version …` (less `config` and `cost`).
  const cli533 = JSON.parse(losslab('check', tempFile('broker.conf', conf), '--version', '5.3.3', '--json'));
  delete cli533.config;
  delete cli533.cost;
  const as533 = (await call('check', conf, { version: '5.3.3' })).value;
  assert.deepEqual(as533, cli533);
  assert.match(as533.warnings[0], /replicates this SYNC_MASTER asynchronously/);
  const both = JSON.parse(losslab('check', tempFile('broker.conf', conf), '--version', '4.9.8,5.3.3', '--json'));
  delete both.config;
  for (const r of both.reports) { delete r.config; delete r.cost; }
  assert.deepEqual((await call('check', conf, { version: ['4.9.8', '5.3.3'], worker: true })).value, both, 'in the worker too');
  assert.deepEqual((await call('check', conf, { version: '4.9.8,5.3.3' })).value, both);
  assert.ok(both.difference.some((d) => d.lostAfterAck['5.3.3'] > d.lostAfterAck['4.9.8']), 'the upgrade trap, per fault');
  const bad = (await call('check', conf, { version: '5.0' })).error;
  assert.equal(bad.field, 'options.version');
  assert.match(bad.message, /`5\.0` is not a RocketMQ version the lab models; known: `4\.7\.0`, `4\.9\.8`, `5\.3\.3`/);
  assert.equal((await call('check', conf, { version: 5 })).error.field, 'options.version');
  const ids = losslab('presets').trim().split('\n').map((l) => l.split(/\s+/)[0]);
  const list = (await call('presets')).value;
  assert.deepEqual(list.map((p) => p.id), ids);
  assert.ok(list.every((p) => p.title && p.claim && p.toml.includes('[')));
  const sw = (await call('sweep', { seeds: 1, faults: ['POWER_LOSS'], flushDiskType: ['ASYNC_FLUSH', 'SYNC_FLUSH'], brokerRole: ['ASYNC_MASTER'], sendMode: ['SYNC'] }, { worker: true }));
  assert.equal(sw.error, undefined, JSON.stringify(sw.error));
  assert.equal(sw.value.cells.length, 2, 'one cell per flushDiskType');
  assert.equal((await call('sweep', { seeds: 1, nope: 1 })).error.name, 'LosslabError');
});

test('the example table is computed live by run() in a worker and equals the runner', { timeout: 120000 }, async () => {
  await page.waitForSelector('#comparison[data-ready=true]', { timeout: 60000 });
  const rows = await page.$$eval('#comparison tbody tr', (trs) => trs.map((tr) => ({
    preset: tr.dataset.preset, cells: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)) })));
  assert.equal(rows.length, 6);
  for (const { preset, cells } of rows) {
    const s = cliReport(preset).summary;
    assert.deepEqual(cells, [s.messages, s.sendStatus.SEND_OK, s.verdicts.LOST_AFTER_ACK, s.verdicts.LOST_UNACKED,
      s.verdicts.DUPLICATED, s.verdicts.DEAD_LETTERED], preset);
  }
  assert.deepEqual(page.foreign, [], 'no request left the site');
  await page.screenshot({ path: `${ARTIFACTS}js-api-table.png` });
});
