// Revocation as holders, the back office and a chamber meet it: a holder revokes with the card
// itself (several cards in reach, a revoked one refused, a cancel in the agent's window changes
// nothing), or the new card's certificate online with the revocation password chosen in the order, and the portal's OCSP
// responder answers "revoked" within a second; wrong passwords are counted until only the phone
// is left, where a registration officer revokes after checking the password; chamber staff revoke
// a certificate carrying their chamber's admission, are refused another one, and see no orders.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { startDemo } from './support/demo_setup.mjs';
import {
  holderData, openAgentConfirmation, placeFollowUpOrder, signInAgentWindow, signInOperator,
} from './support/wizard.mjs';

const run = promisify(execFile);
let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

// An order through both approvals, production, shipping and the operator's receipt: its new card
// is active. Returns the order number and the new certificate's serial.
async function activeNewCard(page, label) {
  const order = await placeFollowUpOrder(demo, page, label);
  await demo.tc.approveTwice(order);
  const produced = await demo.tc.sigcard('card', 'produce', '--order', order, '--transport-pin', '246810');
  const serial = produced.match(/certificate serial ([0-9a-f]+)/)[1];
  await demo.tc.sigcard('order', 'ship', order, '--card-tracking', 'JJD0001111111');
  await demo.tc.sigcard('order', 'receipt', order);
  return { order, serial };
}

// The portal's OCSP responder, asked by OpenSSL.
async function ocspStatus(serial) {
  const shown = await demo.tc.sigcard('cert', 'show', serial);
  const pem = path.join(demo.tc.root, `${serial}.pem`);
  await writeFile(pem, shown.slice(shown.indexOf('-----BEGIN')));
  const { stdout } = await run('openssl', ['ocsp', '-url', `${demo.portal.url}/ocsp`,
    '-issuer', path.join(demo.tc.dir, 'ca', 'issuing.pem'), '-cert', pem,
    '-CAfile', path.join(demo.tc.dir, 'ca', 'root.pem')]);
  return stdout.match(/: (good|revoked|unknown)/)?.[1];
}

async function tryOnline(page, order, password, { confirm = true } = {}) {
  await page.goto(demo.url('/sperren?lang=en'));
  await page.locator('#revoke-order').fill(order);
  await page.locator('#revoke-password').fill(password);
  if (confirm) await page.locator('#revoke-confirm').check();
  await page.locator('#revoke-submit').click();
  await page.waitForLoadState('load');
  return page.locator('main').innerText();
}

test('the holder revokes online with the revocation password; OCSP answers revoked within a second', { timeout: 300000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const { order, serial } = await activeNewCard(page, 'Demo Erika Mustermann');
    assert.equal(await ocspStatus(serial), 'good');
    watch.expectStatus('/sperren', 422);
    assert.match(await tryOnline(page, order, 'falsches Kennwort'), /order number or the revocation password is not right/);
    assert.match(await tryOnline(page, 'FA-2026-NONE-NONE', holderData['revocation-password']),
      /order number or the revocation password is not right/);
    assert.match(await tryOnline(page, order, holderData['revocation-password'], { confirm: false }),
      /confirm that the certificate is to be revoked for good/);
    assert.equal(await ocspStatus(serial), 'good');
    // Every form of the receipt and the revocation refuses a token that is not the session's,
    // the right password included: nothing revoked.
    for (const formPath of ['/sperren', '/sperren/karte', '/sperren/anfrage', '/sperren/karte/signatur',
      '/empfang/code', '/empfang/anfrage', '/empfang']) {
      watch.expectStatus(formPath, 403);
      const forged = await page.request.post(demo.url(formPath), {
        form: { csrf_token: 'f'.repeat(64), order_number: order, revocation_password: holderData['revocation-password'],
          confirm: '1', code: 'AAAA-BBBB-CCCC' },
      });
      assert.equal(forged.status(), 403, formPath);
      assert.match(await forged.text(), /page\.csrf_invalid/, formPath);
    }
    assert.equal(await ocspStatus(serial), 'good');

    await tryOnline(page, order, holderData['revocation-password']);
    const revokedAt = Date.now();
    assert.equal(await page.locator('#revoked-serial').innerText(), serial);
    assert.equal(await ocspStatus(serial), 'revoked');
    assert.ok(Date.now() - revokedAt < 1000, `OCSP said revoked after ${Date.now() - revokedAt} ms`);
    // Final: a second revocation has nothing left to do.
    watch.expectStatus('/sperren', 409);
    assert.match(await tryOnline(page, order, holderData['revocation-password']), /already revoked/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

// On /sperren: "Read card", pick the card by its label among those in reach.
async function readCardToRevoke(page, label) {
  await page.goto(demo.url('/sperren?lang=en'));
  await page.locator('#read-card').click();
  await page.locator('#card-choice').waitFor();
  await page.locator('#card-choice-list label', { hasText: label }).click();
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.locator('#use-card').click()]);
}

test('the holder revokes with the card itself: the PIN in the agent\'s window, no password; a revoked card and a cancel change nothing', { timeout: 300000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const card = demo.tc.card('Demo Pseudonym');
    await demo.insertCards(['Demo Gesperrt', 'Demo Pseudonym']);
    // The card already revoked: said at once, before anything is signed.
    watch.expectStatus('/sperren/karte', 409);
    await readCardToRevoke(page, 'Demo Gesperrt');
    assert.match(await page.locator('main').innerText(), /already revoked/);

    await readCardToRevoke(page, 'Demo Pseudonym');
    assert.match(page.url(), /\/sperren\/karte$/);
    assert.equal(await page.locator('#revoke-serial').innerText(), card.serial);
    await page.locator('#sign-card').waitFor();
    // Cancelled in the agent's window: nothing revoked, the button ready again.
    let confirmation = await openAgentConfirmation(page);
    assert.match(await confirmation.locator('#document').innerText(), /revoked at once and for good/);
    await Promise.all([confirmation.waitForNavigation(), confirmation.locator('button[value="cancel"]').click()]);
    await confirmation.close();
    await page.locator('#sign-button:enabled').waitFor();
    assert.equal(await ocspStatus(card.serial), 'good');

    confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, card.pin);
    await page.locator('#revoked-serial').waitFor({ timeout: 30000 });
    const revokedAt = Date.now();
    await confirmation.close();
    assert.equal(await page.locator('#revoked-serial').innerText(), card.serial);
    assert.equal(await ocspStatus(card.serial), 'revoked');
    assert.ok(Date.now() - revokedAt < 1000, `OCSP said revoked after ${Date.now() - revokedAt} ms`);
    const audit = await demo.tc.sigcard('audit', 'verify');
    assert.match(audit, /intact/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('after five wrong passwords only the phone is left: the registration officer revokes after checking it', { timeout: 300000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const { order, serial } = await activeNewCard(page, 'Demo Geschaeftsfuehrer');
    watch.expectStatus('/sperren', 422);
    watch.expectStatus('/sperren', 423);
    for (let i = 0; i < 5; i += 1) await tryOnline(page, order, `falsch ${i}`);
    assert.match(await tryOnline(page, order, holderData['revocation-password']), /call our revocation line/);
    assert.equal(await ocspStatus(serial), 'good');

    await signInOperator(demo, page, 'Demo Op Clara RA-Stelle', 'en');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    await page.locator('#phone-revocation-password').fill('nicht das Kennwort');
    await page.locator('#phone-revoke').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /revocation password is not right/);
    assert.equal(await ocspStatus(serial), 'good');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    await page.locator('#phone-revocation-password').fill(holderData['revocation-password']);
    await Promise.all([page.waitForURL(/gesperrt=1/), page.locator('#phone-revoke').click()]);
    assert.equal(await ocspStatus(serial), 'revoked');
    await Promise.all([page.waitForURL(/\/anmeldung\?ende=abgemeldet$/), page.locator('#logout').click()]);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('chamber staff revoke a certificate with their chamber\'s admission, nothing else, and see no orders', { timeout: 180000 }, async () => {
  const shots = new StepScreenshots('backoffice-chamber');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const lawyer = demo.tc.card('Demo Rechtsanwaeltin');
    const erika = demo.tc.card('Demo Erika Mustermann');
    await signInOperator(demo, page, 'Demo Op Hanna Kammer', 'de');
    assert.equal(await page.locator('#nav-queues').count(), 0);
    watch.expectStatus('/arbeit', 403);
    watch.expectStatus('/kammer', 403);
    assert.equal((await page.goto(demo.backofficeUrl('/arbeit'))).status(), 403);
    assert.equal((await page.goto(demo.backofficeUrl(`/kammer?zertifikat=${erika.serial}`))).status(), 403);
    await page.goto(demo.backofficeUrl('/kammer?lang=de'));
    await page.locator('#chamber-serial').fill(lawyer.serial);
    await Promise.all([page.waitForURL(/zertifikat=/), page.locator('#chamber-search button').click()]);
    assert.match(await page.locator('#chamber-holder').innerText(), /Anna Schmitz/);
    await shots.take(page, 'chamber-de', { docsName: 'backoffice-chamber-de', fullPage: true });
    await page.locator('#chamber-confirm').check();
    await Promise.all([page.waitForURL(/gesperrt=1/), page.locator('#chamber-revoke').click()]);
    assert.equal(await ocspStatus(lawyer.serial), 'revoked');
    const reason = await demo.tc.sigcard('cert', 'show', lawyer.serial);
    assert.match(reason, /privilegeWithdrawn/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
