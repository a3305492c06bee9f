import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
await page.goto(`${process.argv[2]}bench.html?core=&render=${process.argv[3]}&seconds=3&repeats=1`);
await page.waitForFunction(() => window.__benchResults, null, { timeout: 120000, polling: 200 });
const r = await page.evaluate(() => window.__benchResults);
for (const x of r.render) console.log(x.messages, 'lab', x.lab.p50.toFixed(1), x.lab.p95.toFixed(1), x.lab.frames, 'base', x.baseline.p50.toFixed(1), x.baseline.p95.toFixed(1), x.baseline.frames);
await browser.close();
