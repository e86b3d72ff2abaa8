/**
 * @module The runner's logs: the server kit's one logger interface, JSON lines on stdout, with a job's request id
 * in the `request_id` field like every other layer.
 */
import { jsonLogger as kitJsonLogger, type Logger } from "@ai-video-subnet/server-kit";

export { type LogFields, type Logger, silentLogger } from "@ai-video-subnet/server-kit";

/**
 * The JSON-lines logger of the runner (every level, on stdout).
 * @example jsonLogger.info("listening", { port: 8000 }) // {"time":"…","level":"info","msg":"listening","port":8000}
 */
export const jsonLogger: Logger = kitJsonLogger();
