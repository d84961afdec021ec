/**
 * What the emitters (`calls.ts`, `functions.ts`) may ask of the file being rewritten. `file.ts`'s
 * `FileRewrite` implements it; the emitters import only this, so the three files form no cycle.
 */
import ts from '../ts';
import type { Analysis } from '../analysis/result';
import type { FunctionNode } from '../analysis/inventory';
import type { ProtocolHelper } from '../protocol-names';

/** Where the enclosing function's `arguments`, `new.target` and `super` are read from inside a coloured arrow's twin. */
export interface LexicalCapture {
  arguments?: ts.Identifier;
  newTarget?: ts.Identifier;
  superGet?: ts.Identifier;
}

export interface Rewriter {
  readonly context: ts.TransformationContext;
  readonly analysis: Analysis;
  readonly factory: ts.NodeFactory;
  readonly hoist: (id: ts.Identifier) => void;
  /** While inside a coloured arrow's twin: see `LexicalCapture`. */
  lexical: LexicalCapture | undefined;
  readonly visit: (node: ts.Node) => ts.Node | ts.Node[];
  /** `__tsg.<name>`, the runtime's protocol helper. */
  helper(name: ProtocolHelper): ts.Expression;
  twinName(fn: FunctionNode): ts.Identifier | undefined;
  directTwinRef(fn: FunctionNode): ts.Identifier | undefined;
  pendingMethod(owner: ts.Node, m: { key: string; label: string; isStatic: boolean }): void;
  accessorTwinKey(owner: ts.Node, key: string, kind: 'get' | 'set', label: string, isStatic: boolean): ts.Identifier;
  twinKey(base: string, description: string): ts.Identifier;
  register(owner: ts.Node, stmt: ts.Statement): void;
  withRegistrations(owner: ts.Node, statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): ts.Statement[];
  superMember(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, key: ts.Expression): ts.Expression;
}
