// A demo trust center of its own for a test: `sigcard init`, the demo terms and the demo cards in
// a temporary folder, removed again at the end.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { binary, repoRoot } from './paths.mjs';

const run = promisify(execFile);

export const demoTermsFile = path.join(repoRoot, 'docs', 'demo', 'agb-2026-01.txt');

export function today() {
  return new Date().toISOString().slice(0, 10);
}

// The table in cards/README.txt: label, PIN, certificate serial, expected answer, description
// (columns separated by two or more spaces).
function parseCardTable(readme) {
  const cards = [];
  let inTable = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('token label')) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (line.trim() === '') break;
    const [label, pin, serial, expected, description] = line.trim().split(/\s{2,}/);
    cards.push({ label, pin, serial, expected, description });
  }
  return cards;
}

export class TrustCenter {
  constructor(root) {
    this.root = root;
    this.dir = path.join(root, 'tc');
    this.cards = [];
  }

  // `sigcard ARGS --dir DIR`; a last argument {env} adds to the environment.
  async sigcard(...args) {
    const extra = typeof args.at(-1) === 'object' ? args.pop().env : {};
    try {
      const { stdout } = await run(binary('sigcard'), [...args, '--dir', this.dir], {
        cwd: repoRoot,
        env: { ...this.environment(), ...extra },
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (e) {
      throw new Error(`sigcard ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }

  // `sigcard order approve` at an approver's terminal: the operator card (a demo operator's, in
  // the card store) signs the decision, its PIN typed.
  async approveAtTerminal(order, token, pin = '123456') {
    const module = await this.hsmModule();
    return new Promise((resolve, reject) => {
      const child = execFile(binary('sigcard'),
        ['order', 'approve', order, '--module', module, '--token', token, '--lang', 'en', '--dir', this.dir],
        { cwd: repoRoot, env: { ...process.env, SOFTHSM2_CONF: this.cardStoreConf() } },
        (error, stdout, stderr) => error
          ? reject(new Error(`sigcard order approve ${order} failed: ${error.message}\n${stdout}${stderr}`))
          : resolve(stdout));
      child.stdin.end(`${pin}\n`);
    });
  }

  // Both approvals of an order at the terminal, by the demo's two approvers.
  async approveTwice(order) {
    await this.approveAtTerminal(order, 'Demo Op Anna Freigabe');
    await this.approveAtTerminal(order, 'Demo Op Bernd Freigabe');
  }

  publishTerms(file, version, validFrom = today()) {
    return this.sigcard('terms', 'publish', file, '--version', version, '--valid-from', validFrom);
  }

  // SoftHSM2 reads one token store per process: the trust center's own.
  environment() {
    return { ...process.env, SOFTHSM2_CONF: path.join(this.dir, 'hsm', 'softhsm2.conf') };
  }

  // The card store production writes to: every demo card, never the CA's HSM.
  cardStoreConf() {
    return path.join(this.dir, 'card-store', 'softhsm2.conf');
  }

  card(label) {
    const card = this.cards.find((c) => c.label === label);
    if (!card) throw new Error(`no demo card "${label}" in ${this.dir}/cards/README.txt`);
    return card;
  }

  // A card reader holding just the card with this label: a SoftHSM2 store with a copy of that
  // one token (the card store holds every other demo card too).
  // Returns the softhsm2.conf for the agent's SOFTHSM2_CONF.
  readerWith(label) {
    return this.readersWith([label]);
  }

  // Readers holding copies of exactly these cards (a holder's PC with several cards in reach).
  async readersWith(labels) {
    const tokens = path.join(this.dir, 'card-store', 'tokens');
    const folders = [];
    for (const label of labels) {
      // SoftHSM2 keeps the label in token.object, padded with blanks to 32 bytes.
      const padded = Buffer.from(label.padEnd(32, ' '), 'utf8');
      let found;
      for (const entry of await readdir(tokens)) {
        const object = await readFile(path.join(tokens, entry, 'token.object')).catch(() => undefined);
        if (object?.includes(padded)) found = entry;
      }
      if (!found) throw new Error(`no SoftHSM2 token labelled "${label}" in ${tokens}`);
      folders.push(found);
    }
    this.readers = (this.readers ?? 0) + 1;
    const reader = path.join(this.root, `reader-${this.readers}`);
    await mkdir(path.join(reader, 'tokens'), { recursive: true });
    for (const found of folders) {
      await cp(path.join(tokens, found), path.join(reader, 'tokens', found), { recursive: true });
    }
    const conf = path.join(reader, 'softhsm2.conf');
    await writeFile(conf, [`directories.tokendir = ${path.join(reader, 'tokens')}`,
      'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'));
    return conf;
  }

  async hsmModule() {
    const toml = await readFile(path.join(this.dir, 'sigcard.toml'), 'utf8');
    const hsm = toml.split(/^\[/m).find((section) => section.startsWith('hsm]'));
    const module = hsm?.match(/^module\s*=\s*['"]([^'"]+)['"]/m);
    if (!module) throw new Error('sigcard.toml has no [hsm] module');
    return module[1];
  }

  remove() {
    return rm(this.root, { recursive: true, force: true });
  }
}

// A loopback port nobody listens on right now, for the portal: its URL is part of the trust
// center's configuration (the origin the portal signs for the agent), so it is chosen first.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// `agentPort`: the pages call the card agent there instead of at its documented address (a test
// that runs the real agent on a port of its own, without forwarding).
export async function createTrustCenter({ terms = true, cards = true, operators = false, agentPort } = {}) {
  const tc = new TrustCenter(await mkdtemp(path.join(os.tmpdir(), 'sigcard-browser-')));
  try {
    tc.portalPort = await freePort();
    tc.pkiPort = await freePort();
    tc.backofficePort = await freePort();
    await tc.sigcard('init', '--portal-url', `https://localhost:${tc.portalPort}`,
      '--port', String(tc.portalPort), '--pki-url', `http://localhost:${tc.pkiPort}`,
      '--backoffice-url', `https://localhost:${tc.backofficePort}`,
      ...(agentPort ? ['--card-agent-url', `http://127.0.0.1:${agentPort}`] : []));
    if (terms) await tc.publishTerms(demoTermsFile, '2026-01');
    if (cards) {
      await tc.sigcard('demo', 'cards');
      tc.cards = parseCardTable(await readFile(path.join(tc.dir, 'cards', 'README.txt'), 'utf8'));
    }
    // The back office's people, with cards in the same card store (demo PIN 123456).
    if (operators) await tc.sigcard('demo', 'operators');
    return tc;
  } catch (e) {
    await tc.remove();
    throw e;
  }
}
