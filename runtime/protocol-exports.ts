/** What transformed code imports (`ts-greenlet/protocol`); see `protocol.ts` for the protocol. */
export { TWIN, setTwin, twinOf, isThenable, isGeneratorObject } from './protocol';
export { runPlain } from './run-plain';
export { markInlineWait, resumeInline } from './greenlet';
export { fnTwin, arrowTwin, arrowTwinLazyThis, methodTwins, methodTwinDecorator, callInGreenlet, templateArgs, dispatch, rawOf, bindTwin, withTwin } from './emit-helpers';
import * as builtins from './builtins';
export { builtins };
export { getProperty, setProperty, accessorTwins } from './accessors';
