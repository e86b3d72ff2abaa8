/**
 * @module What a client is told about a broken video, on real runner servers (`/video-upscale`, tiny ×4 model, and
 * `/frame-interpolation`, tiny FILM): random bytes named .mp4, an mp4 cut in its data, an mp4 without its `moov`
 * box, an mkv whose frames are damaged (it passes the probe and fails in the decoder), an FLV cut where a tag ends, an
 * mp4 whose `tkhd` understates its frames, an audio-only file and an empty one each get a 4xx whose message is one stable, bounded line with no path of this machine, no scratch file
 * name and no `[name @ 0x…]` pointer — and the runner's `job done` line for the request keeps ffmpeg's whole stderr.
 */
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateTmpdir, servedRunner } from "./helpers.js";
import { ffmpeg, lavfiClip, videoDir } from "./video-fixtures.js";

/** The longest message a broken upload may get: the sentence and ffmpeg's reason (at most 160 characters). */
const MAX_MESSAGE = 400;
const ACCEPTED = "MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream";

/** A broken upload, what its answer must say, and what the log line must keep of ffmpeg's stderr. */
interface Case {
  file: string;
  status: number;
  msg: RegExp;
  /** The `job done` line's `stderr`, or `undefined` when no ffmpeg run complained. */
  stderr: RegExp | undefined;
}

const CASES: Case[] = [
  {
    file: "random.mp4",
    status: 415,
    msg: /^video is not a video ffmpeg can read \(Invalid data found when processing input\); send MP4/,
    // The whole line, scratch path and all, for the operator.
    stderr: /\/avs-[\w-]+\/upload: Invalid data found when processing input/,
  },
  {
    file: "truncated.mp4",
    status: 400,
    msg: /^video is damaged or cut short \(stream 0, offset 0x[0-9a-f]+: partial file\); send the complete file$/,
    stderr: /\[mov,mp4,m4a,3gp,3g2,mj2 @ 0x[0-9a-f]+\] stream 0, offset 0x[0-9a-f]+: partial file/,
  },
  {
    file: "no-moov.mp4",
    status: 400,
    msg: /^video is an MP4\/MOV file without its index \(no moov box\).*send the complete file$/,
    stderr: /\[mov,mp4,m4a,3gp,3g2,mj2 @ 0x[0-9a-f]+\] moov atom not found/,
  },
  {
    file: "damaged.mkv",
    status: 400,
    msg: new RegExp(
      `^video is damaged: ffmpeg failed after decoding 0 of its 10 frames; send the complete, undamaged file \\(${ACCEPTED}\\); ffmpeg said: inflate returned error -3$`,
    ),
    stderr: /\[png @ 0x[0-9a-f]+\] inflate returned error -3\n(.*\n)*Error while decoding stream/,
  },
  {
    file: "voice.m4a",
    status: 400,
    msg: /^video has no video stream \(it holds audio\); send MP4/,
    stderr: undefined,
  },
  {
    file: "cut.flv",
    status: 400,
    msg: /^video is damaged or cut short \(its onMetaData gives a file of \d+ bytes; \d+ arrived\); send the complete file$/,
    stderr: undefined,
  },
  {
    file: "understated.mp4",
    status: 400,
    msg: /^video's MP4 header and its frames disagree: its tkhd gives 32×24 px frames, its stream holds 64×48 px frames;/,
    stderr: undefined,
  },
  { file: "empty.mp4", status: 415, msg: /^video is empty \(0 bytes\); send MP4/, stderr: undefined },
];

/** Writes the broken uploads of {@link CASES} into `dir`. */
async function brokenUploads(path: (name: string) => string) {
  // Random bytes, reproducibly (a linear congruential generator).
  let x = 12345;
  const noise = Buffer.alloc(20_000, 0).map(() => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x >>> 24;
  });
  await writeFile(path("random.mp4"), noise);

  // An mp4 cut inside its data (index first) and one cut before its index (index last).
  const whole = await lavfiClip(path("whole.mp4"), { size: "64x48", seconds: 1, audio: true });
  await ffmpeg(["-i", whole, "-c", "copy", "-movflags", "+faststart", path("faststart.mp4")]);
  const faststart = await readFile(path("faststart.mp4"));
  await writeFile(path("truncated.mp4"), faststart.subarray(0, faststart.length >> 1));
  const moovLast = await readFile(whole);
  await writeFile(path("no-moov.mp4"), moovLast.subarray(0, moovLast.length >> 1));

  // Ten PNG-coded frames in Matroska with every frame's compressed data damaged: the container and its packets are
  // intact (the probe passes), and the decoder fails on every frame, so ffmpeg exits non-zero.
  await ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=1", "-c:v", "png", path("clean.mkv")]);
  const mkv = await readFile(path("clean.mkv"));
  for (let at = mkv.indexOf("IDAT"); at >= 0; at = mkv.indexOf("IDAT", at + 4)) {
    for (let i = at + 20; i < at + 52; i++) mkv[i] = mkv[i]! ^ 0x5a;
  }
  await writeFile(path("damaged.mkv"), mkv);

  // An FLV cut where a tag ends (its onMetaData gives the whole file's size), and an mp4 whose tkhd says 32×24.
  await ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=1", "-c:v", "libx264", path("whole.flv")]);
  const flv = await readFile(path("whole.flv"));
  let tagEnd = flv.readUInt32BE(5) + 4;
  while (tagEnd < flv.length >> 1) tagEnd += 15 + flv.readUIntBE(tagEnd + 1, 3);
  await writeFile(path("cut.flv"), flv.subarray(0, tagEnd));
  const tkhdAt = moovLast.indexOf("tkhd", moovLast.indexOf("moov", 0, "latin1"), "latin1") - 4;
  const tkhdEnd = tkhdAt + moovLast.readUInt32BE(tkhdAt);
  const understated = Buffer.from(moovLast);
  understated.writeUInt32BE(32 * 65536, tkhdEnd - 8);
  understated.writeUInt32BE(24 * 65536, tkhdEnd - 4);
  await writeFile(path("understated.mp4"), understated);

  await ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", path("voice.m4a")]);
  await writeFile(path("empty.mp4"), "");
}

for (const [pipeline, modelId, fields] of [
  ["video-upscale", "tiny/esrgan-x4", {}],
  ["frame-interpolation", "tiny/film", { multiplier: "2" }],
] as const) {
  describe(`POST /${pipeline}: broken videos get a clean message, and the log keeps ffmpeg's stderr`, () => {
    privateTmpdir();
    const { server, log } = servedRunner([modelId], { pipeline, modelId });
    let dir: Awaited<ReturnType<typeof videoDir>>;

    beforeAll(async () => {
      dir = await videoDir();
      await brokenUploads(dir.path);
    });
    afterAll(() => dir?.cleanup());

    it.each(CASES)("$file", async ({ file, status, msg, stderr }) => {
      const form = new FormData();
      form.append("video", new Blob([await readFile(dir.path(file))]), file);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const requestId = `broken-${pipeline}-${file}`;
      const res = await fetch(`${server().url}/${pipeline}`, {
        method: "POST",
        body: form,
        headers: { "x-request-id": requestId },
      });
      expect(res.status).toBe(status);
      const { detail } = (await res.json()) as { detail: { msg: string } };
      const message = detail.msg;

      expect(message).not.toContain("/tmp");
      expect(message).not.toContain(tmpdir());
      expect(message).not.toMatch(/avs-(video-upscale|frame-interpolation)-|\/upload\b/);
      expect(message).not.toMatch(/@ 0x|0x[0-9a-f]{9,}/i);
      expect(message).not.toMatch(/[\r\n]/);
      expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(message).toMatch(msg);

      const line = log.lines.find((l) => l.msg === "job done" && l.request_id === requestId);
      expect(line).toMatchObject({ status, error: message });
      if (stderr) expect(line?.stderr).toMatch(stderr);
      else expect(line?.stderr).toBeUndefined();
    });
  });
}
