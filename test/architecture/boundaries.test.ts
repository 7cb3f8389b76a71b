// The direction of every import, read from the sources: the dev kit points at the product, never
// the reverse; the dev kit reaches the product only through its entry points (the `#` aliases of
// package.json `imports`); the functions' code never loads the CDK; and what an installed package
// runs as compiled JavaScript (the construct library, the event types) needs nothing but its peer
// dependencies and its own dependencies. Each rule lists its violations, so a failure names the
// file and the import to change.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  imports: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** One import of a source file. */
interface Import {
  /** The file that imports, relative to the repository root. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported source file, relative to the root, when it is one of the project's. */
  target?: string;
  /** Erased at compile time (`import type`, `typeof import(...)`): loads nothing at run time. */
  typeOnly: boolean;
  /** `import()` or `require()` with a literal: loaded when that code runs, not with the module. */
  lazy: boolean;
}

const SOURCE_ROOTS = [
  'bin',
  'lib',
  'lambdas',
  'channels',
  'runtime',
  'cli',
  'devkit',
  'scripts',
  'events.ts',
];

function sourceFiles(entry: string): string[] {
  const absolute = path.join(ROOT, entry);
  let stats;
  try {
    stats = statSync(absolute);
  } catch {
    return [];
  }
  if (stats.isFile()) return /\.(ts|mjs)$/.test(entry) ? [entry] : [];
  return readdirSync(absolute).flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** The project file a specifier names, following relative paths and the `#` aliases. */
function resolveTarget(from: string, specifier: string): string | undefined {
  const base = specifier.startsWith('#')
    ? manifest.imports[specifier]
    : specifier.startsWith('.')
      ? path.join(path.dirname(from), specifier)
      : undefined;
  if (base === undefined) return undefined;
  const normal = path.normalize(base);
  for (const candidate of [normal, `${normal}.ts`, path.join(normal, 'index.ts')]) {
    try {
      if (statSync(path.join(ROOT, candidate)).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean, lazy: boolean) =>
    found.push({ from: file, specifier, target: resolveTarget(file, specifier), typeOnly, lazy });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier.text, allTypes, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const allTypes =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.every((element) => element.isTypeOnly));
      add(node.moduleSpecifier.text, allTypes, false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal))
        add(argument.literal.text, true, true);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0] as ts.Node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add((node.arguments[0] as ts.StringLiteral).text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const FILES = SOURCE_ROOTS.flatMap(sourceFiles).filter((file) => file.endsWith('.ts'));
const IMPORTS = FILES.flatMap(importsOf);

/** The top-level area a file belongs to. */
function areaOf(file: string): string {
  return file.split(path.sep)[0] as string;
}

const PRODUCT = ['bin', 'lib', 'lambdas', 'channels', 'runtime', 'cli', 'events.ts'];

function show(edges: readonly Import[]): string[] {
  return edges.map((edge) => `${edge.from} imports ${edge.specifier}`);
}

/** Every package a file loads at run time, following the project's own modules from `entries`. */
function packagesReachedFrom(
  entries: readonly string[],
  follow: (edge: Import) => boolean,
): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of IMPORTS.filter((candidate) => candidate.from === file)) {
      if (edge.typeOnly || !follow(edge)) continue;
      if (edge.target) queue.push(edge.target);
      else if (!edge.specifier.startsWith('.') && !edge.specifier.startsWith('#')) {
        const name = edge.specifier.startsWith('@')
          ? edge.specifier.split('/').slice(0, 2).join('/')
          : (edge.specifier.split('/')[0] as string);
        if (!reached.has(name)) reached.set(name, `${file} imports ${edge.specifier}`);
      }
    }
  }
  return reached;
}

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name);
}

it('reads the imports of every source file', () => {
  // A guard for the rules below: the scan sees the files and their imports of every kind.
  expect(FILES).toEqual(expect.arrayContaining(['lib/ec2-task-monitor.ts', 'devkit/local-mode.ts']));
  expect(IMPORTS.some((edge) => edge.lazy && !edge.typeOnly)).toBe(true);
  expect(IMPORTS.some((edge) => edge.typeOnly)).toBe(true);
  expect(IMPORTS.some((edge) => edge.specifier.startsWith('#') && edge.target)).toBe(true);
});

it('the product never imports the dev kit, but for the local command loading it lazily', () => {
  const intoDevkit = IMPORTS.filter(
    (edge) => PRODUCT.includes(areaOf(edge.from)) && edge.target && areaOf(edge.target) === 'devkit',
  );

  expect(show(intoDevkit.filter((edge) => !(edge.from === 'cli/commands/local.ts' && edge.lazy)))).toEqual(
    [],
  );
  expect(show(intoDevkit)).toEqual(['cli/commands/local.ts imports ../../devkit/local-mode']);
});

it('the dev kit reaches the product only through its entry points (the # aliases)', () => {
  const aliases = new Set(Object.values(manifest.imports).map((target) => path.normalize(target)));
  const intoProduct = IMPORTS.filter(
    (edge) => areaOf(edge.from) === 'devkit' && edge.target && PRODUCT.includes(areaOf(edge.target)),
  );

  expect(show(intoProduct.filter((edge) => !edge.specifier.startsWith('#')))).toEqual([]);
  expect(show(intoProduct.filter((edge) => !aliases.has(edge.target as string)))).toEqual([]);
});

it('no product code imports the tests, and only the dev kit imports its own folders', () => {
  const wrong = IMPORTS.filter(
    (edge) =>
      edge.target !== undefined &&
      (areaOf(edge.target) === 'test' ||
        (areaOf(edge.target) === 'scripts' && areaOf(edge.from) !== 'scripts')),
  );

  expect(show(wrong)).toEqual([]);
});

it("the functions' code never loads the CDK, the command line or the runtime", () => {
  const entries = FILES.filter((file) => areaOf(file) === 'lambdas');
  const wrong = IMPORTS.filter(
    (edge) =>
      entries.includes(edge.from) &&
      !edge.typeOnly &&
      ((edge.target && ['lib', 'cli', 'runtime', 'bin', 'devkit'].includes(areaOf(edge.target))) ||
        /^(aws-cdk-lib|constructs)(\/|$)/.test(edge.specifier)),
  );

  expect(show(wrong)).toEqual([]);
});

it('the command line loads no CDK, apart from the local command', () => {
  const reached = packagesReachedFrom(['cli/main.ts'], (edge) => edge.from !== 'cli/commands/local.ts');

  expect([...reached.entries()].filter(([name]) => /^(aws-cdk-lib|constructs|cdk-nag)$/.test(name))).toEqual(
    [],
  );
});

it('the event types load no package at all', () => {
  const reached = packagesReachedFrom(['events.ts'], () => true);

  expect([...reached.keys()].filter((name) => !isBuiltin(name))).toEqual([]);
});

it('the construct library loads only its peer dependencies and its own dependencies', () => {
  const allowed = new Set([
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.dependencies ?? {}),
  ]);
  const reached = packagesReachedFrom(['lib/index.ts'], () => true);

  expect([...reached.entries()].filter(([name]) => !isBuiltin(name) && !allowed.has(name))).toEqual([]);
});
