/**
 * @module How an encode that ffmpeg did not finish is answered, with small shell scripts standing in for a broken
 * ffmpeg (a fake, named as one: a real ffmpeg cannot be made to fail on cue): one that exits before reading the
 * frames gives its own reason, not the `write EPIPE` of the frames it never read; one killed by a signal names it;
 * the client's message never holds a server path or pid (the operator's log gets ffmpeg's lines as they were); a
 * full disk is the 503 of a server short of local resources, as on upload.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng, HttpError } from "@ai-video-subnet/server-kit";
import { afterAll, describe, expect, it } from "vitest";
import { deliverMedia } from "./deliver-media.js";
import type { Mp4EncodeError } from "./mp4.js";
import { OutputStore } from "./output-store.js";

const work = mkdtempSync(join(tmpdir(), "avs-mp4-fail-"));
const store = new OutputStore({ dir: join(work, "out") });
afterAll(async () => {
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

/** A fake ffmpeg: a shell script whose last argument is the output file, as the real one's is. */
function fakeFfmpeg(name: string, body: string): string {
  const file = join(work, name);
  writeFileSync(file, `#!/bin/sh\nfor a; do last=$a; done\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const frame = `data:image/png;base64,${Buffer.from(encodePng(64, 64, new Uint8Array(64 * 64 * 3))).toString("base64")}`;
/** Enough frames that ffmpeg's stdin pipe fills: a writer that exits early makes the next write fail (EPIPE). */
const video = Array.from({ length: 400 }, () => ({ url: frame, seed: 1, nsfw: false }));
const ctx = { delivery: "url" as const, store, publicUrl: "https://orch.example", fps: 6 };

async function failure(ffmpeg: string): Promise<HttpError> {
  const err = await deliverMedia({ frames: [video] }, { ...ctx, ffmpeg }).then(
    () => new Error("encoded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

describe("an encode ffmpeg does not finish", () => {
  it("gives ffmpeg's own reason when it exits before reading the frames, without the server's paths", async () => {
    const ffmpeg = fakeFfmpeg("exploding", 'echo "fake ffmpeg: encoder exploded writing $last" >&2\nexit 1');
    const before = readdirSync(store.dir);
    const err = await failure(ffmpeg);
    expect([err.status, err.message]).toEqual([
      500,
      "ffmpeg failed to encode the video: exit 1: fake ffmpeg: encoder exploded writing <file>",
    ]);
    // The operator's log gets what ffmpeg said, path and all.
    expect((err.cause as Mp4EncodeError).stderr).toMatch(/^fake ffmpeg: encoder exploded writing \/.*\.encoding-\d+-/);
    expect(readdirSync(store.dir)).toEqual(before);
  });

  it("names the signal that killed it", async () => {
    const err = await failure(fakeFfmpeg("killed", "kill -9 $$"));
    expect([err.status, err.message]).toEqual([500, "ffmpeg failed to encode the video: ffmpeg was killed by SIGKILL"]);
  });

  it("answers a full disk with the 503 of a server short of local resources", async () => {
    const ffmpeg = fakeFfmpeg(
      "full",
      'cat >/dev/null\necho "Error writing trailer of $last: No space left on device" >&2\nexit 1',
    );
    const err = await failure(ffmpeg);
    expect([err.status, err.message, err.headers?.["Retry-After"]]).toEqual([
      503,
      "this server is short of local resources (files, disk or memory) to encode the video right now; retry later",
      "5",
    ]);
  });
});
