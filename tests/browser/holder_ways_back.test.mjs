// The follow-up order as holders meet it: several cards in reach, the checked card pulled
// before signing, a cancel in the agent's window, a tab closed while the agent waits, two tabs
// of one order. Each ends in the right state with a clear sentence, and can go on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import {
  continueToSigning, declareUnchanged, enterOrderData, holderData, openAgentConfirmation,
  signInAgentWindow,
} from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

// Step 1 to step 5 with the card already chosen.
async function toSigning(page, shippingName) {
  await page.goto(demo.url('/folgeauftrag?lang=de'));
  await Promise.all([page.waitForURL(/\/folgeauftrag\/berechtigung/), page.locator('#read-card').click()]);
  await declareUnchanged(page);
  await enterOrderData(page, { ...holderData, 'shipping-name': shippingName });
  await continueToSigning(page);
}

async function signAndConfirm(page, pin) {
  const confirmation = await openAgentConfirmation(page);
  await signInAgentWindow(confirmation, pin);
  await confirmation.locator('#outcome').waitFor();
  await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
  await confirmation.close();
  return page.locator('#order-number').innerText();
}

test('several cards in reach: the holder chooses one, and only that card signs — pulled, it is missed before any PIN', { timeout: 120000 }, async () => {
  const [, , lawyer] = await demo.insertCards(['Demo Abgelaufen', 'Demo Erika Mustermann', 'Demo Rechtsanwaeltin']);
  const shots = new StepScreenshots('several-cards');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await page.goto(demo.url('/folgeauftrag?lang=de'));
    await page.locator('#read-card').click();
    const options = page.locator('#card-choice-list label');
    await page.locator('#card-choice').waitFor({ state: 'visible' });
    const texts = await options.allInnerTexts();
    assert.equal(texts.length, 3, texts.join('\n'));
    assert.ok(texts.some((t) => /Jonas Abgelaufen, abgelaufen am/.test(t)), texts.join('\n'));
    assert.ok(texts.some((t) => /Erika Mustermann, gültig bis/.test(t)), texts.join('\n'));
    await shots.take(page, 'choose-card', { docsName: 'card-choice-de' });

    // No choice yet: said, nothing sent.
    await page.locator('#use-card').click();
    assert.match(await page.locator('#card-status').innerText(), /wählen Sie eine Karte/);
    assert.match(page.url(), /\/folgeauftrag(\?lang=de)?$/);

    await page.locator('label', { hasText: 'Anna Schmitz' }).click();
    await Promise.all([page.waitForURL(/\/folgeauftrag\/berechtigung/), page.locator('#use-card').click()]);
    assert.equal(await page.locator('#holder-name').innerText(), 'Anna Schmitz');
    await declareUnchanged(page);
    await enterOrderData(page, { ...holderData, 'shipping-name': 'Anna Schmitz' });
    await continueToSigning(page);
    await page.locator('#sign-card').waitFor({ state: 'visible' });
    assert.match(await page.locator('#sign-card-name').innerText(), /Anna Schmitz/);

    // The holder pulls the checked card and leaves another one in: the page says so at once,
    // and the agent opens no window and asks for no PIN.
    await demo.insertCards(['Demo Erika Mustermann']);
    watch.expectStatus('/v1/sign', 409);
    await page.locator('#sign-button').click();
    const status = page.locator('#sign-status.is-error');
    await status.waitFor({ timeout: 15000 });
    assert.match(await status.innerText(), /in keinem Kartenleser/);
    assert.equal(await page.locator('#sign-button').isEnabled(), true);
    assert.equal(demo.browser.context.pages().filter((p) => /\/confirm\//.test(p.url())).length, 0);
    await shots.take(page, 'checked-card-missing');

    // Put back with the others: the checked card signs.
    await demo.insertCards(['Demo Erika Mustermann', 'Demo Rechtsanwaeltin']);
    const confirmation = await openAgentConfirmation(page);
    assert.match(await confirmation.locator('#card').innerText(), /Anna Schmitz/);
    await signInAgentWindow(confirmation, lawyer.pin);
    await confirmation.locator('#outcome').waitFor();
    await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
    await confirmation.close();
    assert.match(await page.locator('#order-number').innerText(), /^FA-\d{4}-/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('cancel in the agent\'s window, then sign again at once: the order goes through', { timeout: 120000 }, async () => {
  const [card] = await demo.insertCards(['Demo Geschaeftsfuehrer']);
  const shots = new StepScreenshots('cancel-then-sign');
  const page = await demo.browser.context.newPage();
  try {
    await toSigning(page, 'Thomas Becker');
    const first = await openAgentConfirmation(page);
    await Promise.all([first.waitForNavigation(), first.locator('button[value="cancel"]').click()]);
    const status = page.locator('#sign-status.is-error');
    await status.waitFor({ timeout: 15000 });
    assert.match(await status.innerText(), /abgebrochen/);
    await first.close();
    await shots.take(page, 'cancelled');
    // A reload of step 5 keeps the way open too.
    await page.reload();
    await page.locator('#sign-button').waitFor({ state: 'visible' });
    const orderNumber = await signAndConfirm(page, card.pin);
    assert.match(orderNumber, /^FA-\d{4}-/);
    await shots.take(page, 'confirmation');
  } finally {
    await page.close();
  }
});

test('a tab closed while the agent waits: signing again in a new tab works at once', { timeout: 120000 }, async () => {
  const [card] = await demo.insertCards(['Demo Pseudonym']);
  const first = await demo.browser.context.newPage();
  await toSigning(first, 'Sonja Sonnenschein');
  const abandoned = await openAgentConfirmation(first);
  // The holder closes the tab and the agent's window without answering it.
  await abandoned.close();
  await first.close();

  const page = await demo.browser.context.newPage();
  try {
    await page.goto(demo.url('/folgeauftrag/signatur'));
    await page.locator('#sign-button').waitFor({ state: 'visible' });
    const orderNumber = await signAndConfirm(page, card.pin);
    assert.match(orderNumber, /^FA-\d{4}-/);
  } finally {
    await page.close();
  }
});

test('two tabs of one order: after one signed, the other is led to the same confirmation', { timeout: 120000 }, async () => {
  const [card] = await demo.insertCards(['Demo PIN-Pad']);
  const tabA = await demo.browser.context.newPage();
  const tabB = await demo.browser.context.newPage();
  try {
    await toSigning(tabA, 'Petra Pinpad');
    await tabB.goto(demo.url('/folgeauftrag/signatur'));
    await tabB.locator('#sign-button').waitFor({ state: 'visible' });

    const orderNumber = await signAndConfirm(tabA, card.pin);
    await Promise.all([tabB.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 }),
      tabB.locator('#sign-button').click()]);
    assert.equal(await tabB.locator('#order-number').innerText(), orderNumber);
    // And a reload of step 5 in either tab shows the confirmation, not a second order.
    await tabA.goto(demo.url('/folgeauftrag/signatur'));
    assert.match(tabA.url(), /\/folgeauftrag\/bestaetigung$/);
    assert.equal(await tabA.locator('#order-number').innerText(), orderNumber);
  } finally {
    await tabA.close();
    await tabB.close();
  }
});
