// Production, shipping and activation as the back office and the holder meet them: a new order
// identified by the (FAKE) post office and approved by two approvers with their cards is produced from the
// production queue by Dirk (the PIN letter comes out once, as a PDF: transport PIN and activation
// code), shipped by Elif with the card's label and the tracking numbers, and activated by the
// applicant on the status page with the code from the letter — after wrong codes, which are
// counted. A follow-up order's code is locked after five wrong tries: the right code then no
// longer activates it. A follow-up order the whole way through the back office's pages, with
// every work queue on the way as the role that works it sees it. German and English.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { applicant, applyForNewOrder, readCodes } from './support/new_order.mjs';
import { postIdentSuccess, writeResults } from './support/postident_fake.mjs';
import { approveByTwo, logOut, pinLetterOf, produceFromQueue, ship } from './support/backoffice.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import {
  holderData, lookUpStatus, placeFollowUpOrder, signInOperator,
} from './support/wizard.mjs';

const run = promisify(execFile);
let demo;
let firstOrdersCode;  // the first test's activation code, tried on another order later
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

test('a new order produced from the queue, shipped with tracking numbers and activated with the code', { timeout: 300000 }, async () => {
  const shots = new StepScreenshots('backoffice-production');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await page.goto(demo.url('/neuauftrag?lang=en'));
    await applyForNewOrder(page, { lawyer: false });
    const order = await page.locator('#order-number').innerText();
    const reference = await page.locator('#postident-reference').innerText();
    const folder = await writeResults(path.join(demo.tc.root, 'postident-production'),
      [postIdentSuccess(reference, applicant)]);
    assert.match(await demo.tc.sigcard('postident', 'import', folder), /1 identified/);
    await approveByTwo(demo, page, order);

    await signInOperator(demo, page, 'Demo Op Dirk Produktion', 'en');
    const letter = await pinLetterOf(demo, await produceFromQueue(demo, page, order), 'pin-letter');
    assert.match(letter.text, new RegExp(`Order number ${order}`));
    assert.match(letter.text, new RegExp(applicant['shipping-name'] ?? 'Mustermann'));
    assert.ok(letter.pin, letter.text);
    assert.ok(letter.code, letter.text);
    firstOrdersCode = letter.code;
    // Printed once: the order moved on, and producing again is refused.
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'in_production');
    assert.equal(await page.locator('#produce-button').count(), 0);
    watch.expectStatus('/produktion', 409);
    const again = await page.request.post(demo.backofficeUrl('/produktion'), {
      form: { csrf_token: await page.locator('#logout-form input[name=csrf_token]').inputValue(), order },
    });
    assert.equal(again.status(), 409);
    await logOut(page);

    await signInOperator(demo, page, 'Demo Op Elif Versand', 'de');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=de`));
    const label = await page.request.get(demo.backofficeUrl(`/versand/etikett.pdf?auftrag=${order}`));
    assert.equal(label.status(), 200);
    assert.equal(label.headers()['content-type'], 'application/pdf');
    const labelFile = path.join(demo.tc.root, 'label.pdf');
    await writeFile(labelFile, await label.body());
    assert.match(await readCodes(labelFile, 'Code128'), new RegExp(`Text:\\s+"${order}"`));
    // A tracking number with other characters: refused, nothing recorded.
    watch.expectStatus('/versand', 422);
    await page.locator('#card-tracking-input').fill('JJD 0001<script>');
    await page.locator('#ship-button').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /Sendungsnummer der Karte fehlt oder enthält Zeichen/);
    await ship(demo, page, order, 'JJD0001234567', 'RR123456789DE');
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'shipped');
    assert.equal(await page.locator('#card-tracking').innerText(), 'JJD0001234567');
    await shots.take(page, 'shipped-en', { docsName: 'backoffice-order-shipped-en', fullPage: true });
    // Shipped: invoiced at the price the applicant ordered at, with a number of this year.
    const invoiceNumber = await page.locator('#invoice-link').innerText();
    assert.match(invoiceNumber, new RegExp(`^${new Date().getUTCFullYear()}-\\d{6}$`));
    const invoice = await page.request.get(demo.backofficeUrl(`/auftrag/rechnung.pdf?auftrag=${order}`));
    assert.equal(invoice.headers()['content-type'], 'application/pdf');
    const invoiceFile = path.join(demo.tc.root, 'invoice.pdf');
    await writeFile(invoiceFile, await invoice.body());
    const invoiceText = (await run('pdftotext', ['-enc', 'UTF-8', invoiceFile, '-'])).stdout.replace(/\s+/g, ' ');
    assert.match(invoiceText, new RegExp(invoiceNumber));
    assert.match(invoiceText, /117,81 EUR/);
    assert.match(invoiceText, /Lena Beispiel/);
    await logOut(page);

    // The applicant: tracking numbers on the status page, then the code from the PIN letter.
    await lookUpStatus(page, demo.url('/status?lang=en'), order, applicant['contact-email']);
    assert.equal(await page.locator('#card-tracking').innerText(), 'JJD0001234567');
    assert.equal(await page.locator('#letter-tracking').innerText(), 'RR123456789DE');
    watch.expectStatus('/empfang/code', 422);
    await page.locator('#activation-code').fill('AAAA-BBBB-CCCC');
    await page.locator('#activation-submit').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /The activation code is not right/);
    await lookUpStatus(page, demo.url('/status?lang=en'), order, applicant['contact-email']);
    // Typed as people type it: lower case, with spaces.
    await page.locator('#activation-code').fill(letter.code.toLowerCase().replaceAll('-', ' '));
    await Promise.all([page.waitForURL(/\/empfang\/bestaetigt$/), page.locator('#activation-submit').click()]);
    await lookUpStatus(page, demo.url('/status?lang=en'), order, applicant['contact-email']);
    assert.match(await page.locator('#status-state').innerText(), /active|aktiv/i);
    assert.equal(await page.locator('#activation-code').count(), 0);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('an activation code is locked after five wrong tries, and the right code no longer activates', { timeout: 300000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const order = await placeFollowUpOrder(demo, page, 'Demo Erika Mustermann');
    await demo.tc.approveTwice(order);
    await signInOperator(demo, page, 'Demo Op Dirk Produktion', 'en');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#produce-button').click()]);
    const letter = await pinLetterOf(demo, download, 'pin-letter-follow-up');
    assert.ok(letter.code, letter.text);
    await logOut(page);
    await demo.tc.sigcard('order', 'ship', order, '--card-tracking', 'JJD0009999999');

    watch.expectStatus('/empfang/code', 422);
    watch.expectStatus('/empfang/code', 423);
    for (let i = 0; i < 5; i += 1) {
      await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
      await page.locator('#activation-code').fill(`WRNG-${i}AAA-BBBB`);
      await page.locator('#activation-submit').click();
      await page.waitForLoadState('load');
    }
    assert.match(await page.locator('main').innerText(), /entered wrongly too often and is locked/);
    // The right code no longer helps.
    await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
    await page.locator('#activation-code').fill(letter.code);
    await page.locator('#activation-submit').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /locked/);
    await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
    assert.match(await page.locator('#status-state').innerText(), /on its way|unterwegs|shipped/i);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

// A queue as the signed-in operator sees it, German and English, for docs/screenshots.
async function queueShots(page, shots, queue) {
  for (const lang of ['de', 'en']) {
    await page.goto(demo.backofficeUrl(`/arbeit?liste=${queue}&lang=${lang}`));
    assert.equal(await page.locator('#queue-title').getAttribute('data-queue'), queue);
    await shots.take(page, `${queue}-${lang}`, { docsName: `backoffice-queue-${queue}-${lang}`, fullPage: true });
  }
}

test('a follow-up order through both approvals, production, shipping, invoice and the holder\'s activation; every queue on the way', { timeout: 420000 }, async () => {
  const shots = new StepScreenshots('backoffice-queues');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    // An application still to be identified, and the holder's follow-up order.
    await page.goto(demo.url('/neuauftrag?lang=de'));
    await applyForNewOrder(page, { lawyer: false });
    const waiting = await page.locator('#order-number').innerText();
    const order = await placeFollowUpOrder(demo, page, 'Demo Geschaeftsfuehrer');

    await signInOperator(demo, page, 'Demo Op Clara RA-Stelle', 'de');
    await queueShots(page, shots, 'identify');
    assert.equal(await page.locator(`#queue-items tr[data-order="${waiting}"]`).count(), 1);
    await queueShots(page, shots, 'deadlines');
    await logOut(page);

    await signInOperator(demo, page, 'Demo Op Anna Freigabe', 'en');
    await page.goto(demo.backofficeUrl('/arbeit?liste=approve&lang=en'));
    assert.equal(await page.locator(`#queue-items tr[data-order="${order}"] .approvals`).innerText(), '0 / 2');
    await logOut(page);
    await approveByTwo(demo, page, order);

    await signInOperator(demo, page, 'Demo Op Dirk Produktion', 'de');
    await queueShots(page, shots, 'produce');
    assert.equal(await page.locator(`#queue-items tr[data-order="${order}"]`).count(), 1);
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#produce-button').click()]);
    const letter = await pinLetterOf(demo, download, 'pin-letter-queues');
    assert.match(letter.text, new RegExp(`Order number ${order}`));
    assert.ok(letter.code, letter.text);
    await logOut(page);

    await signInOperator(demo, page, 'Demo Op Elif Versand', 'de');
    await queueShots(page, shots, 'ship');
    assert.equal(await page.locator(`#queue-items tr[data-order="${order}"]`).count(), 1);
    await ship(demo, page, order, 'JJD0004444444', 'RR444444444DE');
    const invoiceNumber = await page.locator('#invoice-link').innerText();
    const invoice = await page.request.get(demo.backofficeUrl(`/auftrag/rechnung.pdf?auftrag=${order}`));
    const invoiceFile = path.join(demo.tc.root, 'invoice-follow-up.pdf');
    await writeFile(invoiceFile, await invoice.body());
    const invoiceText = (await run('pdftotext', ['-enc', 'UTF-8', invoiceFile, '-'])).stdout.replace(/\s+/g, ' ');
    assert.match(invoiceText, new RegExp(invoiceNumber));
    assert.match(invoiceText, new RegExp(order));
    assert.match(invoiceText, /94,01 EUR/);
    await queueShots(page, shots, 'receipt');
    assert.equal(await page.locator(`#queue-items tr[data-order="${order}"]`).count(), 1);
    await logOut(page);

    // The holder: tracking numbers; another order's code is refused; then the code from the
    // PIN letter; used once, it is refused again.
    await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
    assert.equal(await page.locator('#card-tracking').innerText(), 'JJD0004444444');
    assert.ok(firstOrdersCode);
    watch.expectStatus('/empfang/code', 422);
    await page.locator('#activation-code').fill(firstOrdersCode);
    await page.locator('#activation-submit').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /The activation code is not right/);
    await lookUpStatus(page, demo.url('/status?lang=de'), order, holderData['contact-email']);
    await page.locator('#activation-code').fill(letter.code);
    await Promise.all([page.waitForURL(/\/empfang\/bestaetigt$/), page.locator('#activation-submit').click()]);
    await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
    assert.match(await page.locator('#status-state').innerText(), /active|aktiv/i);
    watch.expectStatus('/empfang/code', 409);
    const reused = await page.request.post(demo.url('/empfang/code'), {
      form: { csrf_token: await page.locator('input[name=csrf_token]').first().inputValue(), code: letter.code },
    });
    assert.equal(reused.status(), 409);
    await lookUpStatus(page, demo.url('/status?lang=en'), order, holderData['contact-email']);
    assert.match(await page.locator('#status-state').innerText(), /active/i);
    // Gone from the receipt queue.
    await signInOperator(demo, page, 'Demo Op Elif Versand', 'en');
    await page.goto(demo.backofficeUrl('/arbeit?liste=receipt&lang=en'));
    assert.equal(await page.locator(`#queue-items tr[data-order="${order}"]`).count(), 0);
    await logOut(page);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
