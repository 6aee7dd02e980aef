// Benchmarks start the real `pnpm start` process; this waits until it has printed its URL and dev
// access (the last thing it prints), and fails with what it wrote if it exits first.
import type { ChildProcess } from 'node:child_process';

export function whenReady(child: ChildProcess, timeoutMs = 180_000): Promise<{ url: string; out: () => string }> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready at (\S+)/.exec(out);
      if (m && out.includes('More: pnpm run token')) {
        clearTimeout(timer);
        resolve({ url: m[1]!, out: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err || out}`)));
  });
}
