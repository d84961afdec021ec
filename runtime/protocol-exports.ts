/**
 * What transformed code imports (`ts-greenlet/protocol`); `protocol.ts` tables the forms that use
 * each name, and the transformer's `ProtocolHelper` type is `keyof` this module.
 *
 * Each name is a plain data property, not a re-export: TypeScript compiles `export { x } from`
 * to a getter, and emitted code reads these on every call (`__tsg.resumeInline(yield
 * __tsg.markInlineWait(...))`), and a getter per read cost ~18% more instructions per suspension
 * (callgrind, `npm run bench -- --instructions`).
 */
import * as protocol from './protocol';
import * as plain from './run-plain';
import * as greenlet from './greenlet';
import * as emit from './emit-helpers';
import * as builtinsModule from './builtins';
import * as accessors from './accessors';

export const TWIN = protocol.TWIN;
export const setTwin = protocol.setTwin;
export const twinOf = protocol.twinOf;
export const isThenable = protocol.isThenable;
export const isGeneratorObject = protocol.isGeneratorObject;
export const runPlain = plain.runPlain;
export const markInlineWait = greenlet.markInlineWait;
export const resumeInline = greenlet.resumeInline;
export const markRecord = greenlet.markRecord;
/** The count of nested recursive `yield*` edges, read and written by emitted code (`greenlet.ts`). */
export const nesting = greenlet.nesting;
export const fnTwin = emit.fnTwin;
export const arrowTwin = emit.arrowTwin;
export const arrowTwinLazyThis = emit.arrowTwinLazyThis;
export const methodTwins = emit.methodTwins;
export const methodTwinDecorator = emit.methodTwinDecorator;
export const callInGreenlet = emit.callInGreenlet;
export const unbox = emit.unbox;
export const templateArgs = emit.templateArgs;
export const dispatch = emit.dispatch;
export const rawOf = emit.rawOf;
export const bindTwin = emit.bindTwin;
export const withTwin = emit.withTwin;
/** Generator twins of built-ins that take callbacks (`yield* __tsg.builtins.map(...)`). */
export const builtins = builtinsModule;
export const getProperty = accessors.getProperty;
export const setProperty = accessors.setProperty;
export const accessorTwins = accessors.accessorTwins;
