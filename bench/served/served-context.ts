import type { BullmqTarget } from "../bullmq-scenarios.ts";
import type { LoadTools } from "../load/load-tools.ts";
import type { Figures } from "../targets/figures.ts";
import type { ListeningProcess } from "./listening-process.ts";

/** What every out-of-process scenario is given. */
export interface ServedContext {
  /** The bench's throwaway Redis. */
  redisUrl: string;
  bullmq: BullmqTarget;
  /** presque served by a process of its own. */
  presque: ListeningProcess;
  tools: LoadTools;
  /** A temp dir for load scripts and bodies. */
  dir: string;
  /** Progress on stderr. */
  say(line: string): void;
}

/** One out-of-process scenario: it measures, then writes its figures. */
export type ServedScenario = (context: ServedContext, figures: Figures) => Promise<void>;
