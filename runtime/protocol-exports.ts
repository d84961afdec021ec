/**
 * What transformed code imports (`ts-greenlet/protocol`); see `protocol.ts` for the protocol.
 *
 * Each name is a plain data property, not a re-export: TypeScript compiles `export { x } from`
 * to a getter, and emitted code reads these on every call (`__tsg.resumeInline(yield
 * __tsg.markInlineWait(...))`). Through getters a depth-1 suspension cost 1,820 instructions
 * instead of 1,532 (callgrind, `npm run bench -- --instructions`).
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
