/**
 * @module ONNX Runtime's own telemetry, off unless the operator turns it on. ONNX Runtime 1.30's Linux build starts a
 * telemetry system with the first session of a process: it stores a persistent device id and an event database
 * under `$XDG_CACHE_HOME` or `~/.cache/Microsoft/DeveloperTools/.onnxruntime/`, writes to it as sessions run, and
 * uploads over HTTPS where it finds a CA bundle. A runner on an operator's GPU machine must not do that unasked, so
 * the runner sets `ORT_DISABLE_TELEMETRY=1`, which ONNX Runtime reads when it creates its environment (the first
 * session, in whichever thread), unless the variable is already set: `ORT_DISABLE_TELEMETRY=0` keeps it on.
 * Imported for its effect, first, by every entry of the package (the CLI, the worker thread, the library entries).
 */

/** The variable ONNX Runtime reads; "1" turns its telemetry off. */
export const ORT_TELEMETRY_SWITCH = "ORT_DISABLE_TELEMETRY";

/**
 * Turns ONNX Runtime's telemetry off in `env` unless the variable is set there already. Effective only before the
 * process's first session is created; `process.env` reaches the native library (and every worker thread).
 * @example keepOrtTelemetryOff(); // process.env.ORT_DISABLE_TELEMETRY === "1" unless the operator set it
 */
export function keepOrtTelemetryOff(env: Record<string, string | undefined> = process.env): void {
  env[ORT_TELEMETRY_SWITCH] ??= "1";
}

keepOrtTelemetryOff();
