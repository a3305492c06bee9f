// End to end: the summary panel shows what the sends cost (the report's throughput and latency,
// in RocketMQ's benchmark words), in both languages, and SYNC_FLUSH costs more than ASYNC_FLUSH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, startLab, stopLab, seekToEnd, expectCount } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

async function cost(query, colorScheme = 'light') {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('[data-testid=cost] td[data-cost="Send TPS"]');
  // The figures are the whole run's: shown once the playhead is at the end (issue 24).
  await seekToEnd(page);
  await expectCount(page, '[data-testid=cost] td[data-cost="Send TPS"]', 1);
  await page.waitForFunction(() => document.querySelector('[data-testid=cost] td[data-cost="Send TPS"]').textContent.trim() !== '…');
  const read = async k => (await page.textContent(`[data-testid=cost] td[data-cost="${k}"]`)).trim();
  const figures = {};
  for (const k of ['Send TPS', 'Average RT(ms)', 'p99 RT(ms)', 'Max RT(ms)', 'Send Failed', 'Consume TPS']) figures[k] = await read(k);
  const caption = await page.textContent('[data-testid=cost] caption');
  return { page, figures, caption };
}

test('the summary shows the run cost, and SYNC_FLUSH pays for its flush', { timeout: 60000 }, async () => {
  const a = await cost('?lang=en&preset=async-flush-power-loss');
  const s = await cost('?lang=zh&preset=sync-flush-power-loss', 'dark');
  for (const { figures } of [a, s]) {
    assert.ok(Number(figures['Send TPS']) > 0, JSON.stringify(figures));
    assert.ok(Number(figures['Max RT(ms)']) >= Number(figures['p99 RT(ms)']), JSON.stringify(figures));
    assert.match(figures['Send Failed'], /^\d+$/);
  }
  assert.ok(Number(s.figures['Average RT(ms)']) > Number(a.figures['Average RT(ms)']),
    `SYNC_FLUSH waits for the disk: ${s.figures['Average RT(ms)']} vs ${a.figures['Average RT(ms)']}`);
  assert.match(a.caption, /cost/);
  assert.match(s.caption, /代价/);
  await a.page.locator('[data-testid=summary]').screenshot({ path: `${ARTIFACTS}cost-summary-en-light.png` });
  await s.page.locator('[data-testid=summary]').screenshot({ path: `${ARTIFACTS}cost-summary-zh-dark.png` });
  await a.page.close();
  await s.page.close();
});
