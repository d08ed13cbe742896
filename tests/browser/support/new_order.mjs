// The new order as a person fills it in: the application form on /neuauftrag, a proof chosen
// as a file, sent; and what the tests do with the documents it leads to (render, read the codes).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const applicant = {
  'person-given_names': 'Lena Marie',
  'person-surname': 'Beispiel',
  'person-birth_name': 'Probe',
  'person-birth_date': '1985-04-23',
  'person-birth_place': 'Münster',
  'person-address-street': 'Prinzipalmarkt 10',
  'person-address-postal_code': '48143',
  'person-address-city': 'Münster',
  'id_document-number': 'T22000129',
  'id_document-authority': 'Stadt Münster',
  'id_document-issued_on': '2022-05-10',
  'id_document-expires_on': '2032-05-09',
  'contact-email': 'lena.beispiel@example.org',
  'contact-phone': '+49 251 1234567',
  'shipping-name': 'Lena Beispiel',
  'shipping-street': 'Prinzipalmarkt 10',
  'shipping-postal_code': '48143',
  'shipping-city': 'Münster',
  'revocation-password': 'Sperr-Kennwort 2026',
  'revocation-password_repeat': 'Sperr-Kennwort 2026',
};

// A one-page PDF with a correct cross-reference table (a proof as a scanner makes one).
export function plainPdf() {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  let pdf = '%PDF-1.7\n';
  const offsets = [];
  objects.forEach((body, i) => { offsets.push(pdf.length); pdf += `${i + 1} 0 obj\n${body}\nendobj\n`; });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// Fills in the form (with a lawyer's admission and its proof when `lawyer`) and sends it; waits
// for the order's own page, or with `refused` for the form again with its errors.
export async function applyForNewOrder(page, { data = applicant, lawyer = true, refused = false } = {}) {
  for (const [id, value] of Object.entries(data)) await page.locator(`#${id}`).fill(value);
  await page.locator('#id_document-type').selectOption('id_card');
  if (lawyer) {
    await page.locator('#certificate-profession-requested').check();
    await page.locator('#certificate-profession-title').fill('Rechtsanwältin');
    await page.locator('#certificate-profession-chamber').fill('Rechtsanwaltskammer Hamm');
    await page.locator('#certificate-profession-proof').setInputFiles(
      { name: 'zulassung.pdf', mimeType: 'application/pdf', buffer: plainPdf() });
  }
  if (!(await page.locator('#billing-same').isChecked())) await page.locator('#billing-same').check();
  await page.locator('#identification-method-postident').check();
  await page.locator('#declaration-terms_accepted').check();
  await page.locator('#declaration-withdrawal_acknowledged').check();
  if (refused) {
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/neuauftrag') && r.request().method() === 'POST'),
      page.locator('#new-order-submit').click()]);
    await page.locator('#error-summary').waitFor();
    return;
  }
  await Promise.all([page.waitForURL(/\/neuauftrag\/NA-/), page.locator('#new-order-submit').click()]);
  await page.locator('#order-number').waitFor();
}

// Downloads a document through the page's link, renders its first page to PNG (pdftoppm) and
// returns the files and the text pdftotext reads.
export async function fetchDocument(page, linkId, folder) {
  const href = await page.locator(`#${linkId}`).getAttribute('href');
  const response = await page.request.get(new URL(href, page.url()).toString());
  assert.equal(response.status(), 200, href);
  assert.equal(response.headers()['content-type'], 'application/pdf');
  const pdf = path.join(folder, `${linkId}.pdf`);
  await writeFile(pdf, await response.body());
  await run('pdftoppm', ['-r', '100', '-f', '1', '-l', '1', '-png', '-singlefile', pdf, path.join(folder, linkId)]);
  const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
  return { pdf, png: path.join(folder, `${linkId}.png`), text: text.replace(/\s+/g, ' ') };
}

// The codes zxing-cpp reads in the rendered page; `corner`: only the top right corner, where
// the order form prints its Data Matrix (as a desk scanner is aimed at it).
export async function readCodes(pdf, format, { corner = false } = {}) {
  const out = pdf.replace(/\.pdf$/, `-${format}`);
  const crop = corner ? ['-x', '1100', '-y', '0', '-W', '554', '-H', '500'] : [];
  await run('pdftoppm', ['-r', '200', '-f', '1', '-l', '1', ...crop, '-png', '-singlefile', pdf, out]);
  const { stdout } = await run('ZXingReader', ['-format', format, `${out}.png`]).catch((e) => e);
  return stdout ?? '';
}
