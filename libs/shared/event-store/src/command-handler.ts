import type { Companion, Queryable } from '@chuishao/postgres';
import type { EventStore } from './event-store';
import type { EventDraft, EventMetadata, NewEvent, StoredEvent } from './types';

/** What a decider's events look like to the store: a type and its data (see {@link NewEvent}). */
export type DecidedEvent = Pick<NewEvent, 'type' | 'data'> & Partial<Pick<NewEvent, 'eventId' | 'occurredAt'>>;

/** How a stream's events make a decider's state (Emmett's `evolve` and `initialState`). */
export interface StreamState<State, Event extends DecidedEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
}

export interface AppendWith {
  /** Who and why; a function when it depends on the events read (e.g. causation). */
  metadata: EventMetadata | ((read: ReadonlyArray<StoredEvent>) => EventMetadata);
  /** Rows written in the append's own statement, e.g. `publishing(…)` for the outbox. */
  companions?: (drafts: ReadonlyArray<EventDraft>) => ReadonlyArray<Companion>;
  /** The stream's type (default: the stream id up to its first '-'). */
  streamType?: string;
  /**
   * Lock the stream's row before reading it, for a decision that also reads state another writer
   * changes under the same lock (triage's closures): that writer then waits, or is seen.
   */
  lock?: boolean;
}

interface Handled<State> {
  /** The state after the new events. */
  newState: State;
  /** The events appended (none when the decider decided nothing). */
  newEvents: StoredEvent[];
  /** The events the decision was made on. */
  read: StoredEvent[];
  nextExpectedVersion: number;
}

/**
 * Emmett's command handler on our event store: read the stream → fold it → decide → append with
 * the version read. Runs in the caller's transaction (`db`), so what the handler also writes —
 * a projection, a token row — commits with the events, and a concurrent writer gets
 * `ConcurrencyError` instead of an overwrite.
 *
 * ```ts
 * const appeal = CommandHandler({ initialState: initialAppeal, evolve: evolveAppeal });
 * const { newEvents } = await appeal(store, em, `appeal-${id}`, (state) => decideAppealDecision(state, c), { metadata });
 * ```
 *
 * `decide` may be async (it may read what the decision needs besides the stream) and throws to
 * refuse.
 */
export function CommandHandler<State, Event extends DecidedEvent>(fold: StreamState<State, Event>) {
  return async (
    store: EventStore,
    db: Queryable,
    streamId: string,
    decide: (state: State) => Event[] | Promise<Event[]>,
    append: AppendWith,
  ): Promise<Handled<State>> => {
    if (append.lock) await store.lockStream(db, streamId);
    const { version, events: read } = await store.readStream(db, streamId);
    const state = read.map((e) => ({ type: e.type, data: e.data }) as Event).reduce(fold.evolve, fold.initialState());
    const decided = await decide(state);
    if (decided.length === 0) return { newState: state, newEvents: [], read, nextExpectedVersion: version };
    const metadata = typeof append.metadata === 'function' ? append.metadata(read) : append.metadata;
    const newEvents = await store.append(db, streamId, version, decided, metadata, append.streamType, append.companions);
    return { newState: decided.reduce(fold.evolve, state), newEvents, read, nextExpectedVersion: version + newEvents.length };
  };
}

/**
 * The same for a decider whose state is not the fold of its own stream but a read model the
 * caller has locked (intake decides a whistle's acts on its view of every service's events):
 * read the stream's head → decide → append with that version.
 */
export async function appendAtHead(
  store: EventStore,
  db: Queryable,
  streamId: string,
  decided: ReadonlyArray<DecidedEvent>,
  append: Omit<AppendWith, 'metadata'> & { metadata: EventMetadata },
): Promise<StoredEvent[]> {
  const version = await store.readHead(db, streamId);
  return store.append(db, streamId, version, decided, append.metadata, append.streamType, append.companions);
}
