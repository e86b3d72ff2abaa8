import { crc32 } from "node:zlib";
import { pngChunk } from "@ai-video-subnet/server-kit";
import sharp, { type PngOptions, type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage, decodeWithSharp, type ImageLimits, type RgbImage } from "./decode.js";
import { inflatePlainPng, PLAIN_PNG_MAX_PIXELS, readPlainPng } from "./plain-png.js";
import { COLOUR_CHANNELS, corruptChunk, type PngLayout, testPng, testSamples } from "./png-fixtures.js";

const LIMITS: ImageLimits = { maxSide: 4096, maxPixels: 4096 * 4096 };

/** What decoding gave: the image, or the error's class (which the server maps to 400 / 413) and message. */
async function outcome(decode: () => Promise<RgbImage>) {
  try {
    const image = await decode();
    return { width: image.width, height: image.height, pixels: Buffer.from(image.pixels).toString("base64") };
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message };
  }
}

/** decodeImage and sharp alone give the same outcome for `png`; returns it. */
async function sameAsSharp(png: Uint8Array, limits = LIMITS) {
  const ours = await outcome(() => decodeImage(png, limits));
  const theirs = await outcome(() => decodeWithSharp(png, "png", limits, "image"));
  expect(ours).toEqual(theirs);
  return ours;
}

const plain = (png: Uint8Array) => {
  const read = readPlainPng(png);
  return read && inflatePlainPng(read);
};

const layout = (width: number, height: number, colourType: 0 | 2 | 4 | 6, filters: number[], seed = 1): PngLayout => ({
  width,
  height,
  colourType,
  filters,
  samples: testSamples(width * height * COLOUR_CHANNELS[colourType], seed + width * 31 + height),
});

describe("the plain PNG path", () => {
  const sizes: Array<[number, number]> = [
    [1, 1],
    [1, 7],
    [7, 1],
    [3, 5],
    [17, 9],
    [64, 64],
    [255, 3],
    [256, 256],
  ];
  const filterSets = [[0], [1], [2], [3], [4], [4, 0, 3, 1, 2, 4, 3]];

  it("decodes every colour type, filter and size to the bytes sharp gives", async () => {
    let checked = 0;
    for (const colourType of [0, 2, 4, 6] as const) {
      for (const filters of filterSets) {
        for (const [w, h] of sizes) {
          const png = testPng(layout(w, h, colourType, filters));
          const image = plain(png);
          expect(image, `${w}×${h} colour ${colourType} filters ${filters}`).toBeDefined();
          const got = await sameAsSharp(png);
          expect(got.pixels).toBe(Buffer.from(image!.pixels).toString("base64"));
          expect([got.width, got.height]).toEqual([w, h]);
          checked++;
        }
      }
    }
    expect(checked).toBe(4 * filterSets.length * sizes.length);
  });

  it("decodes PNGs written by sharp (adaptive filtering, every colour type) to sharp's bytes", async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const raw = testSamples(40 * 23 * channels, channels);
      for (const adaptiveFiltering of [false, true]) {
        const png = new Uint8Array(
          await sharp(raw, { raw: { width: 40, height: 23, channels } })
            .png({ adaptiveFiltering, compressionLevel: 9 })
            .toBuffer(),
        );
        expect(plain(png), `${channels} channels`).toBeDefined();
        await sameAsSharp(png);
      }
    }
  });

  it("reads a zlib stream split over many IDATs, and harmless chunks before them", async () => {
    const text = pngChunk("tEXt", Buffer.from("Comment\0made by a test", "latin1"));
    const phys = pngChunk("pHYs", Uint8Array.of(0, 0, 11, 19, 0, 0, 11, 19, 1));
    for (const idatSize of [1, 7, 100]) {
      const png = testPng({ ...layout(33, 21, 6, [4, 1]), idatSize, before: [text, phys] });
      expect(plain(png)).toBeDefined();
      await sameAsSharp(png);
    }
  });

  it("takes text chunks as sharp does: broken ones, and ones after the image data", async () => {
    const texts = [
      pngChunk("zTXt", Buffer.concat([Buffer.from("Comment\0\0", "latin1"), Buffer.from("not zlib at all")])),
      pngChunk("tEXt", Buffer.from("\0no keyword", "latin1")),
      pngChunk("iTXt", Buffer.from("Comment\0\x01\0en\0Comment\0garbage", "latin1")),
    ];
    for (const text of texts) {
      const before = testPng({ ...layout(9, 5, 2, [3]), before: [text] });
      expect(plain(before)).toBeDefined();
      await sameAsSharp(before);
    }
    const png = Buffer.from(testPng(layout(9, 5, 0, [2])));
    const after = Buffer.concat([png.subarray(0, png.length - 12), texts[0]!, png.subarray(png.length - 12)]);
    expect(plain(after)).toBeDefined();
    await sameAsSharp(after);
  });

  it("is taken only for images up to PLAIN_PNG_MAX_PIXELS", () => {
    expect(readPlainPng(testPng(layout(256, 256, 2, [0])))).toBeDefined();
    expect(readPlainPng(testPng(layout(257, 255, 2, [0])))).toBeDefined();
    expect(readPlainPng(testPng(layout(257, 256, 2, [0])))).toBeUndefined();
    expect(257 * 256).toBeGreaterThan(PLAIN_PNG_MAX_PIXELS);
  });

  it("checks the limits from the header, before inflating, with the messages sharp's path gives", async () => {
    const png = testPng(layout(200, 100, 2, [1]));
    const side = await sameAsSharp(png, { maxSide: 150, maxPixels: 1e6 });
    expect(side).toEqual({
      error: "PayloadTooLargeError",
      message: "image is 200×100 px; the largest side this runner accepts is 150 px",
    });
    // A stream that would not inflate is not reached: the size is refused first, as sharp's metadata refuses it.
    const broken = testPng({ ...layout(200, 100, 2, [1]), stream: (z) => z.subarray(0, 10) });
    const pixels = await sameAsSharp(broken, { maxSide: 4096, maxPixels: 19_999 });
    expect(pixels).toEqual({
      error: "PayloadTooLargeError",
      message: "image is 200×100 = 20000 px; this runner accepts at most 19999 px",
    });
  });
});

describe("PNGs the plain path leaves to sharp, with sharp's answer", () => {
  const good = testPng(layout(20, 12, 2, [4, 1, 2]));
  const rgb = layout(20, 12, 2, [4, 1, 2]);

  async function leftToSharp(png: Uint8Array) {
    expect(plain(png)).toBeUndefined();
    return sameAsSharp(png);
  }
  const undecodable = expect.objectContaining({
    error: "BadRequestError",
    message: expect.stringMatching(/^image looks like PNG but could not be decoded: /),
  });

  it("truncated anywhere: 400, except in IEND, which sharp never reads", async () => {
    const whole = await outcome(() => decodeImage(good, LIMITS));
    for (let cut = 8; cut < good.length; cut += 3) {
      const expected = cut < good.length - 12 ? undecodable : whole;
      expect(await leftToSharp(good.subarray(0, cut)), `cut at ${cut} of ${good.length}`).toEqual(expected);
    }
  });

  it("a bad CRC in IHDR or IDAT: 400; in IEND or an ancillary chunk: sharp decodes the image", async () => {
    const whole = await outcome(() => decodeImage(good, LIMITS));
    expect(await leftToSharp(corruptChunk(good, "IHDR", 0, 12))).toEqual(undecodable);
    expect(await leftToSharp(corruptChunk(good, "IDAT", 0, 10))).toEqual(undecodable);
    expect(await leftToSharp(corruptChunk(good, "IEND", 0, 8))).toEqual(whole);
    const text = testPng({ ...rgb, before: [pngChunk("tEXt", Buffer.from("Comment\0hi", "latin1"))] });
    const badText = await leftToSharp(corruptChunk(text, "tEXt", 0, 10));
    expect(badText).toEqual(whole);
  });

  it("a broken zlib stream or rows: 400", async () => {
    const cases: Array<[string, Partial<PngLayout>]> = [
      ["a cut stream", { stream: (z) => z.subarray(0, z.length - 6) }],
      [
        "a bad checksum",
        { stream: (z) => Buffer.concat([z.subarray(0, z.length - 1), Uint8Array.of(~z[z.length - 1]!)]) },
      ],
      ["a row short", { rows: (r) => r.subarray(0, r.length - 1) }],
      ["an unknown filter type", { filters: [4, 5] }],
    ];
    for (const [name, change] of cases) {
      expect(await leftToSharp(testPng({ ...rgb, ...change })), name).toEqual(undecodable);
    }
  });

  it("extra bytes (after the stream, after IEND, an extra row) and IDATs split by another chunk: sharp's answer", async () => {
    const junk = testPng({ ...rgb, stream: (z) => Buffer.concat([z, Buffer.from("junk")]) });
    const afterEnd = Buffer.concat([good, Buffer.from("trailing bytes")]);
    const extraRow = testPng({ ...rgb, rows: (r) => Buffer.concat([r, r.subarray(0, 61)]) });
    const split = Buffer.from(testPng({ ...rgb, idatSize: 50 }));
    const text = pngChunk("tEXt", Buffer.from("Comment\0between", "latin1"));
    const firstIdatEnd = 33 + 12 + 50;
    const splitByText = Buffer.concat([split.subarray(0, firstIdatEnd), text, split.subarray(firstIdatEnd)]);
    for (const png of [junk, afterEnd, extraRow, splitByText]) await leftToSharp(png);
  });

  it("other layouts: palette, 16 bits, interlaced, transparency, colour and orientation chunks decode as sharp does", async () => {
    const raw = testSamples(24 * 16 * 3, 9);
    const from = (o: PngOptions, pipeline = (s: Sharp) => s) =>
      pipeline(sharp(raw, { raw: { width: 24, height: 16, channels: 3 } }))
        .png(o)
        .toBuffer();
    const pngs = [
      await from({ palette: true }),
      await from({ progressive: true }),
      await from({}, (s) => s.toColourspace("rgb16")),
      await from({}, (s) => s.withMetadata({ orientation: 6 })),
      await from({}, (s) => s.withIccProfile("p3")),
      testPng({ ...rgb, before: [pngChunk("gAMA", Uint8Array.of(0, 1, 0x86, 0xa0))] }),
      testPng({ ...rgb, before: [pngChunk("tRNS", Uint8Array.of(0, 1, 0, 2, 0, 3))] }),
      testPng({ ...rgb, before: [pngChunk("tEXt", Buffer.from("Raw profile type exif\0\nexif\n0\n", "latin1"))] }),
    ];
    const rotated = await leftToSharp(new Uint8Array(pngs[3]!));
    expect([rotated.width, rotated.height]).toEqual([16, 24]);
    for (const png of pngs) await leftToSharp(new Uint8Array(png));
  });

  it("a zero or huge declared size: 400 or 413 before anything is decoded", async () => {
    const header = (width: number, height: number) => {
      const png = Buffer.from(good);
      png.writeUInt32BE(width, 16);
      png.writeUInt32BE(height, 20);
      png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
      return new Uint8Array(png);
    };
    // A zero side is refused from the header too: libpng's own refusal gives no reason.
    expect(plain(header(0, 12))).toBeUndefined();
    expect(await outcome(() => decodeImage(header(0, 12), LIMITS))).toEqual({
      error: "BadRequestError",
      message: "image has zero size (0×12 px); send an image of at least 1×1 px",
    });
    // A route with a larger smallest side names it (image-to-image and image-to-video take 8×8 and up).
    expect(await outcome(() => decodeImage(header(0, 12), { ...LIMITS, minSide: 8 }))).toEqual({
      error: "BadRequestError",
      message: "image has zero size (0×12 px); send an image of at least 8×8 px",
    });
    expect(await leftToSharp(header(50_000, 40_000))).toEqual({
      error: "PayloadTooLargeError",
      message: "image is 50000×40000 px; the largest side this runner accepts is 4096 px",
    });
    // Sides libpng refuses itself (sharp alone: 400 "corrupt header:", no reason): the header's size is refused first.
    expect(await outcome(() => decodeImage(header(2 ** 31 - 1, 2 ** 31 - 1), LIMITS))).toEqual({
      error: "PayloadTooLargeError",
      message: "image is 2147483647×2147483647 px; the largest side this runner accepts is 4096 px",
    });
  });
});
