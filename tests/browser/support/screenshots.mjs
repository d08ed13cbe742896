// Screenshots of a test's steps: test-output/browser/<test>/NN-step.png. With
// SIGCARD_UPDATE_SCREENSHOTS=1 the main ones are also copied into docs/screenshots/.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { docsScreenshotsDir, testOutputDir } from './paths.mjs';

export class StepScreenshots {
  constructor(testName) {
    this.dir = path.join(testOutputDir, testName);
    this.count = 0;
    this.ready = rm(this.dir, { recursive: true, force: true }).then(() => mkdir(this.dir, { recursive: true }));
  }

  // Saves the page as NN-step.png; `docsName` also publishes it as docs/screenshots/<docsName>.png.
  async take(page, step, { docsName, fullPage = false } = {}) {
    await this.ready;
    this.count += 1;
    const file = path.join(this.dir, `${String(this.count).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage });
    if (docsName && process.env.SIGCARD_UPDATE_SCREENSHOTS === '1') {
      await mkdir(docsScreenshotsDir, { recursive: true });
      await copyFile(file, path.join(docsScreenshotsDir, `${docsName}.png`));
    }
    return file;
  }
}
