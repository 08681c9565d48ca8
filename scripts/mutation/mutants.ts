import ts from 'typescript'
import { STEP_IDS } from '../../server/steps/step-ids.js'

/** One small, plausible bug: replace source[start, end) with `replacement`. */
export interface Mutant {
  file: string
  line: number
  start: number
  end: number
  original: string
  replacement: string
  operator: MutationOperator
}

export type MutationOperator =
  | 'equality-flip'
  | 'boundary-shift'
  | 'logical-swap'
  | 'condition-drop'
  | 'negation-drop'
  | 'boolean-flip'
  | 'if-forced'
  | 'constant-swap'
  | 'number-shift'
  | 'return-negated'
  | 'method-swap'

const EQUALITY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: '!==',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '===',
  [ts.SyntaxKind.EqualsEqualsToken]: '!=',
  [ts.SyntaxKind.ExclamationEqualsToken]: '==',
}
const BOUNDARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.LessThanToken]: '<=',
  [ts.SyntaxKind.LessThanEqualsToken]: '<',
  [ts.SyntaxKind.GreaterThanToken]: '>=',
  [ts.SyntaxKind.GreaterThanEqualsToken]: '>',
}
const LOGICAL: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.AmpersandAmpersandToken]: '||',
  [ts.SyntaxKind.BarBarToken]: '&&',
}
const BOOLEAN_OPERATORS = new Set<ts.SyntaxKind>([...Object.keys(EQUALITY), ...Object.keys(BOUNDARY), ...Object.keys(LOGICAL)].map(Number))
/** Predicates whose result decides something; `return !(…)` of one is a plausible inverted check. */
const PREDICATE_METHODS = new Set(['some', 'every', 'has', 'includes', 'test', 'startsWith', 'endsWith', 'equals'])
const METHOD_SWAPS: Record<string, string> = { some: 'every', every: 'some', startsWith: 'endsWith', endsWith: 'startsWith' }
/** Swapping one of these for its neighbour is the "wrong step / wrong verdict" bug. */
const CONSTANT_SWAPS: Record<string, string> = {
  ...Object.fromEntries(STEP_IDS.map((step, index) => [step, STEP_IDS[(index + 1) % STEP_IDS.length] ?? step])),
  accept: 'reject',
  reject: 'accept',
  pass: 'fail',
  fail: 'pass',
  attack: 'control',
  control: 'attack',
}

/**
 * The targeted mutation operators of docs/mutation-testing.md, applied to one TypeScript file:
 * flipped comparisons, shifted boundaries, swapped and dropped conditions, forced branches,
 * swapped constants (steps, verdicts), shifted numbers, negated predicate returns and swapped
 * array predicates. Types, imports and exports are never mutated (they do not run).
 */
export function mutantsOf(file: string, source: string): Mutant[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const mutants: Mutant[] = []
  const add = (start: number, end: number, replacement: string, operator: MutationOperator): void => {
    const original = source.slice(start, end)
    if (original === replacement) return
    mutants.push({ file, line: sourceFile.getLineAndCharacterOfPosition(start).line + 1, start, end, original, replacement, operator })
  }
  const replaceNode = (node: ts.Node, replacement: string, operator: MutationOperator): void => add(node.getStart(sourceFile), node.getEnd(), replacement, operator)

  const visit = (node: ts.Node): void => {
    if (isNeverRun(node)) return
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind
      const token = node.operatorToken
      const flipped = EQUALITY[kind]
      if (flipped !== undefined) add(token.getStart(sourceFile), token.getEnd(), flipped, 'equality-flip')
      const shifted = BOUNDARY[kind]
      if (shifted !== undefined) add(token.getStart(sourceFile), token.getEnd(), shifted, 'boundary-shift')
      const swapped = LOGICAL[kind]
      if (swapped !== undefined) {
        add(token.getStart(sourceFile), token.getEnd(), swapped, 'logical-swap')
        replaceNode(node, `(${node.left.getText(sourceFile)})`, 'condition-drop')
        replaceNode(node, `(${node.right.getText(sourceFile)})`, 'condition-drop')
      }
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      replaceNode(node, `(${node.operand.getText(sourceFile)})`, 'negation-drop')
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      replaceNode(node, 'false', 'boolean-flip')
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      replaceNode(node, 'true', 'boolean-flip')
    } else if (ts.isIfStatement(node) || ts.isConditionalExpression(node)) {
      const condition = ts.isIfStatement(node) ? node.expression : node.condition
      replaceNode(condition, 'true', 'if-forced')
      replaceNode(condition, 'false', 'if-forced')
    } else if (ts.isStringLiteral(node) && !isPropertyName(node)) {
      const swap = Object.hasOwn(CONSTANT_SWAPS, node.text) ? CONSTANT_SWAPS[node.text] : undefined
      if (swap !== undefined) replaceNode(node, `'${swap}'`, 'constant-swap')
    } else if (ts.isNumericLiteral(node) && !isPropertyName(node)) {
      replaceNode(node, String(Number(node.text) + 1), 'number-shift')
    } else if (ts.isReturnStatement(node) && node.expression !== undefined && isPredicate(node.expression, sourceFile)) {
      replaceNode(node.expression, `!(${node.expression.getText(sourceFile)})`, 'return-negated')
    } else if (ts.isPropertyAccessExpression(node) && ts.isCallExpression(node.parent) && node.parent.expression === node) {
      // Own keys only: `toString` or `constructor` must not find Object.prototype's.
      const swap = Object.hasOwn(METHOD_SWAPS, node.name.text) ? METHOD_SWAPS[node.name.text] : undefined
      if (swap !== undefined) replaceNode(node.name, swap, 'method-swap')
    }
    ts.forEachChild(node, visit)
  }
  visit(sourceFile)
  return mutants
}

/** Types, imports, exports-from and ambient declarations: erased before anything runs. */
function isNeverRun(node: ts.Node): boolean {
  return (
    ts.isTypeNode(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isImportDeclaration(node) ||
    (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) ||
    ts.isModuleDeclaration(node)
  )
}

function isPropertyName(node: ts.Node): boolean {
  const parent = node.parent
  return (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node
}

function isPredicate(expression: ts.Expression, sourceFile: ts.SourceFile): boolean {
  if (ts.isParenthesizedExpression(expression)) return isPredicate(expression.expression, sourceFile)
  if (ts.isBinaryExpression(expression)) return BOOLEAN_OPERATORS.has(expression.operatorToken.kind)
  if (ts.isPrefixUnaryExpression(expression)) return expression.operator === ts.SyntaxKind.ExclamationToken
  if (ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression)) {
    return PREDICATE_METHODS.has(expression.expression.name.getText(sourceFile))
  }
  return false
}

/** The source with one mutant applied. */
export function applyMutant(source: string, mutant: Mutant): string {
  return source.slice(0, mutant.start) + mutant.replacement + source.slice(mutant.end)
}
