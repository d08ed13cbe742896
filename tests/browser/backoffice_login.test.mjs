// Operators log in to the back office with their card through the card agent, as at a desk where
// the operator's own card sits in the reader beside a holder's: the operator's card signs the
// sign-in in the agent's window and the back office opens with their name and roles; a holder's
// card and a revoked operator card are refused before any PIN; pulling the card out ends the
// session. German and English.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { request } from './support/http_client.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { openAgentConfirmation, signInAgentWindow } from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

const operatorPin = '123456';

// The login page, "read card", and — several cards in reach — the card whose holder is `name`.
async function chooseCard(page, lang, name) {
  await page.goto(demo.backofficeUrl(`/anmeldung?lang=${lang}`));
  await page.locator('#read-card').click();
  await page.locator('#card-choice').waitFor();
  await page.getByLabel(new RegExp(name)).check();
  await Promise.all([
    page.waitForURL(/\/anmeldung\/karte$/),
    page.locator('#use-card').click(),
  ]);
}

async function signIn(page, lang, name) {
  await chooseCard(page, lang, name);
  await page.locator('#login-statement').waitFor();
  const confirmation = await openAgentConfirmation(page);
  await signInAgentWindow(confirmation, operatorPin);
  await page.waitForURL(demo.backofficeUrl('/'), { timeout: 30000 });
  await confirmation.close();
}

test('an approver signs in with the card beside a holder\'s card, and is out when the card leaves', { timeout: 120000 }, async () => {
  await demo.insertCards(['Demo Op Anna Freigabe', 'Demo Erika Mustermann']);
  const shots = new StepScreenshots('backoffice-login');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await chooseCard(page, 'de', 'Anna Albers');
    const statement = await page.locator('#login-statement').innerText();
    assert.match(statement, /Anna Albers \(anna\)/);
    assert.match(statement, new RegExp(demo.portal.backofficeOrigin.replace(/[./]/g, '\\$&')));
    await shots.take(page, 'sign-in', { docsName: 'backoffice-sign-in-de' });
    const confirmation = await openAgentConfirmation(page);
    // The agent shows exactly the statement the back office issued.
    assert.match(await confirmation.locator('#document').innerText(), /Challenge: [0-9a-f]{32}/);
    await signInAgentWindow(confirmation, operatorPin);
    await page.waitForURL(demo.backofficeUrl('/'), { timeout: 30000 });
    await confirmation.close();
    assert.equal(await page.locator('#operator-name').innerText(), 'Anna Albers');
    assert.equal(await page.locator('#operator-roles').innerText(), 'Freigabe');
    await shots.take(page, 'home', { docsName: 'backoffice-home-de' });
    // Not a registration officer: the review is not for her.
    assert.equal(await page.locator('#nav-review').count(), 0);
    watch.expectStatus('/identifizierung', 403);
    const refused = await page.goto(demo.backofficeUrl('/identifizierung'));
    assert.equal(refused.status(), 403);
    assert.equal(await page.locator('#error-message').getAttribute('data-code'), 'operator.role_required');

    // The card leaves the reader (the agent now sees only the holder's card): the page notices
    // and the session ends.
    await page.goto(demo.backofficeUrl('/'));
    await demo.insertCards(['Demo Erika Mustermann']);
    await page.waitForURL(/\/anmeldung\?ende=karte$/, { timeout: 20000 });
    await page.locator('#ended-card').waitFor();
    await page.goto(demo.backofficeUrl('/'));
    assert.match(page.url(), /\/anmeldung/);
    // While the reader was swapped the agent was briefly not there: a refused poll, no error.
    assert.deepEqual(watch.problems.filter((p) => !p.includes('ERR_CONNECTION_REFUSED')), []);
  } finally {
    await page.close();
  }
});

test('a holder\'s card and a revoked operator card are refused, in English too', { timeout: 120000 }, async () => {
  await demo.insertCards(['Demo Erika Mustermann', 'Demo Op Olaf gesperrt']);
  const page = await demo.browser.context.newPage();
  try {
    for (const [lang, name, code, text] of [
      ['en', 'Erika Mustermann', 'login.not_operator', /belongs to no back-office operator/],
      ['de', 'Erika Mustermann', 'login.not_operator', /gehört keinem Mitarbeiter/],
      ['en', 'Olaf Ohlsen', 'login.card_not_valid', /revoked or expired/],
    ]) {
      await page.goto(demo.backofficeUrl(`/anmeldung?lang=${lang}`));
      await page.locator('#read-card').click();
      await page.locator('#card-choice').waitFor();
      await page.getByLabel(new RegExp(name)).check();
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/anmeldung/karte')),
        page.locator('#use-card').click(),
      ]);
      assert.equal(answer.status(), 403, `${name} ${lang}`);
      const message = page.locator('#error-message');
      assert.equal(await message.getAttribute('data-code'), code);
      assert.match(await message.innerText(), text);
      // No challenge was issued: the agent never showed anything.
      assert.equal(demo.browser.context.pages().some((p) => /\/confirm\//.test(p.url())), false);
    }
  } finally {
    await page.close();
  }
});

test('the administrator sees the operators with their roles, adds and removes one (English)', { timeout: 120000 }, async () => {
  await demo.insertCards(['Demo Op Greta Admin', 'Demo Op Anna Freigabe']);
  const shots = new StepScreenshots('backoffice-operators');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await signIn(page, 'en', 'Greta Gerber');
    await page.locator('#nav-operators').click();
    await page.locator('#operator-list').waitFor();
    assert.match(await page.locator('tr[data-operator="hanna"]').innerText(),
      /Chamber staff \(Rechtsanwaltskammer Köln\)/);
    assert.match(await page.locator('tr[data-operator="anna"]').innerText(), /Approver/);
    await shots.take(page, 'operators', { docsName: 'backoffice-operators-en' });
    // Adding a colleague: a bad short name is refused and nothing stored; then added and removed.
    const erika = demo.tc.cards.find((c) => c.label === 'Demo Erika Mustermann');
    await page.locator('#new-operator-name').fill('Erika M');
    await page.locator('#operator-display-name').fill('Erika Mustermann');
    await page.locator('#operator-certificate').fill(erika.serial);
    await page.locator('#role-auditor').check();
    watch.expectStatus('/mitarbeiter', 422);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/mitarbeiter') && r.request().method() === 'POST'),
      page.locator('#operator-add-submit').click(),
    ]);
    assert.equal(refused.status(), 422);
    assert.equal(await page.locator('#error-message').getAttribute('data-code'), 'operator.name_invalid');
    await page.goto(demo.backofficeUrl('/mitarbeiter'));
    assert.equal(await page.locator('tr[data-operator="erika"]').count(), 0);
    await page.locator('#new-operator-name').fill('erika');
    await page.locator('#operator-display-name').fill('Erika Mustermann');
    await page.locator('#operator-certificate').fill(erika.serial);
    await page.locator('#role-auditor').check();
    await Promise.all([page.waitForURL(/\/mitarbeiter$/), page.locator('#operator-add-submit').click()]);
    assert.match(await page.locator('tr[data-operator="erika"]').innerText(), /Auditor/);
    await Promise.all([page.waitForURL(/\/mitarbeiter$/), page.locator('#remove-erika').click()]);
    assert.equal(await page.locator('tr[data-operator="erika"]').count(), 0);
    // Forms sent with the session's cookie but without its token (another site's form): refused,
    // nothing changed.
    for (const [path, form] of [
      ['/mitarbeiter', { name: 'evil', display_name: 'Evil', certificate_serial: erika.serial, role_administrator: '1' }],
      ['/mitarbeiter/entfernen', { name: 'anna' }],
      ['/identifizierung/entscheidung', { order: 'NA-2026-0000-0000', decision: 'identify' }],
      ['/abmelden', {}],
    ]) {
      const forged = await page.request.post(demo.backofficeUrl(path), { form: { ...form, csrf_token: 'forged' } });
      assert.equal(forged.status(), 403, path);
      assert.match(await forged.text(), /data-code="page.csrf_invalid"/, path);
    }
    await page.goto(demo.backofficeUrl('/mitarbeiter'));
    assert.equal(await page.locator('tr[data-operator="evil"]').count(), 0);
    assert.equal(await page.locator('tr[data-operator="anna"]').count(), 1);
    // Still signed in (the forged logout did nothing).
    assert.equal(await page.locator('#operator-name').innerText(), 'Greta Gerber');
    // Before login, a form without the back office's own form cookie is refused.
    const stray = await request(demo.backofficeUrl('/anmeldung/karte'), {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf_token=0123456789abcdef0123456789abcdef&certificate_base64=',
    });
    assert.equal(stray.status, 403);
    assert.match(stray.text, /data-code="backoffice.form_expired"/);
    assert.deepEqual(watch.problems, []);
    // Logging out ends the session.
    await Promise.all([page.waitForURL(/ende=abgemeldet/), page.locator('#logout').click()]);
    await page.goto(demo.backofficeUrl('/mitarbeiter'));
    assert.match(page.url(), /\/anmeldung/);
  } finally {
    await page.close();
  }
});
