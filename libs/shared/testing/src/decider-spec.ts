/**
 * Given / when / then for deciders (Emmett's DeciderSpecification), shared by every context's
 * domain tests:
 *
 * ```ts
 * const spec = DeciderSpecification.for({ decide, evolve, initialState: () => INITIAL });
 * spec.given(summoned).when(reply('REPORT')).then([{ type: 'DepartmentReported', data }]);
 * spec.given(summoned).when(reply('REPORT', { assignmentId: OTHER })).thenThrows(DispatchRefusal, (e) => e.kind === 'not-found');
 * spec.givenState(view).when(command).then([]);   // a decider whose state is not a fold of events
 * ```
 */
import { expect } from '@jest/globals';

export interface Decider<State, Command, Event> {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}

/** A partial expectation: the events' types in order, and for each the fields of `data` given. */
export type EventShape = { type: string; data?: Record<string, unknown> };

interface Then<Event> {
  /** Exactly these events (deep equality); `[]` for "nothing happens". */
  then(expected: Event[]): Event[];
  /** These types in this order, each event's data containing the fields given. */
  thenMatches(expected: EventShape[]): Event[];
  /** Refused with an error of this class, and `check` (assertions, or a boolean) holds for it. */
  thenThrows<E extends Error>(type: abstract new (...args: never[]) => E, check?: (error: E) => boolean | void): void;
}

function outcome<Event>(run: () => Event[]): Then<Event> {
  return {
    then(expected) {
      const events = run();
      expect(events).toEqual(expected);
      return events;
    },
    thenMatches(expected) {
      const events = run();
      expect(events.map((e) => (e as EventShape).type)).toEqual(expected.map((e) => e.type));
      expected.forEach((e, i) => {
        if (e.data) expect((events[i] as EventShape).data).toMatchObject(e.data);
      });
      return events;
    },
    thenThrows(type, check) {
      let caught: unknown;
      try {
        run();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(type);
      if (check) expect(check(caught as never)).not.toBe(false);
    },
  };
}

export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>) {
    const when = (state: () => State) => ({ when: (command: Command): Then<Event> => outcome(() => decider.decide(command, state())) });
    return {
      given: (...history: Event[]) => when(() => history.reduce(decider.evolve, decider.initialState())),
      givenState: (state: State) => when(() => state),
    };
  },
};
