import type { Recording } from './observe';

/** What the tests of a file opened: released after each test, subscriptions first, then clients, then servers. */
export interface Opened {
  readonly recordings: Recording<unknown>[];
  readonly clients: { close(): void }[];
  readonly closers: (() => Promise<void>)[];
}

/** Lists for a spec file's tests to put what they open in; an afterEach releases and empties them. */
export function releasedAfterEach(): Opened {
  const opened: Opened = { recordings: [], clients: [], closers: [] };
  afterEach(async () => {
    for (const recording of opened.recordings.splice(0)) recording.subscription.unsubscribe();
    for (const client of opened.clients.splice(0)) client.close();
    await Promise.all(opened.closers.splice(0).map((close) => close()));
  });
  return opened;
}
