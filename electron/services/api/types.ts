import type { Method, Output, ParsedInput } from '../../../shared/api/contract';
import type { AppContext } from '../context';

export type Handler<M extends Method> = (input: ParsedInput<M>, ctx: AppContext) => Output<M> | Promise<Output<M>>;
/** The handlers of one domain's contract module: exactly one per entry. */
export type HandlersFor<C> = { [M in keyof C & Method]: Handler<M> };
/** The compiler makes sure every contract entry has exactly one handler. */
export type HandlerTable = { [M in Method]: Handler<M> };
