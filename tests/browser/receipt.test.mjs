// The holder confirms receipt of the new card in the portal: the order placed, approved and its
// card produced by the back office, then on the status page "confirm receipt with the new card":
// the old card alone is refused before any PIN, the new card signs the short statement in the
// agent's window, and the certificate is good at the portal's OCSP responder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import {
  holderData, lookUpStatus,
  openAgentConfirmation, placeFollowUpOrder, signInAgentWindow,
} from './support/wizard.mjs';

const run = promisify(execFile);
let demo;
before(async () => { demo = await startDemo({ agent: false, operators: true }); });
after(async () => { await demo?.stop(); });

test('receipt confirmed by the holder with the new card: the certificate is released, OCSP says good', { timeout: 180000 }, async () => {
  const shots = new StepScreenshots('receipt-by-holder');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const order = await placeFollowUpOrder(demo, page, 'Demo Erika Mustermann');
    // The back office: approval and production of the new card (into the holders' card store).
    await demo.tc.approveTwice(order);
    const produced = await demo.tc.sigcard('card', 'produce', '--order', order, '--label',
      'Erika Folgekarte', '--transport-pin', '246810');
    const serial = produced.match(/certificate serial ([0-9a-f]+)/)[1];
    await demo.tc.sigcard('order', 'ship', order, '--card-tracking', 'JJD0001234567');

    // Only the old card in the reader: said before any window or PIN.
    await demo.insertCards(['Demo Erika Mustermann']);
    await lookUpStatus(page, demo.url('/status?lang=de'), order, holderData['contact-email']);
    await Promise.all([page.waitForURL(/\/empfang$/), page.locator('#confirm-receipt').click()]);
    await shots.take(page, 'receipt-page', { docsName: 'receipt-de' });
    // (The page already says so when it opens; the click asks the agent, which refuses.)
    watch.expectStatus('/v1/sign', 409);
    const [refusal] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/sign') && r.request().method() === 'POST'),
      page.locator('#sign-button').click(),
    ]);
    assert.equal(refusal.status(), 409);
    assert.equal((await refusal.json()).error.code, 'card.checked_card_missing');
    await page.locator('#sign-button:enabled').waitFor();
    const status = page.locator('#sign-status.is-error');
    assert.match(await status.innerText(), /neue Karte dieses Auftrags steckt in keinem Kartenleser/);

    // Old and new card in reach: the new one signs the statement.
    await demo.insertCards(['Demo Erika Mustermann', 'Erika Folgekarte']);
    const confirmation = await openAgentConfirmation(page);
    const statement = await confirmation.locator('#document').innerText();
    assert.match(statement, new RegExp(`Auftrag / Order: ${order}`));
    assert.match(statement, new RegExp(serial, 'i'));
    await signInAgentWindow(confirmation, '246810');
    await page.waitForURL(/\/empfang\/bestaetigt$/, { timeout: 30000 });
    await confirmation.close();
    assert.match(await page.locator('#receipt-confirmed').innerText(), /Zertifikat ist ab sofort gültig/);
    await shots.take(page, 'receipt-confirmed');
    assert.match(await lookUpStatus(page, demo.url('/status'), order, holderData['contact-email']), /aktiv/);
    assert.deepEqual(watch.problems, []);

    // The portal's OCSP responder, asked by OpenSSL: good.
    const shown = await demo.tc.sigcard('cert', 'show', serial);
    const pem = path.join(demo.tc.root, 'new-card.pem');
    await writeFile(pem, shown.slice(shown.indexOf('-----BEGIN')));
    const { stdout } = await run('openssl', ['ocsp', '-url', `${demo.portal.url}/ocsp`,
      '-issuer', path.join(demo.tc.dir, 'ca', 'issuing.pem'), '-cert', pem,
      '-CAfile', path.join(demo.tc.dir, 'ca', 'root.pem')]);
    assert.match(stdout, /: good/);
  } finally {
    await page.close();
  }
});
