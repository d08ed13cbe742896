// Four-eyes approval in the back office as the approvers meet it: a holder's follow-up order in
// the approval queue, approved by Anna with her operator card through the card agent, Anna
// refused as the second approver, Bernd giving the second approval after finding the order with
// the search field; the stored signed approval verified with `openssl cms -verify` against the
// trust center's CA. And a new order identified through the (FAKE) post office whose first
// approval is voided when the registration officer changes the shipping address. Screenshots of
// the queue and the order page in German and English.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { applicant, applyForNewOrder } from './support/new_order.mjs';
import { postIdentSuccess, writeResults } from './support/postident_fake.mjs';
import { approve, logOut } from './support/backoffice.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import {
  openAgentConfirmation, placeFollowUpOrder, signInAgentWindow, signInOperator,
} from './support/wizard.mjs';

const run = promisify(execFile);
let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

// A new order applied for on the portal's form and identified by the (FAKE) post office's
// matching result, taken in with `sigcard postident import`.
async function identifiedNewOrder(page, folderName, lang) {
  await page.goto(demo.url(`/neuauftrag?lang=${lang}`));
  await applyForNewOrder(page, { lawyer: false });
  const applicantPage = page.url();
  const order = await page.locator('#order-number').innerText();
  const reference = await page.locator('#postident-reference').innerText();
  const folder = await writeResults(path.join(demo.tc.root, folderName),
    [postIdentSuccess(reference, applicant)]);
  assert.match(await demo.tc.sigcard('postident', 'import', folder), /1 identified/);
  return { order, applicantPage };
}

test('a follow-up order approved by two approvers with their cards; the same approver is refused as the second', { timeout: 240000 }, async () => {
  const shots = new StepScreenshots('backoffice-approval');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const order = await placeFollowUpOrder(demo, page, 'Demo Erika Mustermann');

    await signInOperator(demo, page, 'Demo Op Anna Freigabe', 'en');
    await page.locator('#nav-queues').click();
    await page.locator('#queue-items').waitFor();
    assert.equal(await page.locator('#queue-title').getAttribute('data-queue'), 'approve');
    const row = page.locator(`#queue-items tr[data-order="${order}"]`);
    assert.match(await row.innerText(), /Erika Mustermann\s+follow-up\s+submitted/);
    assert.equal(await row.locator('.approvals').innerText(), '0 / 2');
    await shots.take(page, 'queue-en', { docsName: 'backoffice-queue-approve-en', fullPage: true });
    await approve(demo, page, order);
    assert.equal(await page.locator('#approval-count').innerText(), '1 / 2');
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'submitted');
    assert.equal(await page.locator('#decisions tr[data-operator="anna"]').count(), 1);

    // Anna once more: refused before anything is signed, nothing stored.
    watch.expectStatus('/auftrag/entscheidung', 403);
    await page.locator('#approve').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /You have already decided on this order/);
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
    assert.equal(await page.locator('#approval-count').innerText(), '1 / 2');
    await logOut(page);

    // Bernd finds the order with the search field (as a hand scanner would type it) and gives
    // the second approval.
    await signInOperator(demo, page, 'Demo Op Bernd Freigabe', 'de');
    await page.locator('#nav-search').fill(order);
    await Promise.all([page.waitForURL(/\/auftrag\?auftrag=/), page.locator('#nav-search').press('Enter')]);
    assert.equal(await page.locator('#page-title').innerText(), `Auftrag ${order}`);
    await approve(demo, page, order);
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'approved');
    assert.match(await page.locator('#history').innerText(), /second approval \(first: operator:anna\)/);
    await shots.take(page, 'order-de', { docsName: 'backoffice-order-approved-de', fullPage: true });

    // The stored approval is evidence anyone can check: openssl verifies the card's CMS
    // signature over exactly the stored statement, by a certificate of the trust center's CA.
    const id = await page.locator('#decisions tr[data-operator="bernd"]').getAttribute('data-decision');
    const statement = await page.request.get(demo.backofficeUrl(`/auftrag/entscheidung.json?id=${id}`));
    const signature = await page.request.get(demo.backofficeUrl(`/auftrag/entscheidung.p7s?id=${id}`));
    assert.equal(statement.status(), 200);
    const files = path.join(demo.tc.root, 'decision');
    await writeFile(`${files}.json`, await statement.body());
    await writeFile(`${files}.p7s`, await signature.body());
    const verified = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER',
      '-in', `${files}.p7s`, '-content', `${files}.json`, '-purpose', 'any',
      '-CAfile', path.join(demo.tc.dir, 'ca', 'chain.pem'), '-out', '/dev/null']);
    assert.match(verified.stderr, /Verification successful/);
    assert.match((await statement.text()), /"decision": "approve"/);
    // A changed statement does not verify.
    await writeFile(`${files}.json`, (await statement.text()).replace('approve', 'reject'));
    await assert.rejects(run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER',
      '-in', `${files}.p7s`, '-content', `${files}.json`, '-purpose', 'any',
      '-CAfile', path.join(demo.tc.dir, 'ca', 'chain.pem'), '-out', '/dev/null']));
    await logOut(page);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('a new order\'s first approval is voided when the registration officer changes it', { timeout: 240000 }, async () => {
  const shots = new StepScreenshots('backoffice-approval-voided');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const { order } = await identifiedNewOrder(page, 'postident-voided', 'de');

    await signInOperator(demo, page, 'Demo Op Anna Freigabe', 'de');
    await page.goto(demo.backofficeUrl('/arbeit?liste=approve&lang=de'));
    assert.match(await page.locator(`#queue-items tr[data-order="${order}"]`).innerText(), /Neuauftrag\s+identifiziert/);
    await shots.take(page, 'queue-de', { docsName: 'backoffice-queue-approve-de', fullPage: true });
    await approve(demo, page, order);
    assert.equal(await page.locator('#approval-count').innerText(), '1 / 2');
    await logOut(page);

    await signInOperator(demo, page, 'Demo Op Clara RA-Stelle', 'en');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
    // A bad postal code: refused with the field marked, nothing changed.
    watch.expectStatus('/auftrag/aendern', 422);
    await page.locator('[id="field-shipping.postal_code"]').fill('5114');
    await page.locator('#change-reason').fill('Umzug, telefonisch mitgeteilt');
    await page.locator('#change-submit').click();
    await page.locator('#change-refused').waitFor();
    assert.equal(await page.locator('[id="field-shipping.postal_code"]').getAttribute('aria-invalid'), 'true');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
    assert.equal(await page.locator('#order-revision').innerText(), '0');
    assert.equal(await page.locator('#approval-count').innerText(), '1 / 2');

    await page.locator('[id="field-shipping.street"]').fill('Neue Straße 5');
    await page.locator('#change-reason').fill('Umzug, telefonisch mitgeteilt');
    await Promise.all([page.waitForURL(/geaendert=1/), page.locator('#change-submit').click()]);
    assert.equal(await page.locator('#voided-count').innerText(), '1');
    assert.equal(await page.locator('#order-revision').innerText(), '1');
    assert.equal(await page.locator('#approval-count').innerText(), '0 / 2');
    assert.equal(await page.locator('#decisions tr.voided[data-operator="anna"]').count(), 1);
    await shots.take(page, 'voided-en', { docsName: 'backoffice-order-voided-en', fullPage: true });
    await logOut(page);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('a rejection needs a reason, is signed with the card, and the applicant reads the reason; retention later deletes its personal data class by class', { timeout: 240000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const { order, applicantPage } = await identifiedNewOrder(page, 'postident-rejected', 'en');

    await signInOperator(demo, page, 'Demo Op Bernd Freigabe', 'en');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
    // Without a reason: refused before anything is signed.
    watch.expectStatus('/auftrag/entscheidung', 422);
    await page.locator('#reject').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /A rejection needs a reason/);
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
    await page.locator('#reject-reason').fill('Die Zulassung ist nicht nachgewiesen.');
    await Promise.all([page.waitForURL(/\/auftrag\/entscheidung$/), page.locator('#reject').click()]);
    assert.match(await page.locator('#decision-statement').innerText(), /"reason": "Die Zulassung ist nicht nachgewiesen."/);
    const confirmation = await openAgentConfirmation(page);
    assert.match(await confirmation.locator('#document').innerText(), /I reject this order/);
    await signInAgentWindow(confirmation, '123456');
    await page.waitForURL(/&entschieden=reject$/, { timeout: 30000 });
    await confirmation.close();
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'rejected');
    assert.match(await page.locator('#entered-data').innerText(), new RegExp(applicant['contact-email']));
    await logOut(page);

    await page.goto(applicantPage);
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'rejected');
    assert.match(await page.locator('#rejection-reason').innerText(), /Reason: Die Zulassung ist nicht nachgewiesen\./);

    // Retention: with the rejected orders' periods set to no days (the signed order's kept), the
    // run deletes this order's personal data class by class, once; the back office shows it.
    const config = path.join(demo.tc.dir, 'sigcard.toml');
    const toml = await readFile(config, 'utf8');
    const shortened = toml.replace(
      /(\[retention\.(entered_data|proofs|postident_results|mails|identification)\]\s*\nended_days = )\d+/g, '$10');
    assert.equal((shortened.match(/ended_days = 0/g) ?? []).length, 5, shortened);
    await writeFile(config, shortened);
    try {
      const ran = await demo.tc.sigcard('retention', 'run');
      const classes = ran.split('\n').filter((line) => line.startsWith(`${order}\t`)).map((line) => line.split('\t')[1]).sort();
      assert.deepEqual(classes, ['entered_data', 'identification', 'mails', 'postident_results', 'proofs']);
      assert.doesNotMatch(await demo.tc.sigcard('retention', 'run'), new RegExp(order));
    } finally {
      await writeFile(config, toml);
    }
    await signInOperator(demo, page, 'Demo Op Bernd Freigabe', 'en');
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    assert.equal(await page.locator('#retention-deletions li').count(), 5);
    assert.match(await page.locator('#retention-deletions').innerText(), /Entered data \(contact, addresses, revocation password\)/);
    assert.doesNotMatch(await page.locator('#entered-data').innerText(), new RegExp(applicant['contact-email']));
    await logOut(page);
    // The signed application is kept for its own period: the applicant's page still names it.
    await page.goto(applicantPage);
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'rejected');
    assert.match(await demo.tc.sigcard('audit', 'verify'), /intact/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('the auditor reads who did what and checks the hash chain from the page; a changed record is found', { timeout: 180000 }, async () => {
  const shots = new StepScreenshots('backoffice-audit');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    // An approver is not the auditor.
    await signInOperator(demo, page, 'Demo Op Anna Freigabe', 'en');
    watch.expectStatus('/pruefprotokoll', 403);
    assert.equal((await page.goto(demo.backofficeUrl('/pruefprotokoll'))).status(), 403);
    await page.goto(demo.backofficeUrl('/'));
    await logOut(page);

    await signInOperator(demo, page, 'Demo Op Frank Revision', 'en');
    await page.locator('#nav-audit').click();
    await page.locator('#audit-actor').fill('operator:anna');
    await page.locator('#audit-kind').selectOption('order.');
    await Promise.all([page.waitForURL(/wer=operator%3Aanna/), page.locator('#audit-filter button').click()]);
    const actions = await page.locator('#audit-records tr').evaluateAll(
      (rows) => rows.map((row) => row.getAttribute('data-action')).filter(Boolean));
    assert.ok(actions.includes('order.decision.approve'), actions.join(' '));
    assert.ok(actions.every((action) => action.startsWith('order.')), actions.join(' '));
    await Promise.all([page.waitForURL(/\/pruefprotokoll\/pruefen$/), page.locator('#verify-chain').click()]);
    assert.equal(await page.locator('#chain-result').getAttribute('data-intact'), 'true');
    await shots.take(page, 'audit-en', { docsName: 'backoffice-audit-en', fullPage: false });

    // Someone with the database changes a record: the next check names it.
    await run('sqlite3', [path.join(demo.tc.dir, 'sigcard.db'),
      "UPDATE audit_log SET actor = 'operator:nobody' WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE action = 'order.decision.approve')"]);
    watch.expectStatus('/pruefprotokoll/pruefen', 409);
    await page.goto(demo.backofficeUrl('/pruefprotokoll'));
    await Promise.all([page.waitForURL(/\/pruefprotokoll\/pruefen$/), page.locator('#verify-chain').click()]);
    assert.equal(await page.locator('#chain-result').getAttribute('data-intact'), 'false');
    assert.match(await page.locator('#chain-result').innerText(), /First broken record: \d+/);
    await logOut(page);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('every new back-office form refuses a token that is not the session\'s, and nothing changes', { timeout: 180000 }, async () => {
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    const { order } = await identifiedNewOrder(page, 'postident-forged', 'de');
    await signInOperator(demo, page, 'Demo Op Anna Freigabe', 'en');
    const statement = Buffer.from('{"order":"' + order + '"}').toString('base64');
    // Forms sent with the session's cookie but another site's token: refused before anything.
    for (const [formPath, form] of [
      ['/arbeit/nehmen', { order }],
      ['/arbeit/zurueckgeben', { order }],
      ['/auftrag/entscheidung', { order, decision: 'approve' }],
      ['/auftrag/entscheidung/anfrage', {}],
      ['/auftrag/entscheidung/abschluss', { statement_base64: statement, signature_base64: 'AA==' }],
      ['/auftrag/aendern', { order, 'shipping.street': 'Fremdweg 1', reason: 'forged' }],
      ['/produktion', { order }],
      ['/versand', { order, card_tracking: 'JJD1' }],
      ['/sperren', { order, revocation_password: 'x' }],
      ['/kammer/sperren', { serial: '01', confirm: '1' }],
      ['/pruefprotokoll/pruefen', {}],
    ]) {
      watch.expectStatus(formPath, 403);
      const forged = await page.request.post(demo.backofficeUrl(formPath), { form: { ...form, csrf_token: 'forged' } });
      assert.equal(forged.status(), 403, formPath);
      assert.match(await forged.text(), /data-code="page.csrf_invalid"/, formPath);
    }
    await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
    assert.equal(await page.locator('#approval-count').innerText(), '0 / 2');
    assert.equal(await page.locator('#order-revision').innerText(), '0');
    assert.equal((await page.locator('#claimed-by').innerText()).trim().replace(/\s*Claim$/, ''), '');
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'identified');
    await logOut(page);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
