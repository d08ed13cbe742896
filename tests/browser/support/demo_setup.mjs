// Everything a holder-facing test needs: its own demo trust center, the portal, the card agent
// allowing that portal (reached by the pages at the documented address) and a browser.
import { forwardAgent, launchBrowser } from './browser.mjs';
import { startAgent, startPortal } from './services.mjs';
import { createTrustCenter } from './trust_center.mjs';

export async function startDemo({ agent: withAgent = true } = {}) {
  const demo = {
    tc: undefined, portal: undefined, agent: undefined, browser: undefined,
    // Pages are opened under the origin the agent allows (the TLS certificate names localhost).
    url(path) { return `${this.portal.origin}${path}`; },
    async stop() {
      await this.browser?.close();
      await this.agent?.stop();
      await this.portal?.stop();
      await this.tc?.remove();
    },
  };
  try {
    demo.tc = await createTrustCenter();
    demo.portal = await startPortal(demo.tc);
    if (withAgent) demo.agent = await startAgent(demo.tc, { origins: [demo.portal.origin] });
    demo.browser = await launchBrowser();
    if (withAgent) await forwardAgent(demo.browser.context, demo.agent);
    return demo;
  } catch (e) {
    await demo.stop();
    throw e;
  }
}

// Moves the keyboard focus with Tab until the element with `id` has it, as a keyboard user would.
export async function tabTo(page, id, maxTabs = 30) {
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id) === id) return;
  }
  throw new Error(`#${id} not reached with ${maxTabs} Tab presses`);
}
