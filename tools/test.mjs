/* global process, URL */
// `pnpm test [files or vitest options]`: vitest after code generation, with whatever followed
// `pnpm test` handed to vitest. pnpm appends the arguments to the script and keeps a `--`, which
// vitest would read as the end of its filters (so `pnpm test -- tests/x.test.ts` ran the whole suite);
// a `--` is dropped here.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2).filter((a) => a !== '--');
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const child = spawn(process.execPath, [vitest, 'run', ...args], { stdio: 'inherit' });
// A terminal's Ctrl-C reaches vitest itself (same process group): wait for it to finish its exit.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
