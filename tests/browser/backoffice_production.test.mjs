// Production, shipping and activation as the back office and the holder meet them: a new order
// identified by the (FAKE) post office and approved by two approvers is produced from the
// production queue by Dirk (the PIN letter comes out once, as a PDF: transport PIN and activation
// code), shipped by Elif with the card's label and the tracking numbers, and activated by the
// applicant on the status page with the code from the letter — after wrong codes, which are
// counted. A follow-up order's code is locked after five wrong tries: the right code then no
// longer activates it. German and English.
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
import { StepScreenshots } from './support/screenshots.mjs';
import {
  holderData, lookUpStatus, placeFollowUpOrder, signInOperator,
} from './support/wizard.mjs';

const run = promisify(execFile);
let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

async function logOut(page) {
  await Promise.all([page.waitForURL(/\/anmeldung\?ende=abgemeldet$/), page.locator('#logout').click()]);
}

// The PIN letter as the production operator's browser saves it, and what it says.
async function pinLetterOf(download, name) {
  const file = path.join(demo.tc.root, `${name}.pdf`);
  await download.saveAs(file);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  const text = stdout.replace(/\s+/g, ' ');
  return {
    file,
    text,
    pin: text.match(/transport PIN.*?\b(\d{6})\b/)?.[1],
    code: text.match(/\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/)?.[1],
  };
}

async function produceFromQueue(page, order) {
  await page.goto(demo.backofficeUrl('/arbeit?liste=produce&lang=en'));
  await page.locator(`#queue-items tr[data-order="${order}"] .batch-choice`).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#produce-batch').click()]);
  return download;
}

async function ship(page, order, card, letter) {
  await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
  await page.locator('#card-tracking-input').fill(card);
  if (letter) await page.locator('#letter-tracking-input').fill(letter);
  await Promise.all([page.waitForURL(/versandt=1/), page.locator('#ship-button').click()]);
}

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
    await demo.tc.approveTwice(order);

    await signInOperator(demo, page, 'Demo Op Dirk Produktion', 'en');
    await page.goto(demo.backofficeUrl('/arbeit?liste=produce&lang=en'));
    await shots.take(page, 'produce-queue-en', { docsName: 'backoffice-queue-produce-en', fullPage: true });
    const letter = await pinLetterOf(await produceFromQueue(page, order), 'pin-letter');
    assert.match(letter.text, new RegExp(`Order number ${order}`));
    assert.match(letter.text, new RegExp(applicant['shipping-name'] ?? 'Mustermann'));
    assert.ok(letter.pin, letter.text);
    assert.ok(letter.code, letter.text);
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
    await ship(page, order, 'JJD0001234567', 'RR123456789DE');
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
    const letter = await pinLetterOf(download, 'pin-letter-follow-up');
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
