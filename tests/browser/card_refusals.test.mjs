// Cards that cannot place a follow-up order (partner, expired, revoked, identification too old,
// changed name), and a card another program holds: what the holder sees at steps 1 and 2 and
// the way to a new order, in German and English.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { readCard } from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

// Step 2 for a card that may not be renewed online: the refusal with its code, and what to do.
async function refusedAtEligibility(label, testName, query = '') {
  await demo.insertCard(label);
  const shots = new StepScreenshots(testName);
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await readCard(page, demo.url(`/folgeauftrag${query}`));
    const result = page.locator('#eligibility-result');
    assert.equal(await result.getAttribute('data-eligible'), 'false');
    await shots.take(page, 'eligibility', { docsName: testName === 'partner-card' ? 'eligibility-partner-en' : undefined });
    assert.equal(await page.locator('#declaration-form').count(), 0, 'no way on to step 3');
    assert.deepEqual(watch.problems, []);
    return {
      code: await result.getAttribute('data-code'),
      reason: await page.locator('#refusal-reason').innerText(),
      page,
    };
  } catch (e) {
    await page.close();
    throw e;
  }
}

test('partner card (English): refused with the partner\'s name and contact', { timeout: 60000 }, async () => {
  const { code, reason, page } = await refusedAtEligibility('Demo Partnerkarte', 'partner-card', '?lang=en');
  try {
    assert.equal(code, 'eligibility.partner_card');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(reason, /partner/i);
    assert.match(await page.locator('#partner-title').innerText(), /cooperation partner/i);
    assert.match(await page.locator('#partner-name').innerText(), /Kammer-Service GmbH/);
  } finally {
    await page.close();
  }
});

for (const [label, expected, testName] of [
  ['Demo Abgelaufen', 'eligibility.certificate_expired', 'expired-card'],
  ['Demo Gesperrt', 'eligibility.certificate_revoked', 'revoked-card'],
]) {
  test(`${testName}: refused with ${expected} and the way to a new order`, { timeout: 60000 }, async () => {
    const { code, reason, page } = await refusedAtEligibility(label, testName, '?lang=de');
    try {
      assert.equal(code, expected);
      assert.match(reason, expected.endsWith('expired') ? /abgelaufen/ : /gesperrt/);
      assert.equal(await page.locator('#new-order-link').isVisible(), true);
    } finally {
      await page.close();
    }
  });
}

test('identification too old: refused with eligibility.identification_too_old, on to a new order', { timeout: 60000 }, async () => {
  const { code, page } = await refusedAtEligibility('Demo Identifikation alt', 'identification-too-old', '?lang=de');
  try {
    assert.equal(code, 'eligibility.identification_too_old');
    await Promise.all([page.waitForURL(/\/neuauftrag/), page.locator('#new-order-link').click()]);
    assert.match(await page.locator('#page-title').innerText(), /Neuauftrag/);
  } finally {
    await page.close();
  }
});

for (const { lang, title, reason } of [
  { lang: 'de', title: /Neuauftrag/, reason: /Name oder Angaben in Ihrem Zertifikat geändert/ },
  { lang: 'en', title: /new order/i, reason: /name or information in your certificate has changed/ },
]) {
  test(`name changed (${lang}): the holder's declaration leads to the new order with identification`, { timeout: 60000 }, async () => {
    await demo.insertCard('Demo Erika Mustermann');
    const shots = new StepScreenshots(`name-changed-${lang}`);
    const page = await demo.browser.context.newPage();
    const watch = watchPage(page);
    try {
      await readCard(page, demo.url(`/folgeauftrag?lang=${lang}`));
      assert.equal(await page.locator('#eligibility-result').getAttribute('data-eligible'), 'true');
      await page.locator('#declaration-changed').check();
      await Promise.all([page.waitForURL(/\/neuauftrag/), page.locator('#declaration-submit').click()]);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.match(await page.locator('#page-title').innerText(), title);
      assert.match(await page.locator('#new-order-reason').innerText(), reason);
      // The old certificate's name, carried into the application form.
      assert.equal(await page.locator('#person-given_names').inputValue(), 'Erika');
      assert.equal(await page.locator('#person-surname').inputValue(), 'Mustermann');
      await shots.take(page, 'new-order');
      assert.deepEqual(watch.problems, []);
    } finally {
      await page.close();
    }
  });
}

for (const { lang, text } of [
  { lang: 'de', text: [/anderen Programm benutzt/, /im Hintergrund/] },
  { lang: 'en', text: [/in use by another program/, /background/] },
]) {
  test(`card in use by another program (${lang}): step 1 shows the R9 message, then works once freed`, { timeout: 90000 }, async () => {
    await demo.insertCard('Demo PIN-Pad', { pinPad: true, mode: 'busy' });
    const shots = new StepScreenshots(`card-in-use-${lang}`);
    const page = await demo.browser.context.newPage();
    try {
      await page.goto(demo.url(`/folgeauftrag?lang=${lang}`));
      await page.locator('#read-card').click();
      const status = page.locator('#card-status.is-error');
      await status.waitFor();
      const shown = await status.innerText();
      for (const expected of text) assert.match(shown, expected);
      await shots.take(page, 'card-in-use');

      // The holder closes the other program and tries again.
      await demo.setReaderMode('normal');
      await Promise.all([page.waitForURL(/\/folgeauftrag\/berechtigung/), page.locator('#read-card').click()]);
      await page.locator('#eligibility-result').waitFor();
      await shots.take(page, 'card-read');
    } finally {
      await page.close();
    }
  });
}
