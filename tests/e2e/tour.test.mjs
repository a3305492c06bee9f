// End to end: the guided tour a preset file carries (issue 24 item 3). The question and the
// prediction come before the run and no outcome is shown; a prediction plays the run, which stops
// at each step with its sentence; at the end the prediction stands beside the run's count. Play
// alone runs through without stops; `hide=tour` leaves the tour out; Chinese reads the file's
// Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLab, stopLab, openApp, expectText, expectCount, expectAttr, cursorMs, setSpeed } from './helpers.mjs';
import { cliReport } from './cli.mjs';

let server, browser;
before(async () => ({ server, browser } = await startLab()));
after(() => stopLab({ server, browser }));

const PRESET = 'async-flush-power-loss';
/** The step times of the preset's tour, in ms, read from its file. */
const stepsMs = () => {
  const toml = readFileSync(new URL(`../../sim/presets/${PRESET}.toml`, import.meta.url), 'utf8');
  const tour = toml.slice(toml.indexOf('[tour]'));
  return [...tour.matchAll(/^at = "(\d+)s"$/gm)].map(m => Number(m[1]) * 1000);
};

test('a prediction plays the run, which stops at each step, then puts the prediction beside the count', { timeout: 240000 }, async () => {
  const { page, errors } = await openApp(browser, `${server.url}?lang=en&preset=${PRESET}`);
  await expectText(page, '[data-testid=tour-question]', /SEND_OK/);
  await expectCount(page, '[data-testid=tour-guess]', 3);
  await expectCount(page, '[data-testid=tour-result]', 0, 'no outcome before the run');
  await setSpeed(page, 10);
  await page.click('[data-testid=tour-guess][data-guess=some]');
  await expectAttr(page, '[data-testid=tour]', 'data-touring', 'true');
  const steps = stepsMs();
  assert.ok(steps.length >= 3, `the preset's tour has steps: ${steps}`);
  for (const [i, at] of steps.entries()) {
    // The tour stops at the step: paused, the playhead on its time, its sentence shown.
    await page.waitForSelector('[data-testid=tour-continue]', { timeout: 60000 });
    await expectAttr(page, '[data-testid=tour-step]', 'data-step', String(i + 1), `step ${i + 1}`);
    await expectAttr(page, '[data-testid=play]', 'data-playing', 'false', 'the tour paused the run');
    assert.equal(await cursorMs(page), at, `stopped at the step's time (${at} ms)`);
    await expectCount(page, '[data-testid=tour-result]', 0, 'no outcome before the end');
    await page.click('[data-testid=tour-continue]');
    await page.waitForFunction(prev => Number(document.querySelector('[data-testid=scrub]').getAttribute('data-cursor') ?? document.querySelector('[data-testid=scrub]').value) > prev, at, { timeout: 60000 });
  }
  // The end: the run's own count (the runner's report) beside the prediction.
  const r = cliReport(PRESET);
  const lost = r.summary.verdicts.LOST_AFTER_ACK;
  await expectText(page, '[data-testid=tour-result]', new RegExp(`${lost} of ${r.messages.length} messages ended LOST_AFTER_ACK`));
  await expectAttr(page, '[data-testid=tour-result]', 'data-actual', 'some');
  await expectAttr(page, '[data-testid=tour-result]', 'data-right', 'true');
  // Leaving the tour goes back to the question.
  await page.click('[data-testid=tour-end]');
  await expectAttr(page, '[data-testid=tour]', 'data-touring', 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Play alone runs through without stops; hide=tour leaves it out; Chinese reads the Chinese', { timeout: 120000 }, async () => {
  const { page } = await openApp(browser, `${server.url}?lang=en&preset=${PRESET}`);
  await setSpeed(page, 1000);
  // Clicked, not play(): at this speed the run may end before "playing" could be seen.
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=scrub]');
    return Number(s.getAttribute('data-cursor') ?? s.value) >= Number(s.getAttribute('max'));
  }, null, { timeout: 60000 });
  await expectCount(page, '[data-testid=tour-continue]', 0, 'no tour stop without a prediction');
  await page.close();

  const hidden = await openApp(browser, `${server.url}?lang=en&preset=${PRESET}&hide=tour`);
  await expectCount(hidden.page, '[data-testid=tour]', 0, 'hide=tour');
  await hidden.page.close();

  const zh = await openApp(browser, `${server.url}?lang=zh&preset=${PRESET}`);
  await expectText(zh.page, '[data-testid=tour-question]', /断电/);
  await zh.page.close();

  // A preset without a tour shows none.
  const bare = await openApp(browser, `${server.url}?lang=en&preset=slave-not-available`);
  await expectCount(bare.page, '[data-testid=tour]', 0, 'no [tour], no panel');
  await bare.page.close();
});
