/**
 * Creates an embedded database's files (PostgreSQL's initdb, in WebAssembly), run as a process of
 * its own by embedded.ts: initdb's memory, some 400 MiB, goes when this process exits instead of
 * staying with the gateway for good. Node runs it from source or from dist/ alike (erasable types,
 * no relative imports).
 *
 *   node embedded-init.js <pgdata directory>
 */
import { PGlite } from "@electric-sql/pglite";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: embedded-init <pgdata directory>");
  process.exit(2);
}
const db = await PGlite.create({ dataDir: dir });
await db.close();
