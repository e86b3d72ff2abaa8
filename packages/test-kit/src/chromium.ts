/** @module How tests start the system's Chromium (Debian's package) with playwright-core: headless, no network chatter. */

/**
 * Options for playwright-core's `chromium.launch`: the system's Chromium (or `CHROMIUM_PATH`), headless, without
 * the background traffic (updates, sync) a test must not depend on.
 * @example const browser = await chromium.launch(chromiumLaunchOptions());
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  };
}
