/**
 * What a library runs of the program's objects besides the members it calls (library-members.ts):
 * the accessors it reads or writes, the methods of its classes the program overrides, and the
 * functions copied into its own objects. Each runs as a plain function there, so one that may
 * suspend is TSG39007 (ScopeError at run time, or a silent fallback under a `try/catch`).
 *
 * ```ts
 * JSON.stringify({ get name() { return load(id); } });                       // a getter it reads
 * class Up extends Transform { _transform(c, e, cb) { cb(null, load(c)); } }  // an override
 * Object.assign(md.renderer.rules, { text: (t, i) => load(t[i].content) });   // copied in
 * ```
 */
import ts from '../ts';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { memberFunction } from './implicit-calls';
import { FunctionNode, functionName, propertyNameText, skipParens } from './inventory';
import { isObjectLike, LibraryMemberContext, literalOrigin, parts } from './library-members';
import { colouredAmong } from './value-flow-queries';
import { isRuntimeFile } from './runtime-files';
import { isLibFile } from './value-flow-builtins';

/**
 * Accessors of an object handed to a library that may suspend: the library reads (or writes) the
 * property as a plain value. An object literal's getter is an own enumerable property, which
 * generic object code reads whatever the parameter's type (`JSON.stringify`, `Object.assign`'s
 * sources, `Object.values`, a deep merge); a class's getter lives on its prototype and is read
 * where the library's parameter type names it (`show(x: { name: string })`). A setter runs where
 * the library writes: the names its parameter declares, and any name for `Object.assign`'s and
 * `Reflect.set`'s target (`writes`). `console` shows a getter without running it.
 *
 * ```ts
 * const user = { get name() { return load(id); } };
 * JSON.stringify(user);               // TSG39007: user.name
 * Object.assign(new Account(), data); // TSG39007 if Account has a setter that may suspend
 * ```
 */
export function accessorsUsedByLibrary(
  ctx: LibraryMemberContext,
  arg: ts.Expression,
  declared: ts.Type | undefined,
  receiver: string,
  writes: boolean,
): DiagnosticSpec[] {
  const { checker, coloured } = ctx;
  if (!ctx.suspendingAccessorNames.size) return []; // the usual case
  const t = checker.getNonNullableType(checker.getTypeAtLocation(arg));
  for (const part of parts(checker, t)) {
    if (!isObjectLike(part)) continue;
    for (const name of ctx.suspendingAccessorNames) {
      const p = checker.getPropertyOfType(part, name);
      for (const d of p?.declarations ?? []) {
        if (!(ts.isGetAccessorDeclaration(d) || ts.isSetAccessorDeclaration(d)) || !coloured.has(d)) continue;
        const getter = ts.isGetAccessorDeclaration(d);
        const named =
          !!declared && parts(checker, declared).some((x) => isObjectLike(x) && !!checker.getPropertyOfType(x, name));
        if (getter ? !named && !ts.isObjectLiteralExpression(d.parent) : !named && !writes) continue;
        return [
          {
            code: Codes.PassedToUntransformed,
            node: arg,
            path: ctx.colourPath(d),
            message: getter
              ? `${arg.getText()} is passed to ${receiver}, which was not compiled by ts-greenlet and reads its \`${name}\` as a plain value; that runs the getter ${functionName(d)}, which may suspend (ScopeError, or a silent fallback under a \`try/catch\`). Read the property yourself and pass the library a plain object: \`{ ${name}: ${arg.getText()}.${name} }\`.`
              : `${arg.getText()} is passed to ${receiver}, which was not compiled by ts-greenlet and may write its \`${name}\`; that runs the setter ${functionName(d)}, which may suspend (ScopeError, or a silent fallback under a \`try/catch\`). Assign the property yourself: \`${arg.getText()}.${name} = …\`.`,
          },
        ];
      }
    }
  }
  return [];
}

/**
 * A method that may suspend and overrides one of a library class it extends: the library's own
 * methods call it on `this` as a plain function (a template method, a visitor's `visit`, a
 * stream's `_transform`), where nothing can wait.
 *
 * ```ts
 * class Up extends Transform { _transform(chunk, enc, cb) { cb(null, load(chunk)); } } // TSG39007
 * ```
 */
export function overridesLibraryMethod(
  checker: ts.TypeChecker,
  fn: FunctionNode,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  // a method or accessor, or a field holding a function (`visit = (n) => …` shadows the method)
  const decl =
    ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)
      ? fn
      : (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
          ts.isPropertyDeclaration(fn.parent) &&
          fn.parent.initializer === fn
        ? fn.parent
        : undefined;
  if (!decl) return [];
  const cls = decl.parent;
  const name = propertyNameText(decl.name);
  if (!ts.isClassLike(cls) || name === undefined || decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword))
    return [];
  for (let at: ts.ClassLikeDeclaration | undefined = cls, n = 0; at && n < 50; n++) {
    const ext: ts.ExpressionWithTypeArguments | undefined = at.heritageClauses?.find(
      (h) => h.token === ts.SyntaxKind.ExtendsKeyword,
    )?.types[0];
    if (!ext) return [];
    const base = checker.getTypeAtLocation(ext);
    const member = checker.getPropertyOfType(base, name);
    const decls = member?.declarations ?? [];
    if (decls.length && decls.every((d) => d.getSourceFile().isDeclarationFile)) {
      if (decls.some((d) => isRuntimeFile(d.getSourceFile().fileName))) return [];
      const owner = decls[0].parent && ts.isClassLike(decls[0].parent) ? decls[0].parent.name?.text : undefined;
      return [
        {
          code: Codes.PassedToUntransformed,
          node: decl.name,
          path: colourPath(fn),
          message: `${functionName(fn)} may suspend, but it overrides ${owner ? `${owner}.` : ''}${name} of a class that was not compiled by ts-greenlet, whose own methods may call it on \`this\` as a plain function (ScopeError, or a silent fallback under a \`try/catch\`). Do the waiting before calling into the library and keep the override plain, or wrap the class instead of extending it.`,
        },
      ];
    }
    const next: ts.Declaration | undefined = base.symbol?.valueDeclaration;
    at = next && ts.isClassLike(next) && !next.getSourceFile().isDeclarationFile ? next : undefined;
  }
  return [];
}

/**
 * `Object.assign(md.renderer.rules, { code_inline: (t, i) => load(…) })`: functions copied into
 * an object the library owns (a member it declares), which its own code calls. The sources'
 * members that may suspend are reported, as if written one by one (checks.ts's
 * `writtenOverLibraryMethod`).
 */
export function assignedIntoLibraryObject(
  ctx: LibraryMemberContext,
  call: ts.CallExpression | ts.NewExpression,
): DiagnosticSpec[] {
  const { checker, coloured } = ctx;
  const [target, ...sources] = call.arguments ?? [];
  const owner = target && skipParens(target);
  if (!owner || !ts.isPropertyAccessExpression(owner)) return [];
  const decls = checker.getSymbolAtLocation(owner.name)?.declarations ?? [];
  if (!decls.length || !decls.every((d) => d.getSourceFile().isDeclarationFile && !isLibFile(d.getSourceFile())))
    return [];
  for (const source of sources) {
    // a const made from a literal is typed by its annotation (`Record<string, Rule>`, no names)
    const literal = skipParens(source);
    const origin = ts.isObjectLiteralExpression(literal) ? literal : literalOrigin(checker, source);
    const members: readonly ts.Declaration[] = origin
      ? origin.properties
      : checker.getPropertiesOfType(checker.getTypeAtLocation(source)).flatMap((p) => p.declarations ?? []);
    for (const d of members) {
      if (d.getSourceFile().isDeclarationFile) continue;
      const fn = memberFunction(d);
      const init = ts.isPropertyAssignment(d)
        ? d.initializer
        : ts.isShorthandPropertyAssignment(d)
          ? d.name
          : undefined;
      const found = fn && coloured.has(fn) ? fn : colouredAmong(init && ctx.valuesOf(init), coloured);
      const synchronized = !found && !!init && !!ctx.valuesOf(init)?.has('suspends');
      if (!found && !synchronized) continue;
      return [
        {
          code: Codes.PassedToUntransformed,
          node: source,
          path: found ? ctx.colourPath(found) : undefined,
          message: `${found ? functionName(found) : 'A synchronized function'} may suspend, but Object.assign copies it into ${owner.getText()}, which belongs to code that was not compiled by ts-greenlet, whose own code may call it as a plain function (ScopeError, or a silent fallback under a \`try/catch\`). Call it from coloured code instead, and give the library a member that does not wait.`,
        },
      ];
    }
  }
  return [];
}
