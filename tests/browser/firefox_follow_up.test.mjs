// The follow-up order in Firefox ESR (Debian's firefox-esr, driven by puppeteer-core over
// WebDriver BiDi), with the real card agent on a port of its own: the pages reach it directly,
// with the browser's own CORS preflight — nothing forwarded. Also what Firefox showed by hand:
// the agent's window breaks no CSP rule on load (its icon), an older agent window closes itself
// when the holder signs again, and the page tells "not allowed by the browser" from "not
// running" when the agent cannot be reached.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  answerLoopbackPermission, clickAndWait, launchFirefox, pagesAt, watchFirefoxPage,
} from './support/firefox.mjs';
import { startAgent, startPortal } from './support/services.mjs';
import { createTrustCenter, freePort } from './support/trust_center.mjs';
import { holderData } from './support/wizard.mjs';

const label = 'Demo Erika Mustermann';
let tc;
let portal;
let agent;
let browser;

before(async () => {
  const agentPort = await freePort();
  tc = await createTrustCenter({ agentPort });
  tc.agentPort = agentPort;
  portal = await startPortal(tc);
  browser = await launchFirefox();
});

after(async () => {
  await browser?.close();
  await agent?.stop();
  await portal?.stop();
  await tc?.remove();
});

async function startTheAgent() {
  agent = await startAgent(tc, {
    origins: [portal.origin], port: tc.agentPort, softhsmConf: await tc.readersWith([label]),
  });
}

const url = (path) => `${portal.origin}${path}`;
const confirmPages = () => pagesAt(browser, /127\.0\.0\.1:\d+\/confirm\//);

// Waits until `predicate` holds, checking every 200 ms.
async function eventually(predicate, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`not within ${timeoutMs} ms: ${what}`);
}

// The agent's window that opens on "Sign with card"; resolves with its page.
async function signingWindow(page) {
  const before = new Set(await confirmPages());
  await page.click('#sign-button');
  let opened;
  await eventually(async () => {
    opened = (await confirmPages()).find((p) => !before.has(p));
    return opened !== undefined;
  }, 'the agent window opens');
  await opened.waitForSelector('#document');
  return opened;
}

// Steps 1–4 of the wizard, as the holder does them; resolves on the signing step with the order
// document the holder reviewed.
async function orderUpToSigning(page) {
  await page.goto(url('/folgeauftrag?lang=de'));
  await clickAndWait(page, '#read-card');
  await page.waitForSelector('#eligibility-result[data-eligible="true"]');
  await page.click('#declaration-unchanged');
  await clickAndWait(page, '#declaration-submit');
  for (const [id, value] of Object.entries(holderData)) {
    await page.$eval(`#${id}`, (input) => { input.value = ''; });
    await page.type(`#${id}`, value);
  }
  if (!(await page.$eval('#billing-same', (box) => box.checked))) await page.click('#billing-same');
  await page.click('#declaration-terms_accepted');
  await clickAndWait(page, '#order-form-submit');
  await page.waitForSelector('#order-document');
  const documentText = await page.$eval('#order-document', (e) => e.innerText);
  await clickAndWait(page, '#to-signature');
  await page.waitForSelector('#sign-button:not([disabled])');
  return documentText;
}

test('Firefox: the whole follow-up order with the real agent, an older agent window closing itself',
  { timeout: 240000 }, async () => {
    await startTheAgent();
    await answerLoopbackPermission(browser, portal.origin, 'granted');
    const page = await browser.newPage();
    const watch = watchFirefoxPage(page);
    const documentText = await orderUpToSigning(page);

    // A first attempt the holder leaves: the page reloaded, signed again. The first window's
    // request is replaced, and that window closes itself (no pile of agent tabs).
    const first = await signingWindow(page);
    const firstWatch = watchFirefoxPage(first);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#sign-button:not([disabled])');
    const second = await signingWindow(page);
    const secondWatch = watchFirefoxPage(second);
    await eventually(async () => first.isClosed() || !(await confirmPages()).includes(first),
      'the older agent window closes itself');
    assert.equal((await confirmPages()).length, 1);
    assert.deepEqual(firstWatch.problems, []);

    // The agent's own window: the requesting origin, the whole document; the PIN typed there.
    assert.equal(await second.$eval('#origin', (e) => e.textContent), portal.origin);
    assert.equal((await second.$eval('#document', (e) => e.innerText)).trim(), documentText.trim());
    await second.type('#pin', tc.card(label).pin);
    await clickAndWait(second, 'button[value="sign"]');
    assert.match(await second.$eval('#outcome', (e) => e.innerText), /signiert/);

    await page.waitForFunction(() => location.pathname === '/folgeauftrag/bestaetigung', { timeout: 30000 });
    assert.match(await page.$eval('#order-number', (e) => e.innerText), /^FA-\d{4}-/);
    // No console error, no CSP violation (the agent window's icon among them), on either page.
    assert.deepEqual(secondWatch.problems, []);
    assert.deepEqual(watch.problems, []);
    await page.close();
    await second.close().catch(() => {});
  });

// "Read card" with no agent reachable, the loopback permission answered `state` by the holder;
// resolves with what the page says.
async function readCardWithoutAgent(state) {
  await answerLoopbackPermission(browser, portal.origin, state);
  const page = await browser.newPage();
  try {
    await page.goto(url('/folgeauftrag?lang=de'));
    await page.click('#read-card');
    await page.waitForSelector('#card-status.is-error', { timeout: 20000 });
    return await page.$eval('#card-status', (e) => e.innerText);
  } finally {
    await page.close();
  }
}

test('Firefox: no agent running, the page says to start it', { timeout: 60000 }, async () => {
  await agent?.stop();
  agent = undefined;
  assert.match(await readCardWithoutAgent('granted'), /Karten-Agent antwortet nicht/);
});

test('Firefox: the browser did not allow the page the agent, the page says so and how to allow it',
  { timeout: 60000 }, async () => {
    await agent?.stop();
    agent = undefined;
    const text = await readCardWithoutAgent('denied');
    assert.match(text, /Ihr Browser hat dieser Seite nicht erlaubt/);
    assert.match(text, /Firefox/);
  });
