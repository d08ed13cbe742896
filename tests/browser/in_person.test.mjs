// Identification in person at a registration office, as the officer meets it in the back office:
// an applicant's new order, the officer signed in with her card, the document as checked, scans of
// front and back of a synthetic specimen identity card that this test draws (never a real
// person's document) lying on a scanner bed, the corners marked, the CAN and the eye colour
// blacked out, both confirmations — then the record signed with her card in the agent's window.
// The order is identified, and the stored copy, opened again through the audited page, shows the
// KOPIE mark and black boxes exactly at the chosen fields and nowhere else, checked on its pixels.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { startDemo } from './support/demo_setup.mjs';
import { applicant, applyForNewOrder } from './support/new_order.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { openAgentConfirmation, signInAgentWindow } from './support/wizard.mjs';

let demo;
before(async () => { demo = await startDemo({ operators: true }); });
after(async () => { await demo?.stop(); });

// The layout of the German identity card as src/core/identification/id_copy.cpp defines it.
const card = { width: 1011, height: 638 };
const regions = {
  id_card_front: { can: [0.78, 0.84, 0.97, 0.95] },
  id_card_back: { eye_colour: [0.05, 0.10, 0.40, 0.20], height: [0.05, 0.22, 0.40, 0.32] },
};
const bed = { left: 250, top: 200, width: card.width + 500, height: card.height + 400 };

// Draws the specimen on a white scanner bed in the browser and returns the PNG.
async function drawScan(page, side) {
  const dataUrl = await page.evaluate(({ card, fields, bed }) => {
    const canvas = document.createElement('canvas');
    canvas.width = bed.width;
    canvas.height = bed.height;
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, bed.width, bed.height);
    g.fillStyle = 'rgb(215,225,240)';
    g.fillRect(bed.left, bed.top, card.width, card.height);
    g.fillStyle = 'rgb(250,240,170)';
    for (const [l, t, r, b] of Object.values(fields)) {
      g.fillRect(bed.left + l * card.width, bed.top + t * card.height, (r - l) * card.width, (b - t) * card.height);
    }
    g.fillStyle = 'rgb(30,50,130)';
    g.font = '36px sans-serif';
    g.fillText('MUSTERMANN ERIKA (SPECIMEN)', bed.left + 60, bed.top + 300);
    return canvas.toDataURL('image/png');
  }, { card, fields: regions[side], bed });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

// Reads a stored copy's pixels in the browser: black inside the chosen boxes, nothing dark
// outside them, a large red-tinted KOPIE area.
async function analyse(page, jpeg, chosen) {
  return page.evaluate(async ({ base64, chosen }) => {
    const image = new Image();
    image.src = `data:image/jpeg;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const g = canvas.getContext('2d');
    g.drawImage(image, 0, 0);
    const { data } = g.getImageData(0, 0, image.width, image.height);
    const box = ([l, t, r, b], inset) => [l * image.width + inset, t * image.height + inset,
      r * image.width - inset, b * image.height - inset];
    const inside = ([l, t, r, b], x, y) => x >= l && x < r && y >= t && y < b;
    let notBlackInside = 0; let darkOutside = 0; let red = 0;
    for (let y = 0; y < image.height; y += 1) {
      for (let x = 0; x < image.width; x += 1) {
        const i = (y * image.width + x) * 4;
        const [r, gr, b] = [data[i], data[i + 1], data[i + 2]];
        const inBox = chosen.some((c) => inside(box(c, 4), x, y));
        const nearBox = chosen.some((c) => inside(box(c, -5), x, y));
        if (inBox && (r > 16 || gr > 16 || b > 16)) notBlackInside += 1;
        if (!nearBox && r < 40 && gr < 40 && b < 40) darkOutside += 1;
        if (r > b + 60) red += 1;
      }
    }
    return { width: image.width, height: image.height, notBlackInside, darkOutside, red };
  }, { base64: jpeg.toString('base64'), chosen });
}

test('an applicant identified in person: the signed record, the copy blackened at the chosen fields and marked KOPIE', { timeout: 180000 }, async () => {
  const shots = new StepScreenshots('in-person');
  const page = await demo.browser.context.newPage();
  const watch = watchPage(page);
  try {
    await page.goto(demo.url('/neuauftrag?lang=de'));
    await applyForNewOrder(page, { lawyer: false });
    const order = await page.locator('#order-number').innerText();

    await demo.insertCards(['Demo Op Clara RA-Stelle', 'Demo Erika Mustermann']);
    await page.goto(demo.backofficeUrl('/anmeldung?lang=de'));
    await page.locator('#read-card').click();
    await page.locator('#card-choice').waitFor();
    await page.getByLabel(/Clara Claasen/).check();
    await Promise.all([page.waitForURL(/\/anmeldung\/karte$/), page.locator('#use-card').click()]);
    let confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, '123456');
    await page.waitForURL(demo.backofficeUrl('/'), { timeout: 30000 });
    await confirmation.close();

    await page.goto(demo.backofficeUrl(`/identifizierung/vor-ort?auftrag=${order}`));
    assert.match(await page.locator('#ordered-document').innerText(), /T22000129/);
    await page.locator('#document-type').selectOption('id_card');
    await page.locator('#document-number').fill(applicant['id_document-number']);
    await page.locator('#document-authority').fill(applicant['id_document-authority']);
    await page.locator('#document-issued-on').fill(applicant['id_document-issued_on']);
    await page.locator('#document-expires-on').fill(applicant['id_document-expires_on']);
    const corners = [[bed.left, bed.top], [bed.left + card.width, bed.top],
      [bed.left + card.width, bed.top + card.height], [bed.left, bed.top + card.height]].flat().join(',');
    await page.locator('#scan-front').setInputFiles(
      { name: 'vorderseite.png', mimeType: 'image/png', buffer: await drawScan(page, 'id_card_front') });
    // The front's corners marked by four clicks on the shown scan, as the officer does.
    const preview = page.locator('#preview-front img');
    await preview.waitFor();
    const shown = await preview.boundingBox();
    const scale = shown.width / bed.width;
    for (const [x, y] of [[bed.left, bed.top], [bed.left + card.width, bed.top],
      [bed.left + card.width, bed.top + card.height], [bed.left, bed.top + card.height]]) {
      await preview.click({ position: { x: x * scale, y: y * scale } });
    }
    const clicked = (await page.locator('#corners-front').inputValue()).split(',').map(Number);
    const wanted = corners.split(',').map(Number);
    // A click lands on a screen pixel: within what one screen pixel covers of the scan.
    assert.ok(clicked.every((v, i) => Math.abs(v - wanted[i]) <= Math.ceil(1 / scale) + 1),
      `${clicked} ~ ${wanted}`);
    await page.locator('#scan-back').setInputFiles(
      { name: 'rueckseite.png', mimeType: 'image/png', buffer: await drawScan(page, 'id_card_back') });
    await page.locator('#corners-back').fill(corners);
    // Only the fields the policy allows are offered.
    assert.deepEqual(await page.locator('input[id^="blackout-"]').evaluateAll((e) => e.map((x) => x.id)),
      ['blackout-eye_colour', 'blackout-height', 'blackout-can']);
    await page.locator('#blackout-can').check();
    await page.locator('#blackout-eye_colour').check();
    await page.locator('#confirm-stayed').check();
    await page.locator('#confirm-presence').check();
    await shots.take(page, 'form', { docsName: 'backoffice-in-person-de', fullPage: true });
    await page.locator('#in-person-submit').click();
    await page.locator('#identification-record').waitFor();
    const record = JSON.parse(await page.locator('#identification-record').innerText());
    assert.equal(record.order_number, order);
    assert.equal(record.confirmation.document_stayed_with_applicant, true);
    assert.deepEqual([...record.id_copy.blackened].sort(), ['can', 'eye_colour']);
    confirmation = await openAgentConfirmation(page);
    await signInAgentWindow(confirmation, '123456');
    await page.waitForURL(/\/identifizierung\/vor-ort\/fertig/, { timeout: 30000 });
    await confirmation.close();
    await page.locator('#in-person-done').waitFor();
    const printed = await page.request.get(new URL(await page.locator('#record-pdf').getAttribute('href'),
      demo.backofficeUrl('/')).href);
    assert.equal(printed.status(), 200);
    assert.equal((await printed.body()).subarray(0, 5).toString('latin1'), '%PDF-');

    // The stored copy, decrypted through the audited page, checked on its pixels.
    for (const [side, chosen] of [['id_card_front', ['can']], ['id_card_back', ['eye_colour']]]) {
      const answer = await page.request.get(demo.backofficeUrl(
        `/identifizierung/kopie?auftrag=${order}&seite=${side}&grund=Test`));
      assert.equal(answer.status(), 200, side);
      assert.equal(answer.headers()['content-type'], 'image/jpeg');
      const pixels = await analyse(page, await answer.body(), chosen.map((f) => regions[side][f]));
      assert.deepEqual([pixels.width, pixels.height], [card.width, card.height], side);
      assert.equal(pixels.notBlackInside, 0, `${side}: the chosen fields are black`);
      assert.equal(pixels.darkOutside, 0, `${side}: nothing else is black`);
      assert.ok(pixels.red > card.width * card.height / 40, `${side}: KOPIE across the page`);
    }
    const audit = await demo.tc.sigcard('audit', 'verify');
    assert.match(audit, /intact/i);
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
