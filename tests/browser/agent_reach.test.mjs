// When the page cannot reach the card agent it tells the holder why: the agent is not running,
// or the browser did not allow the page to reach programs on this computer (Chrome's and Edge's
// Local Network Access permission, denied or still to be asked), and how to allow it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDemo } from './support/demo_setup.mjs';

let demo;
before(async () => { demo = await startDemo({ agent: false }); });
after(async () => { await demo?.stop(); });

// Step 1's "read card" with no agent reachable; returns what the page says.
async function readCardWithout(permission) {
  const page = await demo.browser.context.newPage();
  try {
    const cdp = await demo.browser.context.newCDPSession(page);
    await cdp.send('Browser.setPermission', {
      permission: { name: 'local-network-access' }, setting: permission, origin: demo.portal.origin,
    });
    await page.goto(demo.url('/folgeauftrag?lang=de'));
    await page.locator('#read-card').click();
    const status = page.locator('#card-status.is-error');
    await status.waitFor({ timeout: 15000 });
    return status.innerText();
  } finally {
    await page.close();
  }
}

test('no agent running: the page says to start it', { timeout: 60000 }, async () => {
  assert.match(await readCardWithout('granted'), /Karten-Agent antwortet nicht/);
});

test('the browser denied the page the agent: the page says so and how to allow it', { timeout: 60000 }, async () => {
  const text = await readCardWithout('denied');
  assert.match(text, /Ihr Browser hat dieser Seite nicht erlaubt/);
  assert.match(text, /Chrome und Edge/);
  assert.match(text, /Firefox/);
});

test('the browser still asks for the permission: the page asks the holder to allow it', { timeout: 60000 }, async () => {
  assert.match(await readCardWithout('prompt'), /fragt, ob diese Seite Geräte im lokalen Netzwerk erreichen darf/);
});
