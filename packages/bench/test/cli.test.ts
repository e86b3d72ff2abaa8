/**
 * @module The `avs-bench` command as a process: what it refuses before it sends a single job, against a real HTTP
 * server on 127.0.0.1 that counts what reaches it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "bin", "avs-bench.mjs");

/** Runs avs-bench; resolves with its exit code and output whatever the code. */
function avsBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe("the avs-bench command", () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-bench-cli-"));
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a --json path it cannot write before the run, without sending a request", async () => {
    const before = requests;
    const missing = await avsBench([url, "--json", "/nonexistent/x.json"]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toBe(
      "avs-bench: json: cannot write /nonexistent/x.json: the directory /nonexistent does not exist\n",
    );
    const folder = await avsBench([url, "--json", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`avs-bench: json: cannot write ${dir}: it is a directory\n`);
    const notADir = await avsBench([url, "--json", join(BIN, "x.json")]);
    expect(notADir.stderr).toBe(`avs-bench: json: cannot write ${join(BIN, "x.json")}: ${BIN} is not a directory\n`);
    expect(requests).toBe(before);
  });

  it("refuses a bad number with exit status 2 before the run", async () => {
    const before = requests;
    const r = await avsBench([url, "--timeout", "3000000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^avs-bench: timeout must be a number above 0 and at most 2147483 seconds/);
    expect(requests).toBe(before);
  });
});
