// The card agent serves only the portal origins on its allowlist: a page of another origin
// cannot read a card's certificate through the holder's browser.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, watchPage } from './support/browser.mjs';
import { request, serveForeignPage } from './support/http_client.mjs';
import { StepScreenshots } from './support/screenshots.mjs';
import { startAgent, startPortal } from './support/services.mjs';
import { createTrustCenter } from './support/trust_center.mjs';

const cardLabel = 'Demo Erika Mustermann';
let tc;
let portal;
let agent;
let browser;

before(async () => {
  tc = await createTrustCenter();
  portal = await startPortal(tc);
  agent = await startAgent(tc, { origins: [portal.origin] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await agent?.stop();
  await portal?.stop();
  await tc?.remove();
});

const certificatePath = `/v1/certificate?token=${encodeURIComponent(cardLabel)}`;

test('a page from an origin not on the allowlist cannot read the certificate', { timeout: 60000 }, async () => {
  const foreign = await serveForeignPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site</h1><p id="result">pending</p>
<script>
fetch(${JSON.stringify(agent.url + certificatePath)})
  .then((r) => r.text().then((t) => { document.getElementById('result').textContent = 'read ' + r.status + ' ' + t; }))
  .catch((e) => { document.getElementById('result').textContent = 'blocked: ' + e.name; });
</script></body></html>`);
  const shots = new StepScreenshots('agent-origin-refused');
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  const failedAgentCalls = [];
  page.on('requestfailed', (failed) => {
    if (failed.url().startsWith(agent.url)) failedAgentCalls.push(failed.failure()?.errorText);
  });
  try {
    await page.goto(foreign.url);
    await page.locator('#result', { hasText: /^(blocked|read)/ }).waitFor();
    await shots.take(page, 'foreign-page');
    assert.equal(await page.locator('#result').textContent(), 'blocked: TypeError',
      'the foreign page must not get the agent\'s answer');
    // The agent answered (and logged) its refusal, without CORS fields, so the browser
    // withheld the answer from the page.
    assert.deepEqual(failedAgentCalls, ['net::ERR_FAILED']);
    assert.ok(watch.problems.some((p) => /blocked by CORS policy/.test(p)), `no CORS error: ${watch.problems}`);
    assert.ok(agent.program.output.includes(`agent.origin_refused Origin ${foreign.origin}`),
      agent.program.output);
  } finally {
    await page.close();
    await foreign.close();
  }

  // The same request with that Origin, made directly: refused with its code, no CORS field.
  const refused = await request(agent.url + certificatePath, { headers: { Origin: foreign.origin } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json?.error?.code, 'agent.origin_refused');
  assert.equal(refused.headers['access-control-allow-origin'], undefined);
  assert.ok(refused.json.error.message.de && refused.json.error.message.en);
});

test('look-alike origins are refused, the portal\'s own origin is served', { timeout: 30000 }, async () => {
  for (const origin of [`${portal.origin}/`, portal.origin.toUpperCase(), `http://localhost:${portal.port}`, 'null']) {
    const refused = await request(agent.url + certificatePath, { headers: { Origin: origin } });
    assert.equal(refused.status, 403, origin);
    assert.equal(refused.json?.error?.code, 'agent.origin_refused', origin);
  }
  const served = await request(agent.url + certificatePath, { headers: { Origin: portal.origin } });
  assert.equal(served.status, 200, served.text);
  assert.equal(served.headers['access-control-allow-origin'], portal.origin);
  assert.ok(served.json.certificate_base64.length > 100);
});

test('a page from an origin not on the allowlist cannot start a signature: its preflight is refused', { timeout: 60000 }, async () => {
  // A JSON POST needs a CORS preflight; the agent refuses it for a foreign origin, so the
  // browser never sends the request itself.
  const foreign = await serveForeignPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><p id="result">pending</p>
<script>
fetch(${JSON.stringify(`${agent.url}/v1/sign`)}, {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ document_base64: 'SGFsbG8=', token: ${JSON.stringify(cardLabel)}, portal_request: '{}', portal_signature: '' }),
}).then((r) => { document.getElementById('result').textContent = 'answered ' + r.status; })
  .catch((e) => { document.getElementById('result').textContent = 'blocked: ' + e.name; });
</script></body></html>`);
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  try {
    await page.goto(foreign.url);
    await page.locator('#result', { hasText: /^(blocked|answered)/ }).waitFor();
    assert.equal(await page.locator('#result').textContent(), 'blocked: TypeError');
    assert.ok(watch.problems.some((p) => /blocked by CORS policy/.test(p) && /preflight/.test(p)),
      `no refused preflight: ${watch.problems}`);
    assert.ok(agent.program.output.includes(`refused OPTIONS /v1/sign: agent.origin_refused Origin ${foreign.origin}`),
      agent.program.output);
    assert.ok(!/POST \/v1\/sign/.test(agent.program.output), 'the POST itself never reached the agent');
  } finally {
    await page.close();
    await foreign.close();
  }
});
