import { chromium } from 'playwright-core';
const [url, out, w, h, script] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: +w, height: +h } });
const errs = []; page.on('console', m => { if (m.type()==='error') errs.push(m.text()); }); page.on('pageerror', e => errs.push(String(e)));
await page.goto(url);
await page.waitForSelector('svg.pipeline');
if (script) { await eval(script); }
await page.screenshot({ path: out, fullPage: process.env.FULL === '1' });
console.log('errors:', errs);
await browser.close();
