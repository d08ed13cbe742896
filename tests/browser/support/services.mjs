// The running portal and card agent for a test, both on ephemeral loopback ports.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { binary } from './paths.mjs';
import { startProgram } from './processes.mjs';

// The portal creates its request-signing key and certificate here at start
// (src/portal/pages/portal_request_signer.hpp); the agent pins that certificate.
export const requestSigningCertificate = (tc) => path.join(tc.dir, 'tls', 'request-signing.pem');

export async function startPortal(tc) {
  const program = startProgram('sigcard-portal', binary('sigcard-portal'),
    ['--dir', tc.dir, '--port', String(tc.portalPort ?? 0), '--operator-port', '0',
      '--pki-port', String(tc.pkiPort ?? 0), '--backoffice-port', String(tc.backofficePort ?? 0)],
    tc.environment());
  try {
    const { url, port } = await program.waitForListening();
    // The TLS certificate from `sigcard init` names localhost; browsers send this origin.
    const backofficePort = Number(program.output.match(/back office on https:\/\/[^:]+:(\d+)\//)?.[1]);
    return {
      program, url, port, origin: `https://localhost:${port}`,
      backofficeOrigin: `https://localhost:${backofficePort}`, stop: () => program.stop(),
    };
  } catch (e) {
    await program.stop();
    throw e;
  }
}

const tomlString = (value) => JSON.stringify(value);

// Writes an agent configuration allowing exactly `origins` and starts the agent on `port`
// (0: ephemeral). A demo reader without PIN pad, so the PIN goes into the agent's page.
export async function startAgent(tc, { origins, port = 0, pkcs11Module, softhsmConf, extraEnv = {} } = {}) {
  const module = pkcs11Module ?? await tc.hsmModule();
  const lines = [
    `pkcs11_module = ${tomlString(module)}`,
    'require_pin_pad = false',
    'request_lifetime_seconds = 300',
  ];
  for (const origin of origins) {
    lines.push('', '[[portal]]', `origin = ${tomlString(origin)}`,
      `request_signing_certificate = ${tomlString(requestSigningCertificate(tc))}`);
  }
  const config = path.join(tc.root, `agent-${Date.now()}.toml`);
  await writeFile(config, lines.join('\n') + '\n');
  const program = startProgram('sigcard-agent', binary('sigcard-agent'),
    ['--config', config, '--port', String(port)],
    { ...tc.environment(), SOFTHSM2_CONF: softhsmConf ?? tc.cardStoreConf(), ...extraEnv });
  try {
    const { url, port: actualPort } = await program.waitForListening();
    return { program, url, port: actualPort, config, stop: () => program.stop() };
  } catch (e) {
    await program.stop();
    throw e;
  }
}
