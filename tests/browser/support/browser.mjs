// Debian's Chromium, headless, driven by playwright-core (never a downloaded browser), and what
// a test watches on a page: console errors, uncaught exceptions and CSP violations.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

export const viewport = { width: 1280, height: 900 };

export async function launchBrowser({ locale = 'de-DE' } = {}) {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'sigcard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true,
    viewport,
    locale,
  });
  // Newer Chromium asks before a public page may reach loopback (Local Network Access); the
  // holder would allow it once. Older versions do not know the permission.
  try {
    await context.grantPermissions(['local-network-access']);
  } catch {
    // unknown permission in this Chromium: nothing to grant
  }
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

// Collects what must not happen on a holder's page. CSP violations arrive as console errors
// ("Refused to … because it violates the following Content Security Policy directive").
export function watchPage(page) {
  const problems = [];
  const expected = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    // The browser's own favicon request, not the page's: the portal has no icon (yet).
    if (where && new URL(where).pathname === '/favicon.ico') return;
    const text = message.text();
    if (expected.some(({ path, status }) => where && new URL(where).pathname === path &&
        text.includes(`status of ${status}`))) return;
    problems.push(`console: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return {
    problems,
    cspViolations: () => problems.filter((p) => /Content Security Policy/i.test(p)),
    // A page the test provokes on purpose (a form answered 422 with its errors) is no problem.
    expectStatus(path, status) { expected.push({ path, status }); },
  };
}

// The portal's pages call the agent at its fixed documented address
// (src/portal/pages/follow_up_wizard.hpp). The tests run their agent on an ephemeral port, so
// requests to the fixed address are passed on to it unchanged (Origin included); the agent's
// answer, CORS fields included, goes back to the page as it is. Playwright answers CORS
// preflights of routed requests itself, so the agent's preflight checks are covered by
// tests/agent, not here.
export const documentedAgentUrl = 'http://127.0.0.1:29561';

// `agentPort` is a function: the test may restart the agent (another card in the reader).
export async function forwardAgent(context, agentPort) {
  await context.route(`${documentedAgentUrl}/**`, async (route) => {
    const request = route.request();
    const port = agentPort();
    if (!port) {
      await route.abort('connectionrefused'); // no agent running, as on a PC without it
      return;
    }
    const target = new URL(request.url());
    const headers = { ...(await request.allHeaders()) };
    delete headers.host;
    headers.host = `127.0.0.1:${port}`;
    const body = request.postDataBuffer();
    try {
      const answer = await new Promise((resolve, reject) => {
        const outgoing = http.request({
          host: '127.0.0.1', port, method: request.method(),
          path: target.pathname + target.search, headers,
        }, (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        });
        outgoing.on('error', reject);
        if (body) outgoing.write(body);
        outgoing.end();
      });
      const responseHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        responseHeaders[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      await route.fulfill({ status: answer.status, headers: responseHeaders, body: answer.body });
    } catch {
      await route.abort('connectionrefused');
    }
  });
}
