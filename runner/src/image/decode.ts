/**
 * @module Uploaded images → raw RGB pixels, with the checks that turn bad uploads into clear 4xx errors:
 * type from the bytes (415), empty or undecodable (400), too large (413) — checked from the header before decoding.
 * Small plain PNGs are decoded with zlib on this thread (`plain-png.ts`, same bytes), everything else with sharp.
 */

import sharp from "sharp";
import { BadRequestError, PayloadTooLargeError } from "../errors.js";
import { inflatePlainPng, pngHeaderSize, readPlainPng } from "./plain-png.js";
import { type ImageFormat, notAnImage, sniffImage } from "./sniff.js";

/** An image as interleaved 8-bit RGB. */
export interface RgbImage {
  width: number;
  height: number;
  /** `width * height * 3` bytes, row-major, RGB. */
  pixels: Uint8Array;
}

/**
 * `bytes` when they fill their buffer alone, else a copy that does: pixels that can be transferred to another
 * thread without taking neighbouring data along (or failing on a shared pool buffer).
 * @example ownedBytes(Buffer.from("abc")) // its own 3-byte buffer
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Size limits of decoded images. */
export interface ImageLimits {
  maxSide: number;
  maxPixels: number;
  /** The smallest side the route takes, for the message of a 0-px side (default 1; the route checks it itself). */
  minSide?: number;
}

/**
 * Decodes an uploaded PNG, JPEG or WebP into RGB (alpha is dropped: the upscalers are RGB models).
 * @example const { width, height, pixels } = await decodeImage(bytes, { maxSide: 4096, maxPixels: 4_194_304 })
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits, field = "image"): Promise<RgbImage> {
  if (bytes.byteLength === 0) throw new BadRequestError(`${field} is empty (0 bytes); send a PNG, JPEG or WebP file`);
  const format = sniffImage(bytes);
  if (!format) throw notAnImage(bytes, field)!;
  const declared = format === "png" ? pngHeaderSize(bytes) : undefined;
  if (declared) {
    // libpng refuses a 0-pixel side with no reason at all ("corrupt header:").
    if (declared.width === 0 || declared.height === 0)
      throw zeroSize(field, declared.width, declared.height, limits.minSide);
    checkSize(field, declared.width, declared.height, limits);
  }
  const plain = declared && readPlainPng(bytes);
  if (plain) {
    const image = inflatePlainPng(plain);
    if (image) return image;
  }
  return decodeWithSharp(bytes, format, limits, field);
}

/**
 * {@link decodeImage}'s decoding with sharp, for every image the plain PNG path does not take: the size from the
 * header (`metadata`) checked against `limits` before the pixels are decoded.
 * @example const image = await decodeWithSharp(bytes, "jpeg", { maxSide: 4096, maxPixels: 4_194_304 }, "image");
 */
export async function decodeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: ImageLimits,
  field: string,
): Promise<RgbImage> {
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch((err: Error) => {
      throw undecodable(field, format, err);
    });
  const { width = 0, height = 0 } = meta;
  if (width === 0 || height === 0) throw zeroSize(field, width, height, limits.minSide);
  checkSize(field, width, height, limits);
  try {
    const { data, info } = await sharp(bytes, { failOn: "error" })
      .rotate()
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (err) {
    throw undecodable(field, format, err as Error);
  }
}

/** 413 when the header's size is over a limit: refused before any pixel is decoded. */
function checkSize(field: string, width: number, height: number, limits: ImageLimits) {
  if (width > limits.maxSide || height > limits.maxSide) {
    throw new PayloadTooLargeError(
      `${field} is ${width}×${height} px; the largest side this runner accepts is ${limits.maxSide} px`,
    );
  }
  if (width * height > limits.maxPixels) {
    throw new PayloadTooLargeError(
      `${field} is ${width}×${height} = ${width * height} px; this runner accepts at most ${limits.maxPixels} px`,
    );
  }
}

function zeroSize(field: string, width: number, height: number, minSide = 1) {
  return new BadRequestError(
    `${field} has zero size (${width}×${height} px); send an image of at least ${minSide}×${minSide} px`,
  );
}

function undecodable(field: string, format: ImageFormat, err: Error) {
  // libvips gives its decoder's lines, often the same ones again, and may end on an empty reason ("corrupt header:").
  const lines = new Set(err.message.split(/\n|: (?=Vips)/).map((line) => line.trim().replace(/:$/, "")));
  // A damaged header checksum leaves libvips with no reason but "Unknown error".
  const given = [...lines].filter((line) => line && !/^unknown error$/i.test(line)).join("; ");
  const reason = given || "its data is damaged (the decoder gave no reason)";
  return new BadRequestError(
    `${field} looks like ${format.toUpperCase()} but could not be decoded: ${reason}; send a complete PNG, JPEG or WebP file`,
    { cause: err },
  );
}
