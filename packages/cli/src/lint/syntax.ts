import ts from "typescript";

/** A function the walker can step into: it has a body to read. */
export type FunctionWithBody = ts.SignatureDeclaration & { readonly body: ts.Node };

/** `(x)`, `x as T`, `x!`, `<T>x`, `x satisfies T` and `await x` all carry `x`'s value on. */
export function skipWrappers(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isTypeAssertionExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isAwaitExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** The property a binding element reads: `sql` in both `{ sql }` and `{ sql: client }`. */
export function boundPropertyName(element: ts.BindingElement): string | undefined {
  const key = element.propertyName ?? element.name;
  return ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
}

/** The function an expression evaluates to when written in place: `() => ...`, `function () {}`. */
export function asFunctionWithBody(node: ts.Node | undefined): FunctionWithBody | undefined {
  if (!node) return undefined;
  const inner = ts.isExpression(node) ? skipWrappers(node) : node;
  if (
    (ts.isArrowFunction(inner) ||
      ts.isFunctionExpression(inner) ||
      ts.isFunctionDeclaration(inner) ||
      ts.isMethodDeclaration(inner) ||
      ts.isConstructorDeclaration(inner) ||
      ts.isGetAccessorDeclaration(inner)) &&
    inner.body
  )
    return inner as FunctionWithBody;
  return undefined;
}

/** `Date.now` → "Date.now"; undefined for anything but a chain of plain names. */
export function dottedName(expression: ts.Expression): string | undefined {
  const inner = skipWrappers(expression);
  if (ts.isIdentifier(inner)) return inner.text;
  if (ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.name)) {
    const left = dottedName(inner.expression);
    return left === undefined ? undefined : `${left}.${inner.name.text}`;
  }
  return undefined;
}

/** The string a literal argument spells, e.g. the table of `ctx.db.query("tasks")`. */
export function stringLiteralValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

/** The name to show for a function in a call path: its declared name, else where it is assigned. */
export function functionLabel(fn: ts.Node): string {
  const named = fn as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  const parent = fn.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) &&
    ts.isIdentifier(parent.name)
  )
    return parent.name.text;
  if (ts.isConstructorDeclaration(fn) && fn.parent.name) return `new ${fn.parent.name.text}`;
  return "(anonymous function)";
}
