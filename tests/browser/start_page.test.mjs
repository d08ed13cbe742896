// The start page as a holder sees it, in German (default) and English, switched by keyboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, watchPage } from './support/browser.mjs';
import { startDemo, tabTo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

test('start page in German, switched to English and back by keyboard', { timeout: 60000 }, async () => {
  const shots = new StepScreenshots('start-page');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const response = await page.goto(demo.url('/'));
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'] ?? '', /default-src/);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    const german = await page.locator('main').innerText();
    for (const text of ['Folgeauftrag', 'Kooperationspartner', 'Kartenleser', 'Karten-Agent', 'Neuauftrag']) {
      assert.ok(german.includes(text), `German start page lacks "${text}"`);
    }
    await assert.doesNotReject(page.locator('#start-follow-up').waitFor());
    await shots.take(page, 'start-de', { docsName: 'start-de' });

    await tabTo(page, 'lang-en');
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(/lang=en/), page.keyboard.press('Enter')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const english = (await page.locator('main').innerText()).toLowerCase();
    for (const text of ['follow-up order', 'cooperation partner', 'card reader', 'card agent', 'new order']) {
      assert.ok(english.includes(text), `English start page lacks "${text}"`);
    }
    assert.equal(await page.locator('#start-follow-up').innerText(), 'Start follow-up order');
    await shots.take(page, 'start-en', { docsName: 'start-en' });

    await tabTo(page, 'lang-de');
    await Promise.all([page.waitForURL(/lang=de/), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.locator('#start-follow-up').innerText(), 'Folgeauftrag starten');

    assert.deepEqual(watch.cspViolations(), []);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('a browser set to English gets the pages in English, also after a redirect', { timeout: 60000 }, async () => {
  const english = await launchBrowser({ locale: 'en-GB' });
  try {
    const page = await english.context.newPage();
    await page.goto(demo.url('/'));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('#start-follow-up').innerText(), 'Start follow-up order');
    // Step 3 without a card goes back to step 1, still in English.
    await page.goto(demo.url('/folgeauftrag/angaben'));
    await page.waitForURL(/\/folgeauftrag(\?|$)/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('#read-card').innerText(), /Read card/);
  } finally {
    await english.close();
  }
});
