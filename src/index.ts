/**
 * presque as a library: start the server inside your own process (`import { startPresque } from "presque"`).
 * The client and the Worker are in "presque/sdk".
 */
export { type RunningPresque, startPresque } from "./app/start-presque.ts";
export type { Limits, PresqueConfig, RedisTarget } from "./config/config.ts";
export { defaultConfig } from "./config/config.ts";
export { ConfigError } from "./config/config-error.ts";
export { type LoadConfigOptions, loadConfig } from "./config/load-config.ts";
export { createJsonLogger, type Logger, silentLogger } from "./log.ts";
