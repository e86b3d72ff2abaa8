/**
 * @module Job answers a caller cannot use, from a hand-written misbehaving server (a fake runner on 127.0.0.1): an
 * answer over `maxAnswerBytes` — with a `content-length` or chunked — stops being read at the limit and rejects with
 * a RunnerAnswerError naming it; a 2xx that is not JSON is a RunnerAnswerError too (the runner answered: it is not a
 * dead connection).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnerAnswerError, RunnerClient } from "../src/index.js";

describe("answers a caller cannot use", () => {
  let server: Server;
  let baseUrl: string;
  /** Bytes the fake wrote of its last answer before the connection closed. */
  let written = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        written = 0;
        if (req.url === "/text-to-image") {
          res.writeHead(200, { "content-type": "application/json" });
          return res.end("this is not json <html>");
        }
        // 64 MiB in 64 KiB chunks, with or without a content-length, as long as the caller reads.
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (req.headers["x-test-length"]) headers["content-length"] = String(1024 * chunk.length);
        res.writeHead(200, headers);
        let left = 1024;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left--;
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          if (left === 0) res.end();
        };
        res.on("error", () => {});
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  for (const length of [false, true]) {
    it(`stops reading an answer past maxAnswerBytes (${length ? "content-length" : "chunked"})`, async () => {
      const runner = new RunnerClient({ baseUrl, maxAnswerBytes: 1024 * 1024 });
      const headers: Record<string, string> = length ? { "x-test-length": "1" } : {};
      const err = await runner
        .forward("/upscale", { contentType: "application/json", body: Buffer.from("{}") }, { headers })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunnerAnswerError);
      expect((err as RunnerAnswerError).reason).toBe("the answer is larger than the limit of 1048576 bytes");
      // The connection was closed at the limit: the server could not write the whole 64 MiB into it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(written).toBeLessThan(32 * 1024 * 1024);
    });
  }

  it("reads an answer within the limit whole, with or without its length, and a call may raise the limit", async () => {
    const runner = new RunnerClient({ baseUrl, maxAnswerBytes: 1024 });
    for (const headers of [{}, { "x-test-length": "1" }] as Record<string, string>[]) {
      const body = await runner.forward(
        "/upscale",
        { contentType: "application/json", body: Buffer.from("{}") },
        { maxAnswerBytes: 64 * 1024 * 1024, headers },
      );
      expect([body.length, body.subarray(-4).toString()]).toEqual([64 * 1024 * 1024, "aaaa"]);
    }
  });

  it("rejects a 2xx answer that is not JSON with a RunnerAnswerError", async () => {
    const runner = new RunnerClient({ baseUrl });
    const err = await runner.run("/text-to-image", { prompt: "x" } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunnerAnswerError);
    expect((err as Error).message).toBe('[POST] "/text-to-image": unusable answer from the runner: it is not JSON');
  });
});
