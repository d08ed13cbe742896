// Identification through PostIdent as an applicant and the back office meet it: two applications
// on the portal's form, the (FAKE) post office's result files taken in with `sigcard postident
// import`: the one whose values all match is identified by itself; the one with a changed value
// waits in the registration officer's review with both values side by side, and is identified
// there after the officer signed in with her card. German and English.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { applicant, applyForNewOrder } from './support/new_order.mjs';
import { postIdentSuccess, writeResults } from './support/postident_fake.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { openAgentConfirmation, signInAgentWindow } from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

async function apply(page) {
  await page.goto(demo.url('/neuauftrag?lang=de'));
  await applyForNewOrder(page, { lawyer: false });
  return {
    url: page.url(),
    number: await page.locator('#order-number').innerText(),
    reference: await page.locator('#postident-reference').innerText(),
  };
}

async function stateOf(page, order) {
  await page.goto(order.url);
  return page.locator('#order-state').getAttribute('data-state');
}

test('a matching PostIdent result identifies by itself; a changed one is resolved in review', { timeout: 180000 }, async () => {
  const shots = new StepScreenshots('postident-review');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const matching = await apply(page);
    const changed = await apply(page);
    assert.equal(await stateOf(page, matching), 'awaiting_identification');
    const stranger = postIdentSuccess('SCZZZZZZZZZZ', applicant);
    const folder = await writeResults(path.join(demo.tc.root, 'postident-results'), [
      postIdentSuccess(matching.reference, applicant),
      postIdentSuccess(changed.reference, applicant, { change: { birthPlace: 'Bonn' } }),
      stranger,
    ]);
    const imported = await demo.tc.sigcard('postident', 'import', folder);
    assert.match(imported, /3 result\(s\) read: 1 identified 1 in_review 1 unmatched/);
    assert.equal(await stateOf(page, matching), 'identified');
    assert.equal(await stateOf(page, changed), 'in_review');
    assert.match(await page.locator('#order-state').innerText(), /Identifizierung wird geprüft/);
    // While in review the applicant may still withdraw the order; once identified, no longer.
    assert.equal(await page.locator('#cancel-order').count(), 1);
    await page.goto(matching.url);
    assert.equal(await page.locator('#cancel-order').count(), 0);

    // The registration officer signs in with her card and reviews.
    await demo.insertCards(['Demo Op Clara RA-Stelle']);
    await page.goto(demo.backofficeUrl('/anmeldung?lang=en'));
    await Promise.all([page.waitForURL(/\/anmeldung\/karte$/), page.locator('#read-card').click()]);
    const confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, '123456');
    await page.waitForURL(demo.backofficeUrl('/'), { timeout: 30000 });
    await confirmation.close();
    assert.equal(await page.locator('#review-count').innerText(), '1');
    await page.locator('#nav-review').click();
    const item = page.locator(`section[data-order="${changed.number}"]`);
    const birthPlace = item.locator('tr[data-field="person.birth_place"]');
    assert.equal(await birthPlace.getAttribute('class'), 'differs');
    assert.match(await birthPlace.innerText(), /Münster\s+Bonn\s+changed/);
    // Everything else agrees.
    assert.equal(await item.locator('tr.differs').count(), 1);
    // The result for a reference no order has is kept and listed.
    assert.match(await page.locator('#unmatched').innerText(), /CASE-SCZZZZZZZZZZ\s+SCZZZZZZZZZZ/);
    await shots.take(page, 'review-en', { docsName: 'backoffice-review-en', fullPage: true });
    await page.goto(demo.backofficeUrl('/identifizierung?lang=de'));
    await shots.take(page, 'review-de', { docsName: 'backoffice-review-de', fullPage: true });
    await Promise.all([
      page.waitForURL(/\/identifizierung$/),
      item.locator('button[value="identify"]').click(),
    ]);
    await page.locator('#review-empty').waitFor();
    assert.equal(await stateOf(page, changed), 'identified');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
