/**
 * @module The text of a request header value as its client wrote it, for messages. Node hands header values over as
 * Latin-1 (one character per byte), so a UTF-8 `clé-1` arrives as `clÃ©-1`; quoted as is, an error message showed
 * the caller mojibake they never sent.
 */

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The value as UTF-8 when its bytes are valid UTF-8, else as the Latin-1 it was read as (what a client that sent
 * single bytes meant); an ASCII value is returned as it is.
 * @example headerText("cl\u00c3\u00a9-1") // "clé-1"
 * @example headerText("cl\u00e9-1") // "clé-1" (one byte 0xE9: not UTF-8, so Latin-1)
 */
export function headerText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for bytes outside ASCII
  if (!/[^\x00-\x7f]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, "latin1"));
  } catch {
    return value;
  }
}
