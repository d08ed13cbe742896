// Starts a SigCard program, waits for its "listening on URL" line and stops it again; keeps its
// output so a failing test can show it and a test can look for a logged code.
import { spawn } from 'node:child_process';

export class RunningProgram {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.output = '';
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // Not startable at all (missing, not executable): reported like an early exit.
      child.once('error', (error) => {
        this.output += `${error.message}\n`;
        resolve({ code: error.code, signal: null });
      });
    });
    const keep = (chunk) => { this.output += chunk.toString('utf8'); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  }

  // Resolves with the URL printed after `listening on `.
  waitForListening(timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const pattern = /listening on (https?:\/\/127\.0\.0\.1:(\d+))\//;
      let finished = false;
      const done = (fn, value) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.child.stdout.off('data', check);
        fn(value);
      };
      const check = () => {
        const match = this.output.match(pattern);
        if (match) done(resolve, { url: match[1], port: Number(match[2]) });
      };
      const timer = setTimeout(
        () => done(reject, new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs);
      this.child.stdout.on('data', check);
      this.exited.then(({ code, signal }) =>
        done(reject, new Error(`${this.name} exited (${code ?? signal}) before listening:\n${this.output}`)));
      check();
    });
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.pid) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function startProgram(name, file, args, env = {}) {
  const child = spawn(file, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningProgram(name, child);
}
