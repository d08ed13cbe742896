// Where the browser tests find the repository, the SigCard binaries and their output folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// ctest passes SIGCARD_BUILD_DIR; by hand it defaults to build/ as scripts/build does.
export const buildDir = path.resolve(repoRoot, process.env.SIGCARD_BUILD_DIR || 'build');

export function binary(name) {
  const file = path.join(buildDir, 'apps', name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build it (ninja -C ${buildDir} ${name}) or set SIGCARD_BUILD_DIR`);
  }
  return file;
}

// The FAKE class 2 reader (src/fakes/pinpad_reader): a PKCS#11 module in front of SoftHSM2.
export function pinPadReaderModule() {
  const file = path.join(buildDir, 'src', 'fakes', 'pinpad_reader', 'libsigcard-pinpad-reader-fake.so');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build it (ninja -C ${buildDir} sigcard-pinpad-reader-fake)`);
  }
  return file;
}

export const testOutputDir = path.join(repoRoot, 'test-output', 'browser');
export const docsScreenshotsDir = path.join(repoRoot, 'docs', 'screenshots');
export const chromiumPath = process.env.SIGCARD_CHROMIUM || '/usr/bin/chromium';
