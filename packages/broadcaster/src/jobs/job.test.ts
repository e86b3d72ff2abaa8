import { describe, expect, it } from "vitest";
import { alsoNeedsOf } from "./job.js";

describe("alsoNeedsOf", () => {
  it("asks for a FILM model only when output_fps is above fps, an empty name being the default one", () => {
    const film = (body: Record<string, unknown>) => alsoNeedsOf("image-to-video", body);
    expect(film({ fps: 7, output_fps: 24 })).toEqual({ pipeline: "frame-interpolation", modelId: undefined });
    expect(film({ fps: 7, output_fps: 24, interpolation_model_id: "tiny/film" })).toEqual({
      pipeline: "frame-interpolation",
      modelId: "tiny/film",
    });
    expect(film({ fps: 7, output_fps: 24, interpolation_model_id: "" })).toEqual({
      pipeline: "frame-interpolation",
      modelId: undefined,
    });
    expect(film({ fps: 7, output_fps: 7, interpolation_model_id: "tiny/film" })).toBeUndefined();
    expect(film({ output_fps: 6 })).toBeUndefined();
    expect(alsoNeedsOf("upscale", { fps: 7, output_fps: 24 })).toBeUndefined();
  });
});
