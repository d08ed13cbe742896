// axe-core (WCAG 2.1 A and AA rules) on the holders' pages as they meet them, in German and
// English, including a form with errors: no violations.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startDemo, tabTo } from './support/demo_setup.mjs';
import { declareUnchanged, readCard } from './support/wizard.mjs';

const require = createRequire(import.meta.url);
let axeSource;
let demo;
before(async () => {
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  demo = await startDemo({ agent: false });
});
after(async () => { await demo?.stop(); });

// axe is added as a script through the DevTools protocol, so the page's CSP stays as it is.
async function violations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the holders\' pages have no WCAG 2.1 A/AA violations in either language', { timeout: 120000 }, async () => {
  const page = await demo.browser.context.newPage();
  try {
    for (const lang of ['de', 'en']) {
      for (const path of ['/', '/folgeauftrag', '/hilfe/karte', '/status', '/neuauftrag', '/gibt-es-nicht']) {
        await page.goto(demo.url(`${path}?lang=${lang}`));
        assert.deepEqual(await violations(page), [], `${path} (${lang})`);
      }
    }
  } finally {
    await page.close();
  }
});

test('the order form with errors: each wrong field marked, focus on the summary, no violations', { timeout: 120000 }, async () => {
  await demo.insertCard('Demo Erika Mustermann');
  const page = await demo.browser.context.newPage();
  try {
    await readCard(page, demo.url('/folgeauftrag?lang=de'));
    await declareUnchanged(page);
    await Promise.all([page.waitForNavigation(), page.locator('#order-form-submit').click()]);
    await page.locator('#error-summary').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
    for (const id of ['contact-email', 'shipping-street']) {
      assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', id);
      const describedBy = (await page.locator(`#${id}`).getAttribute('aria-describedby')).split(' ');
      assert.ok(describedBy.includes(`${id}-error`), id);
    }
    // The email field's help is read with it, before its error.
    assert.equal(await page.locator('#contact-email').getAttribute('aria-describedby'),
      'contact-email-help contact-email-error');
    assert.deepEqual(await violations(page), []);
  } finally {
    await page.close();
  }
});

test('the status form with a wrong entry marks both fields and focuses the message', { timeout: 60000 }, async () => {
  const page = await demo.browser.context.newPage();
  try {
    await page.goto(demo.url('/status?lang=de'));
    await page.locator('#order-number').fill('FA-2026-XXXX-0000');
    await page.locator('#status-email').fill('niemand@example.org');
    await Promise.all([page.waitForNavigation(), page.locator('#status-submit').click()]);
    await page.locator('#status-not-found').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'status-not-found');
    for (const id of ['order-number', 'status-email']) {
      assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', id);
      assert.equal(await page.locator(`#${id}`).getAttribute('aria-describedby'), 'status-not-found', id);
    }
    assert.deepEqual(await violations(page), []);
  } finally {
    await page.close();
  }
});

test('the keyboard focus ring stands out from the backgrounds it meets (3:1)', { timeout: 60000 }, async () => {
  const page = await demo.browser.context.newPage();
  try {
    await page.goto(demo.url('/'));
    await tabTo(page, 'start-follow-up');
    const ratio = await page.evaluate(() => {
      const luminance = (rgb) => {
        const [r, g, b] = rgb.match(/\d+/g).slice(0, 3).map(Number).map((c) => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (a, b) => {
        const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const outline = getComputedStyle(document.activeElement).outlineColor;
      // The page's white and the grey wash around it.
      const backgrounds = [getComputedStyle(document.querySelector('main')).backgroundColor,
        getComputedStyle(document.body).backgroundColor];
      return Math.min(...backgrounds.map((bg) => contrast(outline, bg)));
    });
    assert.ok(ratio >= 3, `focus ring contrast ${ratio.toFixed(2)}:1`);
  } finally {
    await page.close();
  }
});
