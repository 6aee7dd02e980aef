// Child process for the durability test: opens the embedded core database the way `pnpm start`
// does (lock, initialise, migrate, Prisma over PGlite) and writes audit rows one after another,
// printing "ack <requestId>" once each write has returned. The test kills it with SIGKILL.
import { coreTarget, migrateCore, openCoreClient } from '@studyspot/db';

const root = process.argv[2]!;
const server = { kind: 'pglite' as const, dataDir: root };
try {
  await migrateCore(server);
  const core = await openCoreClient(coreTarget(server));
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    const requestId = `${process.pid}-${i}`;
    await core.prisma.auditLog.create({ data: { action: 'durability.write', requestId, details: { i, pad: 'x'.repeat(500) } } });
    process.stdout.write(`ack ${requestId}\n`);
    // A server has I/O between writes; without a turn of the event loop PGlite's synchronous work
    // would starve the lock socket that answers "who holds this directory".
    await new Promise((r) => setImmediate(r));
  }
} catch (err) {
  process.stderr.write(`refused: ${(err as Error).message}\n`);
  process.exit(3);
}
