/** @module The `avs-orchestrator` command. */
console.log("avs-orchestrator: not implemented yet");
process.exitCode = 1;
