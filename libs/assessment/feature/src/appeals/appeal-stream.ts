import { CommandHandler } from '@chuishao/event-store';
import { evolveAppeal, initialAppeal, type AppealEvent, type AppealState } from '@chuishao/assessment-domain';

/** An appeal's stream `appeal-<id>`: read → decide → append (file, then decide). */
export const appeals = CommandHandler<AppealState, AppealEvent>({ initialState: initialAppeal, evolve: evolveAppeal });
