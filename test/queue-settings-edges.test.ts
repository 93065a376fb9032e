import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";

const presque = useTestServerAndClient();

/** Every queue setting, as REST spells it, with a value unlike its default. */
const restValues = {
  max_length: 50,
  default_lease_seconds: 1.5,
  max_attempts: 4,
  backoff: "fixed",
  backoff_base_seconds: 2,
  backoff_max_seconds: 90,
  keep_completed_count: 3,
  keep_completed_seconds: 600,
  keep_dead_count: 7,
  keep_dead_seconds: 7200,
};
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const restSettings = async (queue: string) =>
  (json(await curl(`${presque.url}/control/${queue}/settings`)) as { settings: Record<string, unknown> })
    .settings;

describe("queue settings on REST and RPC", () => {
  it("name and scale every setting alike: set over REST, read over RPC, reset over RPC", async () => {
    const queue = "settings-edges";
    const defaults = await restSettings(queue);
    const posted = await curl(
      "-X",
      "POST",
      `${presque.url}/control/${queue}/settings`,
      "-d",
      JSON.stringify(restValues),
    );
    expect((json(posted) as { settings: unknown }).settings).toEqual(restValues);
    const { settings } = await presque.client.control.getQueueSettings({ queue });
    expect(settings).toMatchObject(
      Object.fromEntries(Object.entries(restValues).map(([name, value]) => [camel(name), value])),
    );
    await presque.client.control.updateQueueSettings({ queue, reset: Object.keys(restValues) });
    expect(await restSettings(queue)).toEqual(defaults);
  });

  it("REST names every setting it knows when it is sent one it does not", async () => {
    const answer = await curl("-X", "POST", `${presque.url}/control/x/settings`, "-d", '{"lease":1}');
    expect(answer.status).toBe(400);
    expect((json(answer) as { message: string }).message).toBe(
      `unknown queue setting "lease"; known: ${Object.keys(restValues).join(", ")}`,
    );
  });

  it("RPC refuses a reset of a setting it does not know, by the name it was sent", async () => {
    const error = await presque.client.control
      .updateQueueSettings({ queue: "x", reset: ["lease"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toBe('unknown queue setting "lease"');
  });
});
