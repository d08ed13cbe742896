// The new order in English, as a person without a card meets it: mistakes shown at their fields
// with the entries kept (the proof chosen again), then the order's page and its English
// documents. The German path with the mail runs against scripts/demo (demo_walk.demo.mjs).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { applicant, applyForNewOrder, fetchDocument } from './support/new_order.mjs';
import { StepScreenshots } from './support/screenshots.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

test('new order (en): mistakes are shown at their fields with the entries kept, then the order is placed', { timeout: 90000 }, async () => {
  const shots = new StepScreenshots('new-order-en');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  watch.expectStatus('/neuauftrag', 422);  // the form answered with its errors, on purpose
  const folder = await mkdtemp(path.join(os.tmpdir(), 'sigcard-new-order-en-'));
  try {
    await page.goto(demo.url('/neuauftrag?lang=en'));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('#page-title').innerText(), /New order/);

    // No surname, an ID document that expired, an applicant of 12: refused, nothing lost.
    await applyForNewOrder(page, {
      data: { ...applicant, 'person-surname': '', 'id_document-expires_on': '2020-01-31',
        'person-birth_date': '2014-06-01' },
      lawyer: false,
      refused: true,
    });
    assert.match(page.url(), /\/neuauftrag(\?lang=en)?$/);
    await page.locator('#error-summary').waitFor();
    const summary = await page.locator('#error-summary').innerText();
    assert.match(summary, /Surname: Please fill in this field/);
    assert.match(summary, /ID document – date of expiry: This ID document has expired/);
    assert.match(summary, /Date of birth: We can issue a qualified signature card only to applicants aged 18 or over/);
    assert.equal(await page.locator('#person-surname').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#person-given_names').inputValue(), 'Lena Marie');
    assert.equal(await page.locator('#person-birth_place').inputValue(), 'Münster');
    assert.equal(await page.locator('#revocation-password').inputValue(), '');  // never sent back
    await shots.take(page, 'errors', { docsName: 'new-order-errors-en', fullPage: true });

    await applyForNewOrder(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'awaiting_identification');
    assert.match(await page.locator('#order-state').innerText(), /waiting for your identification/);
    await shots.take(page, 'order-page', { docsName: 'new-order-page-en' });
    const coupon = await fetchDocument(page, 'download-coupon', folder);
    assert.match(coupon.text, /PostIdent coupon/);
    assert.match(coupon.text, /Valid until \d{4}-\d{2}-\d{2}/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
    await rm(folder, { recursive: true, force: true });
  }
});

// The deadline passes: the expiry the portal runs every minute, here run by `sigcard order
// expire-overdue` with its clock 31 days ahead (libfaketime, Debian's faketime: the clock
// injected from outside, no test hook in SigCard); the applicant's page says so and offers no
// cancellation any more.
test('new order (de): not identified by the deadline, the order expires', { timeout: 90000 }, async () => {
  const page = await demo.browser.context.newPage();
  try {
    await page.goto(demo.url('/neuauftrag?lang=de'));
    await applyForNewOrder(page, { lawyer: false });
    const number = await page.locator('#order-number').innerText();
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'awaiting_identification');

    const early = await demo.tc.sigcard('order', 'expire-overdue');
    assert.doesNotMatch(early, new RegExp(number));
    const late = await demo.tc.sigcard('order', 'expire-overdue', {
      env: { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', FAKETIME: '+31d' },
    });
    assert.match(late, new RegExp(`Order ${number} expired`));
    await page.reload();
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'expired');
    assert.match(await page.locator('#expired-note').innerText(), /verfallen/);
    assert.equal(await page.locator('#cancel-order').count(), 0);
  } finally {
    await page.close();
  }
});
