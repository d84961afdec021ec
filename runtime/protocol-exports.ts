/** What transformed code imports (`require("ts-greenlet").protocol`); see `protocol.ts`. */
export { TWIN, setTwin, twinOf, isThenable, isGeneratorObject } from './protocol';
export { runPlain } from './run-plain';
