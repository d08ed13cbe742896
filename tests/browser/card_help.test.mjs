// The card help page (R9): what each card message means, above all a card in use by another
// program, in German and English; it also tells whether the card agent answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { documentedAgentUrl, watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const languages = [
  {
    lang: 'de',
    query: '',
    inUse: [/anderen Programm benutzt/, /andere Signatur-Software/, /im Hintergrund/],
    agentRunning: 'Der Karten-Agent läuft auf diesem Rechner.',
  },
  {
    lang: 'en',
    query: '?lang=en',
    inUse: [/in use by another program/, /close other signature software/i, /background/],
    agentRunning: 'The card agent is running on this computer.',
  },
];

for (const { lang, query, inUse, agentRunning } of languages) {
  test(`card help lists the card-in-use-by-another-program message (${lang})`, { timeout: 60000 }, async () => {
    const shots = new StepScreenshots(`card-help-${lang}`);
    const page = await demo.browser.context.newPage();
    const watch = watchPage(page);
    try {
      const response = await page.goto(demo.url(`/hilfe/karte${query}`));
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const entry = page.locator('#card-in_use_by_other_program');
      assert.equal(await entry.getAttribute('data-code'), 'card.in_use_by_other_program');
      // Grouped under what the holder sees, never under a code.
      assert.match(await page.locator('#help-card-blocked-title').innerText(),
        lang === 'de' ? /blockiert/ : /blocked/);
      const text = await entry.innerText();
      for (const expected of inUse) assert.match(text, expected);
      // The same advice stands at the top of the page, where a holder with a blocked card looks.
      const notice = await page.locator('#help-other-software').innerText();
      assert.match(notice, lang === 'de' ? /Hintergrund/ : /background/);
      // Every card error the agent can report is explained.
      const listed = await page.locator('.error-list li').evaluateAll(
        (items) => items.map((item) => item.dataset.code));
      assert.ok(!listed.includes('card.no_free_slot'), 'a production-only message is listed');
      const headings = await page.locator('#card-errors h3').allInnerTexts();
      assert.ok(headings.every((h) => !h.includes('card.')), `codes as headings: ${headings}`);
      for (const code of ['card.no_reader', 'card.no_card', 'card.pin_locked', 'card.pin_incorrect',
        'card.pin_pad_cancelled', 'card.removed']) {
        assert.ok(listed.includes(code), `${code} not explained: ${listed}`);
      }
      await page.locator('#agent-check-ok').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#agent-check-ok').innerText(), agentRunning);
      await entry.scrollIntoViewIfNeeded();
      await shots.take(page, `card-in-use-${lang}`);
      assert.deepEqual(watch.problems, []);
    } finally {
      await page.close();
    }
  });
}

// Another program on the agent's port (AusweisApp on the old one, for instance): the page says
// so instead of "running" or "not running", with the agent's own message for it.
for (const { lang, query, other } of [
  { lang: 'de', query: '?lang=de', other: /anderes Programm[\s\S]*agent\.port_in_use/ },
  { lang: 'en', query: '?lang=en', other: /Another program[\s\S]*agent\.port_in_use/ },
]) {
  test(`card help names another program at the agent's address (${lang})`, { timeout: 60000 }, async () => {
    const page = await demo.browser.context.newPage();
    try {
      await page.route(`${documentedAgentUrl}/**`, (route) => route.fulfill({
        status: 404,
        contentType: 'text/html',
        headers: { 'Access-Control-Allow-Origin': '*' },
        body: '<html><body>eID-Client</body></html>',
      }));
      await page.goto(demo.url(`/hilfe/karte${query}`));
      await page.locator('#agent-check-other').waitFor({ state: 'visible' });
      assert.match(await page.locator('#agent-check-other').innerText(), other);
      assert.ok(await page.locator('#agent-check-ok').isHidden());
      assert.ok(await page.locator('#agent-check-missing').isHidden());
    } finally {
      await page.close();
    }
  });
}
