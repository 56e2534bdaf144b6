import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { migrate } from "./migrate.js";
import { migrations } from "./migrations.js";
import { openPostgres } from "./postgres.js";
import { TEST_DATABASE_URL } from "./testing/test-databases.js";

describe("migrate, on a database URL whose search_path names no schema", () => {
  it("says where the schema was chosen and how to fix it, not only the server's words", async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=kr_missing_${randomBytes(4).toString("hex")}`);
    const db = openPostgres({ url: url.href });
    try {
      const failed = await migrate(db, migrations).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/search_path .* names none that exists; create it/);
    } finally {
      await db.close();
    }
  });
});
