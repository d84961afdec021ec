/**
 * The names transformed code reads from the runtime, typed against what
 * `runtime/protocol-exports.ts` exports (`ts-greenlet/protocol`): renaming or removing a helper
 * there fails to compile the transformer. Type-only imports: the transformer never loads the
 * runtime. The forms these names appear in are tabled in `runtime/protocol.ts`.
 */
type ProtocolExports = typeof import('../runtime/protocol-exports');

/** A helper emitted as `__tsg.name`. */
export type ProtocolHelper = keyof ProtocolExports;

/** A suspending builtin, emitted as `__tsg.builtins.name` (`runtime/builtins.ts`). */
export type BuiltinHelper = keyof ProtocolExports['builtins'];
