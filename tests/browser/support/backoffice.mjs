// The back office's steps as operators do them in the browser: approve with the operator card in
// the agent's window, produce (the PIN letter PDF), ship with tracking numbers, log out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { openAgentConfirmation, signInAgentWindow, signInOperator } from './wizard.mjs';

const run = promisify(execFile);

export async function logOut(page) {
  await Promise.all([page.waitForURL(/\/anmeldung\?ende=abgemeldet$/), page.locator('#logout').click()]);
}

// On the order's page: "Approve", the statement, the card signs it in the agent's window.
export async function approve(demo, page, order) {
  await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}`));
  await Promise.all([page.waitForURL(/\/auftrag\/entscheidung$/), page.locator('#approve').click()]);
  assert.match(await page.locator('#decision-statement').innerText(), new RegExp(`"order": "${order}"`));
  const confirmation = await openAgentConfirmation(page);
  assert.match(await confirmation.locator('#document').innerText(), /I approve this order/);
  await signInAgentWindow(confirmation, '123456');
  await page.waitForURL(/\/auftrag\?auftrag=.*&entschieden=approve$/, { timeout: 30000 });
  await confirmation.close();
}

// Anna's and Bernd's approvals, each signed in with their own card.
export async function approveByTwo(demo, page, order) {
  for (const approver of ['Demo Op Anna Freigabe', 'Demo Op Bernd Freigabe']) {
    await signInOperator(demo, page, approver, 'en');
    await approve(demo, page, order);
    await logOut(page);
  }
}

// The PIN letter as the production operator's browser saves it, and what it says.
export async function pinLetterOf(demo, download, name) {
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

export async function produceFromQueue(demo, page, order) {
  await page.goto(demo.backofficeUrl('/arbeit?liste=produce&lang=en'));
  await page.locator(`#queue-items tr[data-order="${order}"] .batch-choice`).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#produce-batch').click()]);
  return download;
}

export async function ship(demo, page, order, card, letter) {
  await page.goto(demo.backofficeUrl(`/auftrag?auftrag=${order}&lang=en`));
  await page.locator('#card-tracking-input').fill(card);
  if (letter) await page.locator('#letter-tracking-input').fill(letter);
  await Promise.all([page.waitForURL(/versandt=1/), page.locator('#ship-button').click()]);
}
