import { describe, expect, it } from "vitest";
import { cleanFfmpegLine, ffmpegLines, ffmpegReason, REASON_MAX_CHARS } from "./ffmpeg-reason.js";

/** ffmpeg 5.1's stderr for a Matroska file whose PNG frames are damaged, as the decoder's tail holds it. */
const DAMAGED_PNG = [
  "[png @ 0x55c175383480] inflate returned error -3",
  "[png @ 0x55c17539a400] inflate returned error -3",
  "Error while decoding stream #0:0: Generic error in an external library",
  "    Last message repeated 1 times",
].join("\n");

describe("ffmpeg's stderr in a client's message", () => {
  it("takes the first library complaint, without its [name @ 0x…] prefix", () => {
    expect(ffmpegReason(DAMAGED_PNG)).toBe("inflate returned error -3");
  });

  it("falls back to ffmpeg's own last line, and has nothing to say for an empty stderr", () => {
    expect(ffmpegReason("Error while decoding stream #0:0: Invalid data found when processing input")).toBe(
      "Error while decoding stream #0:0: Invalid data found when processing input",
    );
    expect(ffmpegReason("")).toBeUndefined();
    expect(ffmpegReason("    Last message repeated 3 times\n")).toBeUndefined();
  });

  it("names the upload by its field and other paths as `a file`, and drops ffmpeg's `path: ` lead", () => {
    const upload = "/tmp/avs-video-upscale-6389-29-Km8XxM/upload";
    expect(cleanFfmpegLine(`${upload}: Invalid data found when processing input`, { paths: [upload] })).toBe(
      "Invalid data found when processing input",
    );
    expect(cleanFfmpegLine(`Error opening input file ${upload}.`, { paths: [upload], field: "video" })).toBe(
      "Error opening input file video.",
    );
    expect(cleanFfmpegLine("could not open /var/lib/x/y.dat (No such file)")).toBe(
      "could not open a file (No such file)",
    );
    // A rate such as 30000/1001 or a unit such as B/s is no path.
    expect(cleanFfmpegLine("rate 30000/1001 at 12 kB/s")).toBe("rate 30000/1001 at 12 kB/s");
  });

  it("hides pointers but keeps file offsets", () => {
    expect(cleanFfmpegLine("stream 0, offset 0x202d: partial file")).toBe("stream 0, offset 0x202d: partial file");
    expect(cleanFfmpegLine("context 0x55d0c1a2b3c0 lost")).toBe("context 0x… lost");
  });

  it("leaves out banner and indented lines, and returns one bounded line", () => {
    const banner = [
      "ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers",
      "  built with gcc 12 (Debian 12.2.0-14)",
      "  configuration: --prefix=/usr --extra-version=0+deb12u1",
      "Input #0, matroska,webm, from '/tmp/x/upload':",
      `[h264 @ 0x55d0c1a2b3c0] ${"x".repeat(500)}\u0007tail`,
    ].join("\r\n");
    const lines = ffmpegLines(banner);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.component).toBe(true);
    expect(lines[0]!.text).toHaveLength(REASON_MAX_CHARS);
    expect(lines[0]!.text.endsWith("…")).toBe(true);
    expect([...lines[0]!.text].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
  });
});
