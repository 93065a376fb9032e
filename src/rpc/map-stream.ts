/**
 * A server stream's messages through `map` (and its errors through `mapError`), for the layers
 * between the engine's events and connect-es. An async generator per layer costs several promises
 * per message; this costs one. return() and throw() reach the source, so a client that goes away
 * still ends the subscription beneath.
 */
export function mapStream<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U,
  mapError: (error: unknown) => never = rethrow,
): AsyncIterable<U> {
  const step = (result: IteratorResult<T>): IteratorResult<U> =>
    result.done ? { done: true, value: undefined } : { done: false, value: map(result.value) };
  return {
    [Symbol.asyncIterator](): AsyncIterator<U> {
      const iterator = source[Symbol.asyncIterator]();
      return {
        next: () => iterator.next().then(step, mapError),
        return: (value?: unknown) =>
          iterator.return
            ? iterator.return(value).then(step, mapError)
            : Promise.resolve({ done: true, value }),
        throw: (error?: unknown) =>
          iterator.throw ? iterator.throw(error).then(step, mapError) : Promise.reject(error),
      };
    },
  };
}

function rethrow(error: unknown): never {
  throw error;
}
