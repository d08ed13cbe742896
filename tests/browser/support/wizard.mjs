// The holder's steps through the follow-up wizard, as a holder does them: clicks, typing, the
// agent's own confirmation window.
import assert from 'node:assert/strict';

export const holderData = {
  'contact-email': 'erika.mustermann@example.org',
  'contact-phone': '+49 30 1234567',
  'shipping-name': 'Erika Mustermann',
  'shipping-street': 'Heidestraße 17',
  'shipping-postal_code': '51147',
  'shipping-city': 'Köln',
  'revocation-password': 'Sperr-Kennwort 2026',
  'revocation-password_repeat': 'Sperr-Kennwort 2026',
};

// Step 1: "Read card" lets the page fetch the certificate through the agent and post it.
export async function readCard(page, startUrl) {
  await page.goto(startUrl);
  assert.equal(await page.locator('#wizard-step').getAttribute('data-step'), '1');
  await Promise.all([
    page.waitForURL(/\/folgeauftrag\/berechtigung/),
    page.locator('#read-card').click(),
  ]);
  await page.locator('#eligibility-result').waitFor();
}

// Step 2 → 3: name and information unchanged.
export async function declareUnchanged(page) {
  await page.locator('#declaration-unchanged').check();
  await Promise.all([page.waitForURL(/\/folgeauftrag\/angaben/), page.locator('#declaration-submit').click()]);
}

// Step 3 → 4: contact and shipping address, billing = shipping, terms accepted.
export async function enterOrderData(page, data = holderData) {
  for (const [id, value] of Object.entries(data)) await page.locator(`#${id}`).fill(value);
  if (!(await page.locator('#billing-same').isChecked())) await page.locator('#billing-same').check();
  await page.locator('#declaration-terms_accepted').check();
  await Promise.all([page.waitForURL(/\/folgeauftrag\/auftrag/), page.locator('#order-form-submit').click()]);
  await page.locator('#order-document').waitFor();
}

// Step 3 with mistakes: an invalid email and no street. The page answers per field and keeps
// what was typed. Returns the error summary's entries.
export async function enterFaultyOrderData(page) {
  await page.locator('#contact-email').fill('erika.mustermann-at-example.org');
  await page.locator('#contact-phone').fill(holderData['contact-phone']);
  await page.locator('#shipping-name').fill(holderData['shipping-name']);
  await page.locator('#shipping-street').fill('');
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.locator('#order-form-submit').click()]);
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.locator('#contact-email').inputValue(), 'erika.mustermann-at-example.org');
  assert.equal(await page.locator('#shipping-name').inputValue(), holderData['shipping-name']);
  for (const id of ['contact-email', 'shipping-street']) {
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', id);
    await page.locator(`#${id}-error`).waitFor();
  }
  return page.locator('#error-summary li').allInnerTexts();
}

// The order status page: order number and email → the order's state.
export async function lookUpStatus(page, url, orderNumber, email) {
  await page.goto(url);
  await page.locator('#order-number').fill(orderNumber);
  await page.locator('#status-email').fill(email);
  await Promise.all([page.waitForNavigation(), page.locator('#status-submit').click()]);
  await page.locator('#status-result').waitFor();
  return page.locator('#status-state').innerText();
}

// Step 4 → 5.
export async function continueToSigning(page) {
  await Promise.all([page.waitForURL(/\/folgeauftrag\/signatur/), page.locator('#to-signature').click()]);
  await page.locator('#sign-button').waitFor({ state: 'visible' });
}

// Step 5: "Sign with card" opens the agent's own confirmation window; resolves with it.
export async function openAgentConfirmation(page) {
  const [confirmation] = await Promise.all([
    page.context().waitForEvent('page'),
    page.locator('#sign-button').click(),
  ]);
  await confirmation.waitForURL(/\/confirm\//);
  await confirmation.locator('#document').waitFor();
  return confirmation;
}

// In the agent's window: type the PIN and press "Sign"; resolves when the agent answered.
export async function signInAgentWindow(confirmation, pin) {
  await confirmation.locator('#pin').fill(pin);
  await Promise.all([
    confirmation.waitForLoadState('load'),
    confirmation.waitForNavigation(),
    confirmation.locator('button[value="sign"]').click(),
  ]);
}

// A follow-up order as the holder places it: this card alone in the reader, the wizard, the
// agent's window; resolves with the order number from the confirmation page.
export async function placeFollowUpOrder(demo, page, label) {
  const [card] = await demo.insertCards([label]);
  await readCard(page, demo.url('/folgeauftrag?lang=de'));
  await declareUnchanged(page);
  await enterOrderData(page);
  await continueToSigning(page);
  const confirmation = await openAgentConfirmation(page);
  await signInAgentWindow(confirmation, card.pin);
  await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
  await confirmation.close();
  return page.locator('#order-number').innerText();
}

// An operator signs in to the back office with this operator card alone in the reader (demo
// operator PIN 123456).
export async function signInOperator(demo, page, label, lang = 'de') {
  await demo.insertCards([label]);
  await page.goto(demo.backofficeUrl(`/anmeldung?lang=${lang}`));
  await Promise.all([page.waitForURL(/\/anmeldung\/karte$/), page.locator('#read-card').click()]);
  const confirmation = await openAgentConfirmation(page);
  await signInAgentWindow(confirmation, '123456');
  await page.waitForURL(demo.backofficeUrl('/'), { timeout: 30000 });
  await confirmation.close();
}
