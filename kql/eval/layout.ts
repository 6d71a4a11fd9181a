/**
 * Row layouts: how each stage of a compiled query stores its rows and reads a column by name.
 *
 * Operators that do not change rows (`where`, `sort`, `take`, `project-away`, renames) hand the
 * same row objects on with another layout, so no column is copied. `extend` wraps each row with
 * the new values only; `project`, `summarize` and `distinct` build flat arrays; `join` pairs the
 * two sides. Readers are composed once at compile time, so reading a column costs one call per
 * layer.
 */
import { normalizeInput, nullOf, type EvalColumn, type EvalRow, type EvalValue, type KustoType } from "./values";

/** A row inside the evaluator; its shape is known only to the layout that produced it. */
export type IRow = unknown;

/** Reads one column of a row. */
export type Accessor = (row: IRow) => EvalValue;

/** How a stage's rows are stored: its columns in order and a reader per column name. */
export interface Layout {
    /** The stage's columns in output order, as the parser inferred them. */
    readonly columns: readonly EvalColumn[];
    /** The reader of a column, or `undefined` when the stage has no such column. */
    accessor(name: string): Accessor | undefined;
}

function findType(columns: readonly EvalColumn[], name: string): KustoType | undefined {
    return columns.find((c) => c.name === name)?.type;
}

/**
 * The reader of one column of plain-object rows, with the normalization of its type. Each column
 * gets its own generated function, so each property load sees one property name (a shared
 * `r[name]` site would be megamorphic and several times slower on wide tables).
 */
function columnReader(name: string, type: KustoType): Accessor {
    const key = JSON.stringify(name);
    const fast = type === "string" ? `typeof v === "string"` : type === "datetime" || type === "long" || type === "int" || type === "real" || type === "timespan" ? `typeof v === "number"` : "false";
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function("normalize", "type", `return function (r) { const v = r[${key}]; return ${fast} ? v : normalize(v, type); };`) as (
        normalize: typeof normalizeInput,
        type: KustoType,
    ) => Accessor;
    return make(normalizeInput, type);
}

/** Rows of an input table as the caller gave them (plain objects); values are normalized as they are read (missing string -> `""`, `Date` -> epoch ms). */
export class SourceLayout implements Layout {
    constructor(readonly columns: readonly EvalColumn[]) {}

    accessor(name: string): Accessor | undefined {
        const type = findType(this.columns, name);
        return type ? columnReader(name, type) : undefined;
    }
}

/** Rows stored as arrays of values in column order (results of `project`, `summarize`, `distinct`, `datatable`, `print`). */
export class ArrayLayout implements Layout {
    private readonly index = new Map<string, number>();

    constructor(readonly columns: readonly EvalColumn[]) {
        columns.forEach((c, i) => this.index.set(c.name, i));
    }

    accessor(name: string): Accessor | undefined {
        const i = this.index.get(name);
        if (i === undefined) return undefined;
        return (r) => (r as readonly EvalValue[])[i];
    }
}

/** A row of an `extend`: one array holding the input row at index 0 and the computed values after it (one allocation a row). */
export type ExtendedRow = [IRow, ...EvalValue[]];

/** Rows of an `extend`: computed columns from the row's own values, every other column from the input row. */
export class ExtendLayout implements Layout {
    private readonly index = new Map<string, number>();

    constructor(
        private readonly base: Layout,
        computed: readonly string[],
        readonly columns: readonly EvalColumn[],
    ) {
        computed.forEach((n, i) => this.index.set(n, i + 1));
    }

    accessor(name: string): Accessor | undefined {
        const i = this.index.get(name);
        if (i !== undefined) return (r) => (r as ExtendedRow)[i] as EvalValue;
        const inner = this.base.accessor(name);
        if (!inner) return undefined;
        return (r) => inner((r as ExtendedRow)[0]);
    }
}

/** The same rows under other column names or a subset of them (`project-away`, `project-rename`, `project-keep`, a `project` of plain columns). */
export class RenamedLayout implements Layout {
    /** @param sources output column name -> input column name. */
    constructor(
        private readonly base: Layout,
        readonly columns: readonly EvalColumn[],
        private readonly sources: ReadonlyMap<string, string>,
    ) {}

    accessor(name: string): Accessor | undefined {
        const source = this.sources.get(name);
        return source === undefined ? undefined : this.base.accessor(source);
    }
}

/** A row of a `join`: the left and right rows, either `null` where the join kind leaves that side unmatched. */
export class JoinedRow {
    constructor(
        readonly left: IRow | null,
        readonly right: IRow | null,
    ) {}
}

/** Rows of a `join`: each output column reads its side's input column; an unmatched side reads as Kusto's null of the column type. */
export class JoinLayout implements Layout {
    /** @param sources output column name -> side and input column name. */
    constructor(
        private readonly left: Layout,
        private readonly right: Layout,
        readonly columns: readonly EvalColumn[],
        private readonly sources: ReadonlyMap<string, { side: "left" | "right"; name: string }>,
    ) {}

    accessor(name: string): Accessor | undefined {
        const source = this.sources.get(name);
        const type = findType(this.columns, name);
        if (!source || !type) return undefined;
        const empty = nullOf(type);
        if (source.side === "left") {
            const inner = this.left.accessor(source.name);
            if (!inner) return undefined;
            return (r) => {
                const side = (r as JoinedRow).left;
                return side === null ? empty : inner(side);
            };
        }
        const inner = this.right.accessor(source.name);
        if (!inner) return undefined;
        return (r) => {
            const side = (r as JoinedRow).right;
            return side === null ? empty : inner(side);
        };
    }
}

/** Reads every column of a layout, failing when one is missing (a bug in the evaluator, not in the query). */
export function accessors(layout: Layout): Accessor[] {
    return layout.columns.map((c) => {
        const a = layout.accessor(c.name);
        if (!a) throw new Error(`KQL evaluator: the stage has no reader for its column "${c.name}"`);
        return a;
    });
}

/** Turns a stage's rows into result rows (plain objects keyed by column name). */
export function materialize(layout: Layout, rows: readonly IRow[]): EvalRow[] {
    const names = layout.columns.map((c) => c.name);
    const read = accessors(layout);
    const out: EvalRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
        const row: Record<string, EvalValue> = {};
        for (let j = 0; j < names.length; j++) row[names[j]] = read[j](rows[i]);
        out[i] = row;
    }
    return out;
}
