import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The part of lib/core's purity rule that Biome cannot express: an exact allowlist of what a
 * core file may import (zod, @noble/hashes and files that resolve inside lib/core, so `./../adapters/x.ts`
 * is caught), no dynamic `import()` or `import.meta`, no triple-slash references, and no
 * suppression comments that would switch the purity rules in biome.json off. Globals (the
 * clock, randomness, timers, the process, globalThis) are Biome's part, in biome.json.
 */

export interface CorePurityViolation {
  /** The file, relative to the project root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  message: string;
}

const CORE = join('lib', 'core');
const SOURCE = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
const PURITY_RULES = new Set([
  'noRestrictedGlobals',
  'noRestrictedImports',
  'noJsRestrictedProperties',
  'noProcessEnv',
]);
const SUPPRESSION = /biome-ignore(?:-all|-start)?\s+lint(?:\/(\w+))?(?:\/(\w+))?/g;

/** The pure-computation packages core may use: validation, and hashing without node:crypto. */
const PURE_PACKAGES = ['zod', '@noble/hashes'];
const isPurePackage = (specifier: string): boolean =>
  PURE_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/** Why a module specifier is not allowed in the file, or undefined when it is. */
const refuseSpecifier = (specifier: string, file: string, coreDir: string): string | undefined => {
  if (isPurePackage(specifier)) return undefined;
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    const inside = relative(coreDir, resolve(dirname(file), specifier));
    if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) return undefined;
    return `lib/core may import only zod, @noble/hashes and files inside lib/core: '${specifier}' resolves outside lib/core.`;
  }
  return `lib/core may import only zod, @noble/hashes and files inside lib/core: '${specifier}' is neither; I/O, AWS and Node modules belong in lib/adapters.`;
};

/** The module a node names statically: an import, a re-export, `import x = require()`, `import('x').T`. */
const staticSpecifier = (node: ts.Node): ts.Expression | ts.Node | undefined => {
  if (ts.isImportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isExportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    return node.moduleReference.expression;
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return node.argument.literal;
  return undefined;
};

/** Every violation in one core file's text; `file` is its absolute path. */
export const checkCoreSource = (file: string, text: string, root: string): CorePurityViolation[] => {
  const coreDir = join(root, CORE);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const name = relative(root, file).split('\\').join('/');
  const violations: CorePurityViolation[] = [];
  const report = (position: number, message: string): void => {
    const { line, character } = source.getLineAndCharacterOfPosition(position);
    violations.push({ file: name, line: line + 1, column: character + 1, message });
  };

  const visit = (node: ts.Node): void => {
    const specifier = staticSpecifier(node);
    if (specifier !== undefined) {
      const refusal = ts.isStringLiteral(specifier)
        ? refuseSpecifier(specifier.text, file, coreDir)
        : 'lib/core may import only zod, @noble/hashes and files inside lib/core, named by a string literal.';
      if (refusal !== undefined) report(specifier.getStart(source), refusal);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(
        node.getStart(source),
        'lib/core may not load modules at run time: dynamic import() is not allowed.',
      );
    }
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      report(
        node.getStart(source),
        "lib/core may not read import.meta: the module's location and environment are I/O.",
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  for (const reference of [
    ...source.referencedFiles,
    ...source.typeReferenceDirectives,
    ...source.libReferenceDirectives,
  ]) {
    report(reference.pos, `lib/core may not pull in '${reference.fileName}' with a triple-slash reference.`);
  }
  for (const match of text.matchAll(SUPPRESSION)) {
    const [, group, rule] = match;
    const coversPurity =
      group === undefined ||
      ((group === 'style' || group === 'nursery') && (rule === undefined || PURITY_RULES.has(rule)));
    if (coversPurity) {
      report(match.index, `lib/core may not suppress its purity rules: '${match[0]}' would switch them off.`);
    }
  }
  return violations.sort((left, right) => left.line - right.line || left.column - right.column);
};

/** Every violation in every source file under `root`/lib/core. */
export const findCorePurityViolations = async (root: string): Promise<CorePurityViolation[]> => {
  const coreDir = join(root, CORE);
  const entries = await readdir(coreDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && SOURCE.has(extname(entry.name)))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const checked = await Promise.all(
    files.map(async (file) => checkCoreSource(file, await readFile(file, 'utf8'), root)),
  );
  return checked.flat();
};

export const formatViolation = (violation: CorePurityViolation): string =>
  `${violation.file}:${violation.line}:${violation.column}  ${violation.message}`;
