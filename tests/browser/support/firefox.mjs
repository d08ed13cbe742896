// Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi (no geckodriver), and what a
// test watches on its pages: console errors (CSP violations among them) and uncaught exceptions.
import puppeteer from 'puppeteer-core';

export const firefoxPath = process.env.SIGCARD_FIREFOX || '/usr/bin/firefox-esr';

export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    acceptInsecureCerts: true, // the demo trust center's own TLS root
    protocol: 'webDriverBiDi',
    defaultViewport: { width: 1280, height: 900 },
    // Automation turns the popup blocker off; a holder's Firefox has it on.
    extraPrefsFirefox: { 'dom.disable_open_during_load': true, 'intl.accept_languages': 'de-DE,de' },
  });
  return browser;
}

// Firefox asks the holder before a public page may reach programs on this computer (Local
// Network Access, permission "loopback-network"): the test answers for the holder.
export async function answerLoopbackPermission(browser, origin, state) {
  await browser.defaultBrowserContext().setPermission(origin,
    { permission: { name: 'loopback-network' }, state });
}

export function watchFirefoxPage(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    problems.push(`console: ${message.text()} (${message.location()?.url ?? ''})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { problems };
}

// Clicks and waits for the navigation it starts.
export async function clickAndWait(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

// The pages open in the browser whose URL matches `pattern`.
export async function pagesAt(browser, pattern) {
  const pages = await browser.pages();
  return pages.filter((p) => pattern.test(p.url()));
}
