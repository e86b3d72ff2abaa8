import { describe, expect, it } from "vitest";
import { OutputLines } from "./output-lines.js";

describe("OutputLines", () => {
  it("splits chunks into lines without the terminal colour codes ONNX Runtime writes, and keeps the last ones", () => {
    const seen: string[] = [];
    const lines = new OutputLines((l) => seen.push(l), 2);
    lines.push("\x1b[1;31m2026-12-07 [W:onnxruntime:, device_discovery.cc:164] GPU device discovery failed\x1b[m\n");
    lines.push("plain\r\n\x1b[0m\npart");
    lines.push("ial\n");
    lines.flush();
    expect(seen).toEqual([
      "2026-12-07 [W:onnxruntime:, device_discovery.cc:164] GPU device discovery failed",
      "plain",
      "partial",
    ]);
    expect(lines.last).toEqual(["plain", "partial"]);
  });
});
