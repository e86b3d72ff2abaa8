/**
 * @module Multipart bodies written byte by byte for the body readers' tests: parts with the headers a test gives, a
 * closing delimiter, and content that looks like the body's own syntax.
 */

/** The boundary, as undici writes one. */
export const B = "----formdata-undici-0123456789";
/** The Content-Type of a body with boundary {@link B}. */
export const CT = `multipart/form-data; boundary=${B}`;

/**
 * One part: its delimiter, header lines (without the blank line) and content.
 * @example part(`Content-Disposition: form-data; name="a"`, "1")
 */
export const part = (headers: string, content: string | Buffer): Buffer =>
  Buffer.concat([Buffer.from(`--${B}\r\n${headers}\r\n\r\n`), Buffer.from(content as string), Buffer.from("\r\n")]);

/**
 * The parts, then the closing delimiter.
 * @example body(field("a", "1"), file("image", "a.png", "image/png", bytes))
 */
export const body = (...parts: Buffer[]): Buffer => Buffer.concat([...parts, Buffer.from(`--${B}--\r\n`)]);

/**
 * A text field written the plain way.
 * @example field("prompt", "a cat")
 */
export const field = (name: string, value: string | Buffer): Buffer =>
  part(`Content-Disposition: form-data; name="${name}"`, value);

/**
 * A file part written the plain way.
 * @example file("image", "in.png", "image/png", png)
 */
export const file = (name: string, filename: string, type: string, bytes: Buffer | string): Buffer =>
  part(`Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}`, bytes);

/** Bytes that look like the body's own syntax: CRLFs, dashes, a delimiter without its last byte. */
export const tricky = Buffer.concat([
  Buffer.from(`\r\n\r\n--\r\n--${B.slice(0, -1)}\r\n-- ${B}`),
  Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) & 255)),
]);
