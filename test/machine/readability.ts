/**
 * A static checker for statechart files: Stately's extractor and diagram tools read the
 * `createMachine({...})` config without running it, and silently drop or mangle whatever is not
 * literal data. This keeps machines/*.machine.ts within what they can read.
 */
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

// require() skips the ESM wrapper's export scan of typescript's 9 MB CommonJS file (≈ 1 s saved).
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;

/** Names a config refers to, by kind of implementation. */
export interface References {
  delays: Set<string>;
  guards: Set<string>;
  actors: Set<string>;
  actions: Set<string>;
}

export interface ReadabilityReport {
  /** One line per problem, `line:col message`; empty when the file is statically readable. */
  violations: string[];
  /** What the config refers to by name (to show the checker saw them). */
  referenced: References;
  /** What `setup({...})` declares. */
  declared: References;
}

/** Config keys whose function values Stately treats as opaque code rather than as chart structure. */
const OPAQUE_FUNCTION_KEYS = new Set(['context', 'input']);

const emptyReferences = (): References => ({
  delays: new Set(),
  guards: new Set(),
  actors: new Set(),
  actions: new Set(),
});

function nameOf(name: TypeScript.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function importedNames(file: TypeScript.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause === undefined) continue;
    const { name, namedBindings } = statement.importClause;
    if (name !== undefined) names.add(name.text);
    if (namedBindings === undefined) continue;
    if (ts.isNamespaceImport(namedBindings)) names.add(namedBindings.name.text);
    else for (const element of namedBindings.elements) names.add(element.name.text);
  }
  return names;
}

/** `createMachine(...)` or `setup(...).createMachine(...)`; same for `setup`. */
function isCallTo(node: TypeScript.Node, callee: string): node is TypeScript.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const { expression } = node;
  if (ts.isIdentifier(expression)) return expression.text === callee;
  return ts.isPropertyAccessExpression(expression) && expression.name.text === callee;
}

function findCalls(file: TypeScript.SourceFile, callee: string): TypeScript.CallExpression[] {
  const found: TypeScript.CallExpression[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (isCallTo(node, callee)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** An identifier used as a value, not as a property name or a member name. */
function isValueIdentifier(node: TypeScript.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) && parent.name === node)
    return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  return true;
}

function collectNamed(node: TypeScript.Expression, into: Set<string>): void {
  if (ts.isStringLiteral(node)) into.add(node.text);
  else if (ts.isArrayLiteralExpression(node))
    for (const element of node.elements) collectNamed(element, into);
  else if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property) && nameOf(property.name) === 'type') {
        if (ts.isStringLiteral(property.initializer)) into.add(property.initializer.text);
      }
    }
  }
}

function collectReferences(property: TypeScript.PropertyAssignment, references: References): void {
  const key = nameOf(property.name);
  const value = property.initializer;
  switch (key) {
    case 'after':
      if (ts.isObjectLiteralExpression(value)) {
        for (const delay of value.properties) {
          // Numeric keys are literal delays; only named delays must be declared.
          if (delay.name === undefined || ts.isNumericLiteral(delay.name)) continue;
          const name = nameOf(delay.name);
          if (name !== undefined && !/^\d+$/.test(name)) references.delays.add(name);
        }
      }
      break;
    case 'guard':
      collectNamed(value, references.guards);
      break;
    case 'src':
      collectNamed(value, references.actors);
      break;
    case 'entry':
    case 'exit':
    case 'actions':
      collectNamed(value, references.actions);
      break;
  }
}

function declaredIn(setupCall: TypeScript.CallExpression | undefined): References {
  const declared = emptyReferences();
  const options = setupCall?.arguments[0];
  if (options === undefined || !ts.isObjectLiteralExpression(options)) return declared;
  for (const section of options.properties) {
    if (!ts.isPropertyAssignment(section) || !ts.isObjectLiteralExpression(section.initializer)) continue;
    const kind = nameOf(section.name);
    if (kind !== 'delays' && kind !== 'guards' && kind !== 'actors' && kind !== 'actions') continue;
    for (const entry of section.initializer.properties) {
      const name = entry.name === undefined ? undefined : nameOf(entry.name);
      if (name !== undefined) declared[kind].add(name);
    }
  }
  return declared;
}

/** Checks one machine file's source text. */
export function checkMachineSource(source: string, fileName = 'machine.ts'): ReadabilityReport {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const violations: string[] = [];
  const referenced = emptyReferences();
  const report = (node: TypeScript.Node, message: string): void => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    violations.push(`${line + 1}:${character + 1} ${message}`);
  };

  const machineCalls = findCalls(file, 'createMachine');
  const machineCall = machineCalls[0];
  if (machineCalls.length !== 1 || machineCall === undefined) {
    violations.push(`expected exactly one createMachine() call, found ${machineCalls.length}`);
    return { violations, referenced, declared: emptyReferences() };
  }
  const config = machineCall.arguments[0];
  if (config === undefined || !ts.isObjectLiteralExpression(config)) {
    report(machineCall, 'createMachine() must be given an object literal');
    return { violations, referenced, declared: emptyReferences() };
  }

  const imports = importedNames(file);
  const visit = (node: TypeScript.Node): void => {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const parent = node.parent;
      const key = ts.isPropertyAssignment(parent) ? nameOf(parent.name) : undefined;
      if (key !== undefined && OPAQUE_FUNCTION_KEYS.has(key) && ts.isArrowFunction(node)) return;
      report(node, 'inline function (only `context` and `input` may be arrow functions)');
      return;
    }
    if (ts.isMethodDeclaration(node)) report(node, 'method in the config');
    else if (ts.isCallExpression(node) || ts.isNewExpression(node)) report(node, 'call expression');
    else if (ts.isTaggedTemplateExpression(node)) report(node, 'tagged template');
    else if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      report(node, 'template literal');
    } else if (ts.isSpreadAssignment(node) || ts.isSpreadElement(node)) report(node, 'spread');
    else if (ts.isComputedPropertyName(node)) report(node, 'computed property name');
    else if (ts.isIdentifier(node) && isValueIdentifier(node) && imports.has(node.text)) {
      report(node, `imported identifier \`${node.text}\``);
    }
    if (ts.isPropertyAssignment(node)) collectReferences(node, referenced);
    ts.forEachChild(node, visit);
  };
  visit(config);

  const declared = declaredIn(findCalls(file, 'setup')[0]);
  for (const kind of ['delays', 'guards', 'actors', 'actions'] as const) {
    for (const name of referenced[kind]) {
      if (!declared[kind].has(name)) violations.push(`${kind}: '${name}' is not declared in setup()`);
    }
  }
  return { violations, referenced, declared };
}
