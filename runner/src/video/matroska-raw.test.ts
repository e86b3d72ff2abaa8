/**
 * @module The Matroska frame header byte for byte (RFC 9559: cluster, Timestamp, SimpleBlock with 8-byte sizes);
 * that ffmpeg reads frames written with it at their timestamps is tested through the encoder (`video-io.test.ts`).
 */
import { describe, expect, it } from "vitest";
import { rawRgbMatroskaFrameHeader } from "./matroska-raw.js";

describe("rawRgbMatroskaFrameHeader", () => {
  it("writes cluster, Timestamp (as few bytes as the value needs) and SimpleBlock head", () => {
    const hex = (ns: bigint, bytes: number) => rawRgbMatroskaFrameHeader(ns, bytes).toString("hex");
    // Cluster 1f43b675, size 0x23 = 11 (Timestamp element) + 13 (SimpleBlock head) + 12 (frame); Timestamp e7 of one
    // byte 00; SimpleBlock a3 of 4 + 12 bytes; track 1 (0x81), relative time 0, keyframe flag 0x80.
    expect(hex(0n, 12)).toBe("1f43b6750100000000000023e7010000000000000100a3010000000000001081000080");
    expect(hex(256n, 110_592)).toBe("1f43b675010000000001b018e701000000000000020100a3010000000001b00481000080");
    expect(hex(33_366_667n, 1_769_472)).toBe(
      "1f43b67501000000001b001ae7010000000000000401fd228ba301000000001b000481000080",
    );
    expect(hex(2n ** 56n, 3)).toBe(
      "1f43b6750100000000000021e701000000000000080100000000000000a3010000000000000781000080",
    );
    expect(() => rawRgbMatroskaFrameHeader(-1n, 3)).toThrow("a Matroska timestamp cannot be negative, got -1 ns");
  });
});
