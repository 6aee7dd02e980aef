/* global process, URL */
// `pnpm test [files or vitest options]`: vitest after code generation, with whatever followed
// `pnpm test` handed to vitest. pnpm appends the arguments to the script and keeps a `--`, which
// vitest would read as the end of its filters (so `pnpm test -- tests/x.test.ts` ran the whole suite);
// a `--` is dropped here.
//
// Every gateway the tests start verifies what it forwards (GATEWAY_FORWARD_VERIFY, vitest.config.ts)
// and writes its counters to GATEWAY_FORWARD_STATS_FILE when it stops; the sum is printed at the end.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2).filter((a) => a !== '--');
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const statsFile = join(tmpdir(), `studyspot-forwarding-${process.pid}.jsonl`);
const child = spawn(process.execPath, [vitest, 'run', ...args], { stdio: 'inherit', env: { ...process.env, GATEWAY_FORWARD_STATS_FILE: statsFile } });

function forwardingSummary() {
  if (!existsSync(statsFile)) return;
  const sum = { gateways: 0, forwarded: 0, verified: 0, handedOver: 0, forwardable: 0, general: 0 };
  for (const line of readFileSync(statsFile, 'utf8').split('\n').filter(Boolean)) {
    const s = JSON.parse(line);
    sum.gateways++;
    for (const k of Object.keys(sum)) if (k !== 'gateways') sum[k] += s[k] ?? 0;
  }
  rmSync(statsFile, { force: true });
  process.stdout.write(
    `[figures] forwarding: ${sum.gateways} gateways; ${sum.forwardable} documents forwardable, ${sum.general} on the general path; ` +
      `${sum.forwarded} operations forwarded, ${sum.verified} of them checked against the general path (0 differed, or their tests failed); ${sum.handedOver} answers with errors handed to the general path\n`,
  );
}
// A terminal's Ctrl-C reaches vitest itself (same process group): wait for it to finish its exit.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  forwardingSummary();
  process.exit(code ?? (signal ? 1 : 0));
});
