// The whole follow-up order in the browser, from the start page to the confirmation PDF: the
// card agent's own confirmation window with the PIN typed there or on the PIN-pad reader, a
// wrong PIN, a cancelled signature, and terms that change while the holder reviews the order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { demoTermsFile } from './support/trust_center.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import {
  continueToSigning, declareUnchanged, enterFaultyOrderData, enterOrderData, holderData,
  lookUpStatus, openAgentConfirmation, readCard, signInAgentWindow,
} from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

// The whole order with an eligible card, in one language; `docs` publishes the main steps.
async function orderWithValidCard({ label, lang, testName, docs }) {
  const card = await demo.insertCard(label);
  const shots = new StepScreenshots(testName);
  const docsName = (step) => (docs ? `${step}-${lang}` : undefined);
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await page.goto(demo.url(`/?lang=${lang}`));
    await Promise.all([page.waitForURL(/\/folgeauftrag$/), page.locator('#start-follow-up').click()]);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await shots.take(page, 'connect-card');

    await readCard(page, demo.url('/folgeauftrag'));
    assert.equal(await page.locator('#eligibility-result').getAttribute('data-eligible'), 'true');
    await shots.take(page, 'eligibility', { docsName: docsName('eligibility') });
    const holderName = await page.locator('#holder-name').innerText();

    await declareUnchanged(page);
    await shots.take(page, 'order-form');
    watch.expectStatus('/folgeauftrag/angaben', 422);
    const errors = await enterFaultyOrderData(page);
    assert.ok(errors.length >= 2, `error summary: ${errors}`);
    await shots.take(page, 'order-form-errors', { fullPage: true });
    await enterOrderData(page);
    const documentText = await page.locator('#order-document').innerText();
    assert.ok(documentText.includes(holderName), `the document names ${holderName}`);
    assert.match(documentText, /erika\.mustermann@example\.org/);
    assert.equal(await page.locator('#terms-version').innerText(), '2026-01');
    await shots.take(page, 'review', { docsName: docsName('review') });

    await continueToSigning(page);
    await page.locator('#pin-in-agent').waitFor({ state: 'visible' }); // once the agent named the card
    await shots.take(page, 'signing');

    // The agent's own window: who asks, the whole document, the card; the PIN is typed there.
    const confirmation = await openAgentConfirmation(page);
    const confirmWatch = watchPage(confirmation);
    assert.equal(await confirmation.locator('#origin').innerText(), demo.portal.origin);
    assert.equal((await confirmation.locator('#document').innerText()).trim(), documentText.trim());
    assert.match(await confirmation.locator('#card').innerText(), new RegExp(card.label));
    await confirmation.evaluate(() => window.scrollTo(0, 0)); // the requesting origin on top
    await shots.take(confirmation, 'agent-confirmation', { docsName: docs && lang === 'de' ? 'agent-confirmation' : undefined });
    await signInAgentWindow(confirmation, card.pin);
    await confirmation.locator('#outcome').waitFor();
    assert.match(await confirmation.locator('#outcome').innerText(), /signiert/);
    await shots.take(confirmation, 'agent-signed');
    assert.deepEqual(confirmWatch.problems, []);

    await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
    const orderNumber = await page.locator('#order-number').innerText();
    assert.match(orderNumber, /^FA-\d{4}-/);
    await shots.take(page, 'confirmation', { docsName: docsName('confirmation') });

    const pdf = await page.request.get(demo.url('/folgeauftrag/bestaetigung.pdf'));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');

    const state = await lookUpStatus(page, demo.url('/status'), orderNumber, holderData['contact-email']);
    assert.ok(state.length > 0);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await shots.take(page, 'status');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
}

test('valid card (German): start page to confirmation PDF', { timeout: 120000 }, () =>
  orderWithValidCard({ label: 'Demo Erika Mustermann', lang: 'de', testName: 'follow-up-order-de', docs: true }));

test('valid pseudonym card (English): start page to confirmation PDF', { timeout: 120000 }, () =>
  orderWithValidCard({ label: 'Demo Pseudonym', lang: 'en', testName: 'follow-up-order-en', docs: false }));

test('wrong PIN in the agent\'s window, then the right PIN: the order goes through', { timeout: 120000 }, async () => {
  const card = await demo.insertCard('Demo Rechtsanwaeltin');
  const shots = new StepScreenshots('wrong-then-right-pin');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await readCard(page, demo.url('/folgeauftrag?lang=de'));
    await declareUnchanged(page);
    await enterOrderData(page, { ...holderData, 'shipping-name': 'Dr. Anna Beispiel' });
    await continueToSigning(page);
    const confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, '999999');
    const error = confirmation.locator('#card-error');
    await error.waitFor();
    assert.match(await error.innerText(), /PIN/);
    await error.scrollIntoViewIfNeeded();
    await shots.take(confirmation, 'agent-wrong-pin');
    // Still waiting for the holder: the portal page has not moved on.
    assert.match(page.url(), /\/folgeauftrag\/signatur$/);
    await signInAgentWindow(confirmation, card.pin);
    await confirmation.locator('#outcome').waitFor();
    await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
    assert.ok((await page.locator('#order-number').innerText()).length > 4);
    await shots.take(page, 'confirmation');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('the holder cancels in the agent\'s window: nothing is signed, the page says so and can sign again', { timeout: 120000 }, async () => {
  await demo.insertCard('Demo Geschaeftsfuehrer');
  const shots = new StepScreenshots('agent-cancelled');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await readCard(page, demo.url('/folgeauftrag?lang=de'));
    await declareUnchanged(page);
    await enterOrderData(page, { ...holderData, 'shipping-name': 'Max Muster' });
    await continueToSigning(page);
    const confirmation = await openAgentConfirmation(page);
    await Promise.all([confirmation.waitForNavigation(), confirmation.locator('button[value="cancel"]').click()]);
    assert.match(await confirmation.locator('#outcome').innerText(), /Es wurde nichts signiert/);
    assert.match(await confirmation.locator('#outcome').innerText(), /agent\.cancelled_by_holder/);
    const status = page.locator('#sign-status.is-error');
    await status.waitFor({ timeout: 15000 });
    assert.match(await status.innerText(), /abgebrochen/);
    assert.equal(await page.locator('#sign-button').isEnabled(), true);
    assert.match(page.url(), /\/folgeauftrag\/signatur$/);
    await shots.take(page, 'cancelled');
    await confirmation.close();
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('terms changed during review: the signed order is refused with order.terms_outdated', { timeout: 120000 }, async () => {
  const card = await demo.insertCard('Demo Geschaeftsfuehrer');
  const shots = new StepScreenshots('terms-changed');
  const page = await demo.browser.context.newPage();
  try {
    await readCard(page, demo.url('/folgeauftrag?lang=de'));
    await declareUnchanged(page);
    await enterOrderData(page, { ...holderData, 'shipping-name': 'Max Muster' });
    assert.equal(await page.locator('#terms-version').innerText(), '2026-01');
    await shots.take(page, 'review-old-terms');

    // The operator publishes new terms, valid now, while the holder reads the order.
    await demo.tc.publishTerms(demoTermsFile, '2026-02');

    await continueToSigning(page);
    const confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, card.pin);
    await confirmation.locator('#outcome').waitFor();
    const problem = page.locator('#sign-problem');
    await problem.waitFor({ timeout: 30000 });
    assert.equal(await problem.getAttribute('data-code'), 'order.terms_outdated');
    assert.match(await problem.innerText(), /Geschäftsbedingungen/);
    assert.equal(await page.locator('#redraft-link').isVisible(), true);
    await shots.take(page, 'terms-outdated', { docsName: 'terms-outdated-de' });

    // Reviewing again shows the new version.
    await Promise.all([page.waitForURL(/\/folgeauftrag\/angaben/), page.locator('#redraft-link').click()]);
    // The revocation password is never filled in again: the holder types it once more.
    await page.locator('#revocation-password').fill(holderData['revocation-password']);
    await page.locator('#revocation-password_repeat').fill(holderData['revocation-password_repeat']);
    await page.locator('#declaration-terms_accepted').check();
    await Promise.all([page.waitForURL(/\/folgeauftrag\/auftrag/), page.locator('#order-form-submit').click()]);
    assert.equal(await page.locator('#terms-version').innerText(), '2026-02');
    await shots.take(page, 'review-new-terms');
  } finally {
    await page.close();
  }
});

test('PIN-pad reader: the pages say "enter the PIN on the reader", the PIN never reaches a page', { timeout: 120000 }, async () => {
  await demo.insertCard('Demo PIN-Pad', { pinPad: true });
  const shots = new StepScreenshots('pin-pad-card');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await readCard(page, demo.url('/folgeauftrag?lang=de'));
    assert.equal(await page.locator('#eligibility-result').getAttribute('data-eligible'), 'true');
    await declareUnchanged(page);
    await enterOrderData(page, { ...holderData, 'shipping-name': 'Paul Pad' });
    await continueToSigning(page);
    await page.locator('#pin-pad-detected').waitFor({ state: 'visible' });
    assert.match(await page.locator('#pin-pad-detected').innerText(), /PIN am Kartenleser/);
    await shots.take(page, 'signing-pin-pad');

    const confirmation = await openAgentConfirmation(page);
    assert.equal(await confirmation.locator('#pin').count(), 0, 'no PIN field with a PIN pad');
    assert.match(await confirmation.locator('#pin-pad-hint').innerText(), /PIN am Kartenleser/);
    await confirmation.locator('#pin-pad-hint').scrollIntoViewIfNeeded();
    await shots.take(confirmation, 'agent-pin-pad');
    await Promise.all([confirmation.waitForNavigation(), confirmation.locator('button[value="sign"]').click()]);
    await confirmation.locator('#outcome').waitFor();
    await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
    assert.match(await page.locator('#order-number').innerText(), /^FA-\d{4}-/);
    await shots.take(page, 'confirmation');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
