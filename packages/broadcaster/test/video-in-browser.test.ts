/**
 * @module A stored video output in a real browser (Debian's headless Chromium through playwright-core): an mp4 the
 * gateway serves plays and seeks in a `<video>` element, and Chromium's media requests (it sends `Range: bytes=0-`)
 * are answered with 206 parts. A server that ignores `Range` left Chromium unable to seek (`seekable` empty, the seek
 * staying at 0, with a plain file server in a throwaway check), and Safari plays no mp4 without it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputName } from "../src/outputs/store.js";
import { chromiumAndGateway } from "./support/browser.js";

/** 4 s of 320×240 at 24 fps, H.264 yuv420p with the index first (`+faststart`), as the orchestrator encodes. */
function clip(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "avs-video-browser-"));
  try {
    const file = join(dir, "clip.mp4");
    const args = ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=24", "-t", "4"];
    const out = spawnSync("ffmpeg", [
      ...args,
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-movflags",
      "+faststart",
      file,
    ]);
    if (out.status !== 0) throw new Error(`ffmpeg failed: ${out.stderr}`);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { browser, gateway } = chromiumAndGateway();

describe("a video output in Chromium", () => {
  it("plays and seeks: the media requests get 206 parts", async () => {
    const bytes = clip();
    const name = await gateway().b.store.put(outputName("mp4"), bytes, "video/mp4", bytes.length);
    const page = await browser().newPage();
    const statuses: number[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/outputs/")) statuses.push(r.status());
    });
    await page.setContent(`<video id="v" muted preload="auto" src="${gateway().url}/outputs/${name}"></video>`);
    const state = await page.evaluate(async () => {
      const v = document.getElementById("v") as HTMLVideoElement;
      await new Promise<void>((resolve, reject) => {
        if (v.readyState >= 1) resolve();
        v.onloadedmetadata = () => resolve();
        v.onerror = () => reject(new Error(`media error ${v.error?.code}: ${v.error?.message}`));
      });
      v.currentTime = 3.5;
      await new Promise<void>((resolve) => {
        v.onseeked = () => resolve();
      });
      return {
        duration: v.duration,
        width: v.videoWidth,
        currentTime: v.currentTime,
        seekable: v.seekable.length ? [v.seekable.start(0), v.seekable.end(0)] : [],
      };
    });
    expect(state).toEqual({ duration: 4, width: 320, currentTime: 3.5, seekable: [0, 4] });
    expect(statuses).toContain(206);
    await page.close();
  }, 60_000);
});
