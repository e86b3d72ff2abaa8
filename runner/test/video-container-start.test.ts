/**
 * @module An upload whose container ffmpeg finds past bytes that are not its start. ffmpeg's probe is lenient: it
 * reads an MP4 after an atom it does not know, an MPEG-PS after a few bytes of anything, an MPEG-TS after more than
 * a packet's worth. The gateways recognise a container by its first bytes (server-kit's `videoContainer`) and would
 * price such a file as one 512×512 frame whatever it holds, so the runner refuses it with the command that rewrites
 * it. A recording cut mid-packet, which starts with the rest of one TS packet, is recognised and passes.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { VideoInputError } from "../src/video/index.js";
import { headerProbe } from "./header-probe.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2"];

/** The refusal of a file ffmpeg reads as `name` whose first bytes the gateways do not recognise. */
const notItsStart = (name: string, rewrite: string) =>
  `video is ${name} to ffmpeg, but its first bytes are not ${name}'s start: the gateways recognise a container by ` +
  "its first bytes and count the work from it, so this file would be priced as one 512×512 frame whatever it " +
  `holds; send it from the container's first byte (${rewrite} rewrites it)`;

describe("a container that does not start at the file's first byte", () => {
  const dir = cleanVideoDir();
  const { probe } = headerProbe(dir, "MP4", "ffmpeg -i in.mp4 -c copy out.mp4");

  /** `real.mp4` behind an empty 8-byte atom of `type`, its chunk offsets moved on by 8 so every sample is whole. */
  async function atomFirst(type: string): Promise<Buffer> {
    const mp4 = Buffer.concat([Buffer.from(`\0\0\0\x08${type}`, "latin1"), await readFile(dir.path("real.mp4"))]);
    const stco = mp4.indexOf("stco");
    for (let i = 0; i < mp4.readUInt32BE(stco + 8); i++) {
      mp4.writeUInt32BE(mp4.readUInt32BE(stco + 12 + 4 * i) + 8, stco + 12 + 4 * i);
    }
    return mp4;
  }

  async function refused(name: string, bytes: Buffer, container: string, rewrite: string) {
    const err = await probe(name, bytes);
    expect(err, name).toBeInstanceOf(VideoInputError);
    const { code, status, message } = err as VideoInputError;
    expect([code, status, message]).toEqual(["header_mismatch", 400, notItsStart(container, rewrite)]);
  }

  it("an MP4 after an atom ffmpeg skips, an MPEG-PS after 7 bytes, a TS after 300: 400 with the rewrite", async () => {
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", dir.path("real.mp4")]);
    await ffmpeg([...CLIP, "-c:v", "mpeg2video", "-f", "mpeg", dir.path("real.mpg")]);
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts", dir.path("real.ts")]);
    const mp4 = await atomFirst("abcd");
    await refused("atom.mp4", mp4, "MP4", "ffmpeg -i in.mp4 -c copy out.mp4");
    const mpg = Buffer.concat([Buffer.alloc(7, 0x11), await readFile(dir.path("real.mpg"))]);
    await refused("junk.mpg", mpg, "MPEG-PS", "ffmpeg -i in.mpg -c copy out.mpg");
    const ts = Buffer.concat([Buffer.alloc(300, 0x11), await readFile(dir.path("real.ts"))]);
    await refused("junk.ts", ts, "MPEG-TS", "ffmpeg -i in.ts -c copy out.ts");
  });

  it("an MP4 after a junk or pnot atom, as QuickTime files may start, passes", async () => {
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", dir.path("real.mp4")]);
    for (const type of ["junk", "pnot"]) {
      expect(await probe(`${type}.mp4`, await atomFirst(type)), type).toEqual({ frames: 50, width: 160, height: 120 });
    }
  });

  it("a TS recording cut mid-packet (the rest of a packet first) passes, counted as ffmpeg counts it", async () => {
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts", dir.path("whole.ts")]);
    const whole = await readFile(dir.path("whole.ts"));
    expect(await probe("mid.ts", whole.subarray(100))).toMatchObject({ width: 160, height: 120 });
  });
});
