// The README's demo as a newcomer meets it: `scripts/demo` exactly as it is (its own data folder
// and ports, nothing rewired), then the follow-up order in the browser from the start page to
// the confirmation PDF with a demo card chosen among all the demo cards the agent sees, and the
// same order through the demo's back office (two approvals, production, shipping, the invoice
// mail) to Erika's activation with the code from the PIN letter.
// Run by ctest as its own test (browser_demo_walk) under a resource lock on the demo's ports.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { launchBrowser, watchPage } from './support/browser.mjs';
import { buildDir, repoRoot } from './support/paths.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { applyForNewOrder, fetchDocument, readCodes } from './support/new_order.mjs';
import { freePort } from './support/trust_center.mjs';
import { approve, logOut, pinLetterOf, ship } from './support/backoffice.mjs';
import {
  continueToSigning, declareUnchanged, enterOrderData, holderData, lookUpStatus,
  openAgentConfirmation, signInAgentWindow,
} from './support/wizard.mjs';

let root;
let demo;
let output = '';
let browser;
let portalPort;
let pkiPort;
let backofficePort;
let erikaOrder;

// scripts/demo prints this once portal and agent run.
function waitForDemo(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scripts/demo not up in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    // The banner, and the portal's and the agent's own "listening" lines (they may come after it).
    const check = () => {
      if (output.includes('SigCard demo is running') && /sigcard-agent \S+ listening on/.test(output) &&
          /sigcard-portal listening on https/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/demo ended (${code}):\n${output}`));
    });
  });
}

// The demo's SMTP sink delivers into demo-data/mail/new (a Maildir); each delivery is a new file
// there, so the test waits for the folder's change events, not a timer. `part`: a text or a
// RegExp the mail holds.
async function waitForMail(part, timeoutMs = 20000) {
  const folder = path.join(root, 'demo-data', 'mail', 'new');
  const changes = watch(folder);
  const deadline = setTimeout(() => changes.close(), timeoutMs);
  const find = async () => {
    for (const file of await readdir(folder).catch(() => [])) {
      const text = await readFile(path.join(folder, file), 'utf8').catch(() => '');
      if (part instanceof RegExp ? part.test(text) : text.includes(part)) return text;
    }
    return undefined;
  };
  try {
    let found = await find();
    while (!found) {
      await new Promise((resolve, reject) => {
        changes.once('change', resolve);
        changes.once('close', () => reject(new Error(`no mail with "${part}" in ${folder}`)));
      });
      found = await find();
    }
    return found;
  } finally {
    clearTimeout(deadline);
    changes.close();
  }
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sigcard-demo-walk-'));
  portalPort = await freePort();
  const agentPort = await freePort();
  pkiPort = await freePort();
  backofficePort = await freePort();
  demo = spawn(path.join(repoRoot, 'scripts', 'demo'), [], {
    cwd: repoRoot,
    detached: true, // its own process group: stopped as a whole, as Ctrl-C would
    env: {
      ...process.env,
      SIGCARD_BUILD_DIR: buildDir,
      SIGCARD_DEMO_DIR: path.join(root, 'demo-data'),
      SIGCARD_DEMO_PORTAL_PORT: String(portalPort),
      SIGCARD_DEMO_AGENT_PORT: String(agentPort),
      SIGCARD_DEMO_PKI_PORT: String(pkiPort),
      SIGCARD_DEMO_BACKOFFICE_PORT: String(backofficePort),
      SIGCARD_DEMO_OPERATOR_PORT: String(await freePort()),
      SIGCARD_DEMO_SMTP_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => { output += chunk.toString('utf8'); };
  demo.stdout.on('data', keep);
  demo.stderr.on('data', keep);
  await waitForDemo(demo, 300000);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => { demo.once('exit', resolve); });
    process.kill(-demo.pid, 'SIGINT');
    await exited;
  }
  if (root) await rm(root, { recursive: true, force: true });
});

test('the README\'s demo: a holder chooses the Erika Mustermann card and orders the follow-up card', { timeout: 180000 }, async () => {
  const table = await readFile(path.join(root, 'demo-data', 'cards', 'README.txt'), 'utf8');
  assert.match(table, /Demo Erika Mustermann\s+123456/);
  const shots = new StepScreenshots('demo-walk');
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  const url = (p) => `https://localhost:${portalPort}${p}`;
  try {
    await page.goto(url('/'));
    await Promise.all([page.waitForURL(/\/folgeauftrag$/), page.locator('#start-follow-up').click()]);
    await page.locator('#read-card').click();
    await page.locator('#card-choice').waitFor({ state: 'visible' });
    // Every demo card is in reach — the holders' nine and the back office's nine operator cards
    // (one agent per PC) — the CA's HSM never.
    const choices = await page.locator('#card-choice-list label').allInnerTexts();
    assert.equal(choices.length, 18, choices.join('\n'));
    assert.equal(choices.filter((c) => /Demo Op /.test(c)).length, 9, choices.join('\n'));
    assert.ok(!choices.some((c) => /SigCard CA HSM/.test(c)), choices.join('\n'));
    await shots.take(page, 'choose-card');
    await page.locator('label', { hasText: 'Demo Erika Mustermann' }).click();
    await Promise.all([page.waitForURL(/\/folgeauftrag\/berechtigung/), page.locator('#use-card').click()]);
    assert.equal(await page.locator('#eligibility-result').getAttribute('data-eligible'), 'true');
    assert.equal(await page.locator('#holder-name').innerText(), 'Erika Mustermann');

    await declareUnchanged(page);
    await enterOrderData(page, holderData);
    await continueToSigning(page);
    const confirmation = await openAgentConfirmation(page);
    assert.match(await confirmation.locator('#card').innerText(), /Erika Mustermann/);
    await signInAgentWindow(confirmation, '123456');
    await confirmation.locator('#outcome').waitFor();
    await page.waitForURL(/\/folgeauftrag\/bestaetigung$/, { timeout: 30000 });
    await confirmation.close();
    const orderNumber = await page.locator('#order-number').innerText();
    assert.match(orderNumber, /^FA-\d{4}-/);
    erikaOrder = orderNumber;
    await shots.take(page, 'confirmation');

    assert.match(await page.locator('#mail-notice').innerText(), /erika\.mustermann@example\.org/);
    const mail = await waitForMail(`Auftragsnummer: ${orderNumber}`);
    assert.match(mail, /^To: erika\.mustermann@example\.org$/m);
    assert.ok(mail.includes(`/status?auftrag=${orderNumber}`), mail);

    const pdf = await page.request.get(url('/folgeauftrag/bestaetigung.pdf'));
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

// A person without a card applies on the demo portal: the form with a proof, the order's page,
// the three documents (rendered, the Data Matrix read back), the mail at the demo's SMTP sink with
// working links, and the cancellation.
test('the README\'s demo: a new customer applies, gets the documents and the mail, and cancels', { timeout: 120000 }, async () => {
  const shots = new StepScreenshots('new-order-demo');
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'sigcard-new-order-'));
  const url = (p) => `https://localhost:${portalPort}${p}`;
  try {
    await page.goto(url('/'));
    await page.goto(url('/neuauftrag'));
    await shots.take(page, 'form', { docsName: 'new-order-form-de', fullPage: true });
    await applyForNewOrder(page);
    const number = await page.locator('#order-number').innerText();
    assert.match(number, /^NA-\d{4}-/);
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'awaiting_identification');
    const reference = await page.locator('#postident-reference').innerText();
    assert.match(reference, /^SC[0-9A-Z]{10}$/);
    await shots.take(page, 'order-page', { docsName: 'new-order-page-de' });

    const form = await fetchDocument(page, 'download-order-form', folder);
    assert.ok(form.text.includes(number) && form.text.includes('Lena Marie') && form.text.includes('Rechtsanwaltskammer Hamm'), form.text);
    const scanned = await readCodes(form.pdf, 'DataMatrix', { corner: true });
    const code = /Text:\s+"(NA-[^ ]+) ([0-9a-f]{64})"/.exec(scanned);
    assert.ok(code, scanned);
    assert.equal(code[1], number);
    const status = await page.request.get(url(`/api/v1/orders/${number}?email=lena.beispiel@example.org`));
    assert.equal((await status.json()).document_sha256, code[2]);
    const coupon = await fetchDocument(page, 'download-coupon', folder);
    assert.ok(coupon.text.includes(reference), coupon.text);
    assert.match(await readCodes(coupon.pdf, 'Code128'), new RegExp(`Text:\\s+"${reference}"`));
    const description = await fetchDocument(page, 'download-description', folder);
    assert.ok(description.text.includes('Augenfarbe, Größe und die Zugangsnummer'), description.text);
    if (process.env.SIGCARD_UPDATE_SCREENSHOTS === '1') {
      for (const [doc, name] of [[form, 'new-order-pdf-order-form'], [coupon, 'new-order-pdf-coupon'], [description, 'new-order-pdf-description']]) {
        await copyFile(doc.png, path.join(repoRoot, 'docs', 'screenshots', `${name}.png`));
      }
    }

    const mail = await waitForMail(`Auftragsnummer: ${number}`);
    assert.match(mail, /^To: lena\.beispiel@example\.org$/m);
    const couponLink = /(https:\/\/\S+postident-coupon\.pdf\?key=[0-9a-f]+&lang=de)/.exec(mail);
    assert.ok(couponLink, mail);
    const mailed = await page.request.get(couponLink[1]);
    assert.equal(mailed.status(), 200);
    assert.equal((await mailed.body()).subarray(0, 5).toString('latin1'), '%PDF-');

    await Promise.all([page.waitForURL(/\/neuauftrag\/NA-/), page.locator('#cancel-order').click()]);
    assert.equal(await page.locator('#order-state').getAttribute('data-state'), 'cancelled');
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
    await rm(folder, { recursive: true, force: true });
  }
});

test('the README\'s demo back office: the approver signs in with her card among all the demo cards', { timeout: 120000 }, async () => {
  const operators = await readFile(path.join(root, 'demo-data', 'cards', 'OPERATORS.txt'), 'utf8');
  assert.match(operators, /anna\s+Demo Op Anna Freigabe\s+approver/);
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  const url = (p) => `https://localhost:${backofficePort}${p}`;
  try {
    await page.goto(url('/'));
    assert.match(page.url(), /\/anmeldung$/);
    await page.locator('#read-card').click();
    await page.locator('#card-choice').waitFor({ state: 'visible' });
    await page.locator('label', { hasText: 'Demo Op Anna Freigabe' }).click();
    await Promise.all([page.waitForURL(/\/anmeldung\/karte$/), page.locator('#use-card').click()]);
    const confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, '123456');
    await page.waitForURL(url('/'), { timeout: 30000 });
    await confirmation.close();
    assert.equal(await page.locator('#operator-name').innerText(), 'Anna Albers');
    await Promise.all([page.waitForURL(/ende=abgemeldet/), page.locator('#logout').click()]);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

// An operator signs in on the demo's back office, choosing their card among all demo cards.
async function signInOnDemo(page, label) {
  const url = (p) => `https://localhost:${backofficePort}${p}`;
  await page.goto(url('/anmeldung?lang=en'));
  await page.locator('#read-card').click();
  await page.locator('#card-choice').waitFor({ state: 'visible' });
  await page.locator('label', { hasText: label }).click();
  await Promise.all([page.waitForURL(/\/anmeldung\/karte$/), page.locator('#use-card').click()]);
  const confirmation = await openAgentConfirmation(page);
  await signInAgentWindow(confirmation, '123456');
  await page.waitForURL(url('/'), { timeout: 30000 });
  await confirmation.close();
}

test('the README\'s demo back office: Erika\'s order approved twice, produced, shipped and invoiced; Erika activates her card with the code', { timeout: 300000 }, async () => {
  assert.ok(erikaOrder, 'the follow-up order of the first test');
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  const site = {
    backofficeUrl: (p) => `https://localhost:${backofficePort}${p}`,
    tc: { root },
  };
  try {
    for (const approver of ['Demo Op Anna Freigabe', 'Demo Op Bernd Freigabe']) {
      await signInOnDemo(page, approver);
      await approve(site, page, erikaOrder);
      await logOut(page);
    }
    assert.match(await waitForMail(`Ihr Auftrag ${erikaOrder} ist geprüft und freigegeben`), /^To: erika\.mustermann@example\.org$/m);

    await signInOnDemo(page, 'Demo Op Dirk Produktion');
    await page.goto(site.backofficeUrl(`/auftrag?auftrag=${erikaOrder}&lang=en`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#produce-button').click()]);
    const letter = await pinLetterOf(site, download, 'demo-pin-letter');
    assert.ok(letter.code, letter.text);
    await logOut(page);

    await signInOnDemo(page, 'Demo Op Elif Versand');
    await ship(site, page, erikaOrder, 'JJD0007777777', 'RR777777777DE');
    const invoiceNumber = await page.locator('#invoice-link').innerText();
    await logOut(page);
    const invoiceMail = await waitForMail(`Rechnung ${invoiceNumber} zu Ihrem Auftrag ${erikaOrder}`);
    assert.match(invoiceMail, /^To: erika\.mustermann@example\.org$/m);
    assert.match(invoiceMail, /Content-Type: application\/pdf/);
    assert.ok((await waitForMail(`ist an Ihre Versandadresse unterwegs`)).includes(erikaOrder));

    const portal = (p) => `https://localhost:${portalPort}${p}`;
    await lookUpStatus(page, portal('/status?lang=de'), erikaOrder, holderData['contact-email']);
    assert.equal(await page.locator('#card-tracking').innerText(), 'JJD0007777777');
    await page.locator('#activation-code').fill(letter.code);
    await Promise.all([page.waitForURL(/\/empfang\/bestaetigt$/), page.locator('#activation-submit').click()]);
    await lookUpStatus(page, portal('/status?lang=en'), erikaOrder, holderData['contact-email']);
    assert.match(await page.locator('#status-state').innerText(), /active/i);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

// A relying party checking a demo card's certificate: the responder at the URL the certificate
// names, over plain HTTP, with openssl and with GnuTLS's ocsptool.
test('the demo answers OCSP over plain HTTP at the URL in a demo card\'s certificate', async () => {
  const run = promisify(execFile);
  const data = path.join(root, 'demo-data');
  const card = path.join(data, 'cards', 'erika-mustermann.pem');
  const { stdout: uri } = await run('openssl', ['x509', '-noout', '-ocsp_uri', '-in', card]);
  assert.equal(uri.trim(), `http://localhost:${pkiPort}/ocsp`);
  const issuer = path.join(data, 'ca', 'issuing.pem');
  const openssl = await run('openssl', ['ocsp', '-url', uri.trim(), '-issuer', issuer, '-cert', card,
    '-CAfile', path.join(data, 'ca', 'root.pem')]);
  assert.match(openssl.stdout + openssl.stderr, /erika-mustermann\.pem: good/);
  assert.match(openssl.stdout + openssl.stderr, /Response verify OK/);
  const gnutls = await run('ocsptool', ['--ask', '--load-cert', card, '--load-issuer', issuer]);
  assert.match(gnutls.stdout, /Certificate Status: good/);
  assert.match(gnutls.stdout, /Verifying OCSP Response: Success\./);
});
