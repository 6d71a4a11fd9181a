/**
 * A detection's query as one evaluation of its log search alert rule sees the workspace, for a
 * service that cannot be told what time it is: the Log Analytics query API runs a query at its own
 * `now()` (KQL has no statement that sets it, and the request's `timespan` only bounds the rows), so
 * an evaluation at a past time `t` is written into the query itself, through Microsoft's parser and
 * the typed literals of `kql/literals.ts`, never by matching or pasting text:
 *
 * - every call of the built-in `now()` becomes the datetime literal of `t`, `now(offset)` becomes
 *   `(t + (offset))` and `ago(span)` becomes `(t - (span))` (the parser's bound symbols pick the
 *   calls, so a column or variable that happens to be named `now` is left alone);
 * - every reference to the `AzureDiagnostics` table becomes a `let`-bound name for the rows the
 *   evaluation at `t` could see: `TimeGenerated` in the query range `[start, t)` and ingested by `t`
 *   (`ingestion_time() <= t`), the rows the replay gives the same query (replay/engine.ts).
 *
 * The result is analyzed again and refused if the parser reports an error or a `now()`/`ago()` call
 * is left (a bug guard). `test/backtest-query.test.ts` proves that the bound query over the whole
 * table, evaluated at any other `now()`, answers exactly as the rule's query at `t` over the rows the
 * replay makes visible.
 */
import { analyzeKql, kusto } from "./kusto";
import { kqlDateTime } from "./literals";
import { AZURE_DIAGNOSTICS_TABLE } from "./schema";

/** One evaluation of a rule: the instant it runs and the start of the rows it reads (epoch milliseconds, whole). */
export interface EvaluationInstant {
    /** The evaluation time `t`: `now()` and `ago()` are bound to it, and rows ingested after it are not seen. */
    readonly evaluatedAt: number;
    /** Start of the query range (inclusive): `t` less the rule's window times its evaluation periods. */
    readonly rangeStart: number;
}

/** The name the bound query gives the rows of one evaluation, unless the query already declares it (then a numbered one). */
export const EVALUATION_ROWS_NAME = "evaluationRows";

/** A text edit of the query: the span `[start, end)` replaced by `parts` (text, or the evaluation time's literal). */
interface Edit {
    readonly start: number;
    readonly end: number;
    readonly parts: readonly Part[];
}

/** A piece of a bound query: fixed text, or a slot for the literal of the evaluation time or of the range's start. */
type Part = string | { readonly slot: "evaluatedAt" | "rangeStart" };

const AT: Part = { slot: "evaluatedAt" };
const FROM: Part = { slot: "rangeStart" };

/** The first argument of a call, or `undefined` for a call without arguments. */
function firstArgument(call: Kusto.Language.Syntax.FunctionCallExpression): Kusto.Language.Syntax.SyntaxElement | undefined {
    const list = call.ArgumentList?.Expressions ?? null;
    const separated = list !== null && list.ChildCount > 0 ? list.GetChild(0) : null;
    const element = separated instanceof kusto().Language.Syntax.SyntaxNode ? separated.GetChild(0) : null;
    return element ?? undefined;
}

/** The edits that bind one call of `now()` or `ago()` to the evaluation time; other calls get none. */
function callEdits(call: Kusto.Language.Syntax.FunctionCallExpression): Edit[] {
    const F = kusto().Language.Functions;
    const isNow = call.ReferencedSymbol === F.Now;
    if (!isNow && call.ReferencedSymbol !== F.Ago) return [];
    const argument = firstArgument(call);
    if (argument === undefined) {
        if (!isNow) throw new Error(`ago() without an argument at offset ${call.TextStart}`);
        return [{ start: call.TextStart, end: call.End, parts: [AT] }];
    }
    // `now(offset)` is t + offset, `ago(span)` is t - span: the call's name and parentheses are rewritten, its argument stays (and is bound in turn).
    return [
        { start: call.TextStart, end: argument.TextStart, parts: ["(", AT, ` ${isNow ? "+" : "-"} (`] },
        { start: call.End - 1, end: call.End, parts: ["))"] },
    ];
}

/** The query cut at non-overlapping edits into fixed text and slots. */
function applyEdits(text: string, edits: readonly Edit[]): Part[] {
    const sorted = [...edits].sort((a, b) => a.start - b.start);
    const out: Part[] = [];
    let at = 0;
    for (const e of sorted) {
        if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
        out.push(text.slice(at, e.start), ...e.parts);
        at = e.end;
    }
    out.push(text.slice(at));
    return out;
}

/** A name for the evaluation's rows that the query does not declare itself. */
function freeRowsName(declared: ReadonlySet<string>): string {
    let name = EVALUATION_ROWS_NAME;
    for (let i = 2; declared.has(name); i++) name = `${EVALUATION_ROWS_NAME}${i}`;
    return name;
}

/**
 * A query made ready to bind to any evaluation: analyzed once (Microsoft's parser takes tens of
 * milliseconds on a detection's query, too long to repeat for every evaluation of a month), cut into
 * fixed text and slots for the two instants. Binding then only renders the literals.
 */
export class EvaluationTemplate {
    private readonly parts: readonly Part[];

    /** Analyzes `query` (a detection's rendered query reading `AzureDiagnostics`); throws when it does not parse. */
    constructor(readonly query: string) {
        const analyzed = analyzeKql(query);
        const errors = analyzed.diagnostics.filter((d) => d.severity === "Error");
        if (errors.length > 0) throw new Error(`the query does not parse (${errors[0].line}:${errors[0].column}: ${errors[0].message})`);
        const S = kusto().Language.Syntax;
        const table = kusto().Language.Symbols.TableSymbol;
        const declared = new Set<string>();
        const edits: Edit[] = [];
        const tableReferences: Kusto.Language.Syntax.NameReference[] = [];
        const F = kusto().Language.Functions;
        // Functions that read a table by a name given as a value: the binding could not narrow their rows.
        const tableFunctions = new Set<unknown>([F.Table, F.Database, F.Cluster, F.ExternalTable, F.MaterializedView]);
        const refuse = (what: string, at: number): never => {
            throw new Error(`the query reads rows through ${what} (offset ${at}); a backtest binds only references to ${AZURE_DIAGNOSTICS_TABLE} by name to the rows an alert at the evaluation time could see, so it cannot run this query faithfully`);
        };
        analyzed.code.Syntax?.WalkElements((element) => {
            if (element instanceof S.FunctionCallExpression) {
                if (tableFunctions.has(element.ReferencedSymbol)) refuse(`${element.Name?.SimpleName}()`, element.TextStart);
                edits.push(...callEdits(element));
            } else if (element instanceof S.SearchOperator || element instanceof S.FindOperator) refuse(element instanceof S.SearchOperator ? "search" : "find", element.TextStart);
            else if (element instanceof S.NameDeclaration) declared.add(element.SimpleName ?? "");
            else if (element instanceof S.NameReference && element.ReferencedSymbol instanceof table) {
                if (element.ReferencedSymbol.Name !== AZURE_DIAGNOSTICS_TABLE) refuse(`the table ${element.ReferencedSymbol.Name}`, element.TextStart);
                tableReferences.push(element);
            }
        });
        const rows = freeRowsName(declared);
        edits.push(...tableReferences.map((r) => ({ start: r.TextStart, end: r.End, parts: [rows] })));
        const header: Part[] = [
            "// The rows this evaluation sees: TimeGenerated in its query range, ingested by the evaluation time.\n",
            `let ${rows} = ${AZURE_DIAGNOSTICS_TABLE}\n    | where TimeGenerated >= `,
            FROM,
            " and TimeGenerated < ",
            AT,
            "\n    | where ingestion_time() <= ",
            AT,
            ";\n",
        ];
        this.parts = [...header, ...applyEdits(query, edits)];
        // Every binding has the same structure, only other literals: one check of one binding checks them all.
        assertBound(this.render("datetime(2000-01-01T00:00:00.000Z)", "datetime(1999-12-31T00:00:00.000Z)"));
    }

    /**
     * The query as its evaluation at `instant.evaluatedAt` runs it against a workspace: `now()`/`ago()`
     * bound to that time, the table narrowed to the rows of the query range ingested by then. Throws
     * a `ValidationError` when an instant is not a whole millisecond in KQL's datetime range, and a
     * `RangeError` when the range is empty.
     */
    bind(instant: EvaluationInstant): string {
        if (!(instant.rangeStart < instant.evaluatedAt)) throw new RangeError(`the query range must start before the evaluation time (${instant.rangeStart} .. ${instant.evaluatedAt})`);
        return this.render(kqlDateTime(instant.evaluatedAt), kqlDateTime(instant.rangeStart));
    }

    private render(at: string, from: string): string {
        return this.parts.map((p) => (typeof p === "string" ? p : p.slot === "evaluatedAt" ? at : from)).join("");
    }
}

/** Most templates {@link bindQueryToEvaluation} keeps (one per rule of a stack is typical); past it the cache starts over. */
const TEMPLATE_CACHE_LIMIT = 64;
const templates = new Map<string, EvaluationTemplate>();

/**
 * The query `query` as its evaluation at `instant.evaluatedAt` runs it against a workspace (see
 * {@link EvaluationTemplate.bind}); templates are cached by query text, so a rule's query is analyzed
 * once however many evaluations are bound.
 */
export function bindQueryToEvaluation(query: string, instant: EvaluationInstant): string {
    let template = templates.get(query);
    if (!template) {
        template = new EvaluationTemplate(query);
        if (templates.size >= TEMPLATE_CACHE_LIMIT) templates.clear();
        templates.set(query, template);
    }
    return template.bind(instant);
}

/** Refuses a bound query that does not parse or still calls `now()` or `ago()` (a bug in the binding, never a user error). */
function assertBound(bound: string): void {
    const analyzed = analyzeKql(bound);
    const errors = analyzed.diagnostics.filter((d) => d.severity === "Error");
    if (errors.length > 0) throw new Error(`the bound query does not parse (${errors[0].line}:${errors[0].column}: ${errors[0].message})`);
    const F = kusto().Language.Functions;
    const S = kusto().Language.Syntax;
    analyzed.code.Syntax?.WalkElements((element) => {
        if (element instanceof S.FunctionCallExpression && (element.ReferencedSymbol === F.Now || element.ReferencedSymbol === F.Ago)) {
            throw new Error(`the bound query still calls ${element.Name?.SimpleName}() at offset ${element.TextStart}`);
        }
    });
}
