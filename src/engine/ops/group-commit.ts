/**
 * Group commit: calls for one queue that arrive in the same turn of the event loop go to Redis
 * together, as one script call, and each caller is answered with its own outcome (its own id,
 * its own refusal). The groups are sent by one setImmediate, which runs once the I/O callbacks of
 * this turn have run (every request that came in with it) and never waits for a timer: an idle
 * caller waits for nothing but the end of its own turn. Under load, every turn's requests become
 * one call. A group that reaches maxItems or would pass maxBytes is sent at once, so a group is
 * never bigger than one batch request. Groups are sent in the order they were opened, on one
 * connection, so Redis runs them in arrival order.
 */
export interface GroupCommit<Item, Outcome> {
  submit(queue: string, item: Item): Promise<Outcome>;
  /** Sends the queue's open group now: a call that does not go through the group keeps its place. */
  flush(queue: string): void;
}

export interface GroupCommitOptions<Item, Outcome> {
  /** One script call for one queue's items; resolves with one outcome per item, in order. */
  commit(queue: string, items: Item[]): Promise<Outcome[]>;
  /** Most items in one call (limits.max_batch_size). */
  maxItems: number;
  /** Most bytes in one call, counted by sizeOf (limits.max_body_bytes); one bigger item goes alone. */
  maxBytes: number;
  sizeOf(item: Item): number;
}

interface Group<Item, Outcome> {
  items: Item[];
  settles: ((outcome: Outcome) => void)[];
  fails: ((error: unknown) => void)[];
  bytes: number;
}

export function createGroupCommit<Item, Outcome>(
  options: GroupCommitOptions<Item, Outcome>,
): GroupCommit<Item, Outcome> {
  const { commit, maxItems, maxBytes, sizeOf } = options;
  let open = new Map<string, Group<Item, Outcome>>();
  let scheduled = false;

  // A failed call (Redis unreachable, a script error) fails every caller of its group, as it
  // would have failed each of their own calls.
  const fail = (group: Group<Item, Outcome>, error: unknown) => {
    for (const failOne of group.fails) failOne(error);
  };
  const answer = (group: Group<Item, Outcome>, outcomes: Outcome[]) => {
    if (outcomes.length !== group.items.length) {
      fail(group, new Error(`group commit: ${outcomes.length} outcomes for ${group.items.length} items`));
      return;
    }
    group.settles.forEach((settle, i) => {
      settle(outcomes[i] as Outcome);
    });
  };
  const send = (queue: string, group: Group<Item, Outcome>) => {
    try {
      commit(queue, group.items).then(
        (outcomes) => answer(group, outcomes),
        (error: unknown) => fail(group, error),
      );
    } catch (error) {
      fail(group, error);
    }
  };
  const sendAll = () => {
    scheduled = false;
    const groups = open;
    open = new Map();
    for (const [queue, group] of groups) send(queue, group);
  };

  return {
    flush(queue) {
      const group = open.get(queue);
      if (!group) return;
      open.delete(queue);
      send(queue, group);
    },

    submit(queue, item) {
      const bytes = sizeOf(item);
      let group = open.get(queue);
      if (group && group.bytes + bytes > maxBytes) {
        open.delete(queue);
        send(queue, group);
        group = undefined;
      }
      if (!group) {
        group = { items: [], settles: [], fails: [], bytes: 0 };
        open.set(queue, group);
      }
      const { items, settles, fails } = group;
      group.bytes += bytes;
      items.push(item);
      const outcome = new Promise<Outcome>((settle, fail) => {
        settles.push(settle);
        fails.push(fail);
      });
      if (items.length >= maxItems) {
        open.delete(queue);
        send(queue, group);
      } else if (!scheduled) {
        scheduled = true;
        setImmediate(sendAll);
      }
      return outcome;
    },
  };
}
