/** @module The `avs-broadcaster` command. */
console.log("avs-broadcaster: not implemented yet");
process.exitCode = 1;
