// The value rules' expression language (docs/graph.md): numbers, source names, `+ - * / %`, comparisons,
// `and`/`or`/`not` (also `&&`, `||`, `!`), parentheses and a few functions (abs, sign, min, max, sqrt, hypot).
// A hand-written recursive-descent parser into a small tree, evaluated by walking it: rules come over REST, so
// nothing is ever handed to eval, and length and nesting depth are bounded before any work is done.

export interface ExpressionLimits {
  /** Characters at most. */
  maxLength: number;
  /** Nesting at most: parentheses, function calls and unary `-`/`not` each open a level. */
  maxDepth: number;
}

type Node =
  | { k: 'num'; v: number }
  | { k: 'name'; name: string }
  | { k: 'neg'; a: Node }
  | { k: 'not'; a: Node }
  | { k: 'bin'; op: BinOp; a: Node; b: Node }
  | { k: 'call'; fn: FnName; args: Node[] };

type BinOp = '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

const FUNCTIONS = {
  abs: { min: 1, max: 1, f: (x: number[]) => Math.abs(x[0]) },
  sign: { min: 1, max: 1, f: (x: number[]) => Math.sign(x[0]) },
  sqrt: { min: 1, max: 1, f: (x: number[]) => Math.sqrt(x[0]) },
  min: { min: 1, max: 8, f: (x: number[]) => x.reduce((m, v) => Math.min(m, v)) },
  max: { min: 1, max: 8, f: (x: number[]) => x.reduce((m, v) => Math.max(m, v)) },
  hypot: { min: 1, max: 8, f: (x: number[]) => Math.hypot(...x) },
} as const;
type FnName = keyof typeof FUNCTIONS;

export class ExpressionError extends Error {
  override name = 'ExpressionError';
  readonly code: string = 'value-expression-invalid';
}

/** A parsed expression: the names it reads and an evaluator over their current values. */
export interface Expression {
  readonly text: string;
  readonly names: ReadonlySet<string>;
  /** The value, or undefined when a name has no value or the result is not a finite number. Booleans are 1/0. */
  evaluate(values: ReadonlyMap<string, number>): number | undefined;
}

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|&&|\|\||[-+*/%<>!(),]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      const rest = text.slice(at).trimStart();
      if (rest.length === 0) break;
      throw new ExpressionError(`unexpected character at ${text.length - rest.length + 1}: '${rest.slice(0, 8)}'`);
    }
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

const ALIASES: Record<string, string> = { '&&': 'and', '||': 'or', '!': 'not' };
const COMPARE = new Set(['<', '<=', '>', '>=', '==', '!=']);

class Parser {
  private i = 0;
  private depth = 0;
  readonly names = new Set<string>();

  constructor(
    private readonly tokens: string[],
    private readonly maxDepth: number,
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new ExpressionError('empty expression');
    const n = this.or();
    if (this.i < this.tokens.length) throw new ExpressionError(`unexpected '${this.tokens[this.i]}'`);
    return n;
  }

  private peek(): string | undefined {
    const t = this.tokens[this.i];
    return t === undefined ? undefined : (ALIASES[t] ?? t);
  }

  private next(): string {
    const t = this.peek();
    if (t === undefined) throw new ExpressionError('expression ends too early');
    this.i++;
    return t;
  }

  /** Every construct that nests goes through here, so a deep input fails before the stack does. */
  private nest<T>(f: () => T): T {
    if (++this.depth > this.maxDepth) throw new ExpressionError(`nested deeper than ${this.maxDepth}`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** A left-associative chain (a loop, not recursion: a long sum is bounded by the length alone). */
  private binary(ops: ReadonlySet<string>, sub: () => Node, once = false): Node {
    let a = sub();
    while (ops.has(this.peek() ?? '')) {
      const op = this.next() as BinOp;
      a = { k: 'bin', op, a, b: sub() };
      if (once) break;
    }
    return a;
  }

  private or = (): Node => this.binary(new Set(['or']), this.and);
  private and = (): Node => this.binary(new Set(['and']), this.not);
  private not = (): Node => (this.peek() === 'not' ? (this.next(), this.nest((): Node => ({ k: 'not', a: this.not() }))) : this.cmp());
  private cmp = (): Node => this.binary(COMPARE, this.add, true);
  private add = (): Node => this.binary(new Set(['+', '-']), this.mul);
  private mul = (): Node => this.binary(new Set(['*', '/', '%']), this.unary);
  private unary = (): Node => (this.peek() === '-' ? (this.next(), this.nest((): Node => ({ k: 'neg', a: this.unary() }))) : this.primary());

  private primary(): Node {
    const t = this.next();
    if (t === '(') {
      const n = this.nest(this.or);
      if (this.peek() !== ')') throw new ExpressionError("missing ')'");
      this.next();
      return n;
    }
    if (/^[\d.]/.test(t)) return { k: 'num', v: Number(t) };
    if (t === 'true' || t === 'false') return { k: 'num', v: t === 'true' ? 1 : 0 };
    if (/^[A-Za-z_]/.test(t) && !['and', 'or', 'not'].includes(t)) {
      if (this.peek() !== '(') {
        this.names.add(t);
        return { k: 'name', name: t };
      }
      if (!Object.hasOwn(FUNCTIONS, t)) throw new ExpressionError(`unknown function '${t}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      const fn = t as FnName;
      this.next();
      const args: Node[] = [];
      if (this.peek() !== ')') {
        for (;;) {
          args.push(this.nest(this.or));
          if (this.peek() !== ',') break;
          this.next();
          if (args.length >= FUNCTIONS[fn].max) throw new ExpressionError(`${fn} takes at most ${FUNCTIONS[fn].max} arguments`);
        }
      }
      if (this.peek() !== ')') throw new ExpressionError(`missing ')' after the arguments of ${fn}`);
      this.next();
      const { min, max } = FUNCTIONS[fn];
      if (args.length < min || args.length > max) throw new ExpressionError(`${fn} takes ${min === max ? min : `${min}–${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`);
      return { k: 'call', fn, args };
    }
    throw new ExpressionError(`unexpected '${t}'`);
  }
}

function evaluate(n: Node, values: ReadonlyMap<string, number>): number {
  switch (n.k) {
    case 'num':
      return n.v;
    case 'name':
      // NaN propagates: the caller turns a non-finite result into "no value".
      return values.get(n.name) ?? NaN;
    case 'neg':
      return -evaluate(n.a, values);
    case 'not':
      return evaluate(n.a, values) ? 0 : 1;
    case 'call':
      return FUNCTIONS[n.fn].f(n.args.map((a) => evaluate(a, values)));
    case 'bin': {
      const a = evaluate(n.a, values);
      // Short-circuit; a missing value (NaN) makes the result missing unless the other side decides it.
      if (n.op === 'and') return a === 0 ? 0 : logical(a, evaluate(n.b, values));
      if (n.op === 'or') return truthy(a) ? 1 : logical(a, evaluate(n.b, values));
      const b = evaluate(n.b, values);
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      switch (n.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '%': return a % b;
        case '<': return a < b ? 1 : 0;
        case '<=': return a <= b ? 1 : 0;
        case '>': return a > b ? 1 : 0;
        case '>=': return a >= b ? 1 : 0;
        case '==': return a === b ? 1 : 0;
        case '!=': return a !== b ? 1 : 0;
      }
    }
  }
}

const truthy = (v: number) => !Number.isNaN(v) && v !== 0;
/** The second operand decides: NaN when either side is missing, else 1/0. */
const logical = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : b !== 0 ? 1 : 0);

/** Parses `text`; throws ExpressionError naming what is wrong (too long, too deep, a syntax error). */
export function parseExpression(text: string, limits: ExpressionLimits): Expression {
  if (typeof text !== 'string') throw new ExpressionError('not a string');
  if (text.length > limits.maxLength) throw new ExpressionError(`longer than ${limits.maxLength} characters`);
  const parser = new Parser(tokenize(text), limits.maxDepth);
  const tree = parser.parse();
  return {
    text,
    names: parser.names,
    evaluate(values) {
      const v = evaluate(tree, values);
      return Number.isFinite(v) ? v : undefined;
    },
  };
}
