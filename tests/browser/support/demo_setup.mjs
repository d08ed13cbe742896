// Everything a holder-facing test needs: its own demo trust center, the portal, the card agent
// allowing that portal (reached by the pages at the documented address) and a browser.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { forwardAgent, launchBrowser } from './browser.mjs';
import { pinPadReaderModule } from './paths.mjs';
import { startAgent, startPortal } from './services.mjs';
import { createTrustCenter } from './trust_center.mjs';

export async function startDemo({ agent: withAgent = true, operators = false } = {}) {
  const demo = {
    tc: undefined, portal: undefined, agent: undefined, browser: undefined,
    // Pages are opened under the origin the agent allows (the TLS certificate names localhost).
    url(path) { return `${this.portal.origin}${path}`; },
    // The back office's pages, on their own listener (the agent allows that origin too: an
    // operator's PC runs one agent).
    backofficeUrl(path) { return `${this.portal.backofficeOrigin}${path}`; },
    // The holder puts this card (alone) into the reader: the agent restarts seeing only it.
    // `pinPad`: the reader is the FAKE class 2 reader, whose keypad "types" the card's PIN and
    // whose `mode` (normal, busy, removed, cancel, no_reader) setReaderMode() changes.
    async insertCard(label, { pinPad = false, mode = 'normal' } = {}) {
      const [card] = await this.insertCards([label], { pinPad, mode });
      return card;
    },
    // Several cards in reach at once, as on many holders' PCs.
    async insertCards(labels, { pinPad = false, mode = 'normal' } = {}) {
      await this.agent?.stop();
      this.agent = undefined;
      // A demo card from the table, or a card production made during the test (no PIN known).
      const cards = labels.map((label) => this.tc.cards.find((c) => c.label === label) ?? { label });
      const card = cards[0];
      const softhsmConf = await this.tc.readersWith(labels);
      const options = { origins: [this.portal.origin, this.portal.backofficeOrigin], softhsmConf };
      if (pinPad) {
        this.readerConfig = path.join(path.dirname(softhsmConf), 'pinpad-reader.conf');
        this.readerPin = card.pin;
        await this.setReaderMode(mode);
        options.pkcs11Module = pinPadReaderModule();
        options.extraEnv = { SIGCARD_PINPAD_FAKE_CONFIG: this.readerConfig };
      }
      this.agent = await startAgent(this.tc, options);
      return cards;
    },
    // The FAKE reader re-reads its configuration on every session, login and slot query.
    async setReaderMode(mode) {
      await writeFile(this.readerConfig, [`module=${await this.tc.hsmModule()}`,
        `pin=${this.readerPin}`, `mode=${mode}`, 'max_tries=3', ''].join('\n'));
    },
    async stop() {
      await this.browser?.close();
      await this.agent?.stop();
      await this.portal?.stop();
      await this.tc?.remove();
    },
  };
  try {
    demo.tc = await createTrustCenter({ operators });
    demo.portal = await startPortal(demo.tc);
    if (withAgent) {
      demo.agent = await startAgent(demo.tc,
        { origins: [demo.portal.origin, demo.portal.backofficeOrigin] });
    }
    demo.browser = await launchBrowser();
    await forwardAgent(demo.browser.context, () => demo.agent?.port);
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
