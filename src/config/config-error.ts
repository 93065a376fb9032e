/**
 * A configuration that cannot be used. The message names where the bad value came from (the YAML file,
 * the environment variable or the flag) and the key, so it can be printed to the operator as is.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}
