/**
 * @module image-to-video's safety check through a real runner server: a tiny/svd folder given a `safety_checker/`
 * (the tiny checker flags images whose mean value is above 0.9) checks the conditioning image when the request asks
 * (Livepeer's default), and every frame carries the flag; without a checker, or with `safety_check=false`, `nsfw` is
 * false. The frames themselves do not change.
 */
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { servedRunner } from "../../../test/helpers.js";
import { writeGraph } from "../../models/factory/sd-tiny.js";
import { tinySafetyCheckerGraph } from "../../models/factory/sd-tiny-graphs.js";

type Video = { frames: { url: string; seed: number; nsfw: boolean }[][] };

const solid = (value: number) =>
  sharp({ create: { width: 40, height: 32, channels: 3, background: { r: value, g: value, b: value } } })
    .png()
    .toBuffer();

describe("POST /image-to-video with a safety checker in the model folder", () => {
  const { server } = servedRunner(
    ["tiny/svd"],
    { pipeline: "image-to-video", modelId: "tiny/svd" },
    { prepare: (dir) => writeGraph(join(dir, "tiny", "svd", "safety_checker"), tinySafetyCheckerGraph(0.9), false) },
  );

  const generate = async (image: Buffer, fields: Record<string, string> = {}) => {
    const f = new FormData();
    for (const [k, v] of Object.entries({
      width: "32",
      height: "24",
      num_inference_steps: "2",
      seed: "3",
      ...fields,
    })) {
      f.append(k, v);
    }
    f.append("image", new Blob([new Uint8Array(image)]), "still.png");
    const res = await fetch(`${server().url}/image-to-video`, { method: "POST", body: f });
    expect(res.status).toBe(200);
    return ((await res.json()) as Video).frames[0]!;
  };

  it("loads the checker and reports it", () => {
    expect(server().runner.engine.info).toMatchObject({ safety_checker: true });
  });

  it("flags every frame when the checker flags the conditioning image (safety_check defaults to true)", async () => {
    const video = await generate(await solid(250));
    expect(video).toHaveLength(14);
    expect(video.every((m) => m.nsfw === true)).toBe(true);
  });

  it("does not flag an image the checker passes, nor any when the request turns the check off", async () => {
    const dark = await generate(await solid(20));
    expect(dark.every((m) => m.nsfw === false)).toBe(true);
    const unchecked = await generate(await solid(250), { safety_check: "false" });
    expect(unchecked.every((m) => m.nsfw === false)).toBe(true);
    // The check only labels the answer: the same request gives the same frames either way.
    const checked = await generate(await solid(250));
    expect(checked.map((m) => m.url)).toEqual(unchecked.map((m) => m.url));
  });
});
