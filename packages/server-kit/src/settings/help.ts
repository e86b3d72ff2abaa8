/** @module The settings part of every binary's `--help`, printed from the same table the parser reads. */
import { envName, flagName, type SettingsSchema } from "./settings.js";

const COLUMN = 46;

/**
 * One entry per setting: flag and environment variable, what it does, its default.
 * @example settingsHelp(SCHEMA) // "  --model-id / MODEL_ID    model to load … (default: upscalerjs/esrgan-slim-x4)\n…"
 */
export function settingsHelp(schema: SettingsSchema): string {
  const fileSetting = {
    name: schema.file,
    help: "a JSON file of settings, keyed by these names",
    default: undefined,
    shownDefault: undefined,
  };
  const rows = [fileSetting, ...schema.settings.filter((s) => s.name !== schema.file)];
  return rows
    .map((s) => {
      const names = `  ${flagName(s.name)} / ${envName(schema.envPrefix, s.name)}`;
      const shown = s.default === undefined ? s.shownDefault : s.default === "" ? '""' : s.default;
      const text = `${s.help}${shown === undefined ? "" : ` (default: ${shown})`}`;
      return names.length < COLUMN ? `${names.padEnd(COLUMN)}${text}` : `${names}\n${"".padEnd(COLUMN)}${text}`;
    })
    .join("\n");
}
