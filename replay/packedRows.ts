/**
 * A compact columnar form of replay rows, for handing a hub's rows to worker threads: each column
 * is an `Int32Array` of codes into a dictionary of its distinct strings (a Connections log repeats
 * almost every value), numbers in a `Float64Array`, all on `SharedArrayBuffer`s, so posting it to
 * several workers copies only the dictionaries. Structured clone of the row objects themselves
 * costs about 6 s for a day of a 10,000-device hub (560,000 rows); this form packs in a fraction
 * of that. Unpacking builds each row as an object literal with the keys in the original order.
 * Only rows whose values are strings, finite or non-finite numbers, `null` or `undefined` pack;
 * anything else (a `Date`, a boolean, an object) makes {@link packRows} return `undefined`.
 */
import type { LogRow, ReplayRow } from "./logs";

/** Code of a null value (codes below zero: the value is not in the column's string dictionary). */
export const NULL = -1;
/** Code of a number: the value is in the column's `numbers` at the row's position. */
export const NUMBER = -2;
const UNDEFINED = -3;

/** One column of {@link PackedRows}. */
export interface PackedColumn {
    /** Per row: index into `strings`, or a negative code (null, number, undefined); unused where the row lacks the key (see `shapeOf`). */
    readonly codes: Int32Array;
    /** Distinct strings of the column, in first-seen order. */
    readonly strings: string[];
    /** Per row, the number when the code says so (0 elsewhere); `undefined` when the column holds no number. */
    readonly numbers?: Float64Array;
}

/** Replay rows in columnar form, in their original order. */
export interface PackedRows {
    readonly length: number;
    /** Every key of any row, in first-seen order. */
    readonly keys: string[];
    /** Distinct key orders of the rows, as indices into `keys`. */
    readonly shapes: number[][];
    /** Per row, its index into `shapes`. */
    readonly shapeOf: Int32Array;
    /** One column per key. */
    readonly columns: PackedColumn[];
    readonly time: Float64Array;
    readonly visibleAt: Float64Array;
}

function int32(n: number): Int32Array {
    return new Int32Array(new SharedArrayBuffer(n * Int32Array.BYTES_PER_ELEMENT));
}

function float64(n: number): Float64Array {
    return new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
}

interface ColumnBuilder {
    codes: Int32Array;
    strings: string[];
    index: Map<string, number>;
    numbers?: Float64Array;
}

/** Packs rows into {@link PackedRows}; `undefined` when a value is neither string, number, `null` nor `undefined`, or a key is `__proto__`. */
export function packRows(rows: readonly ReplayRow[]): PackedRows | undefined {
    const n = rows.length;
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const columns: ColumnBuilder[] = [];
    const shapes: number[][] = [];
    const shapeIndex = new Map<string, number>();
    const shapeOf = int32(n);
    const time = float64(n);
    const visibleAt = float64(n);
    let lastKeys: string[] | undefined;
    let lastShape = -1;
    for (let i = 0; i < n; i++) {
        const { row, time: t, visibleAt: v } = rows[i];
        time[i] = t;
        visibleAt[i] = v;
        const rowKeys = Object.keys(row);
        // Rows of one source share their key order; compare with the previous row's before hashing.
        let shape = lastShape;
        if (!lastKeys || rowKeys.length !== lastKeys.length || rowKeys.some((k, j) => k !== lastKeys![j])) {
            const id = JSON.stringify(rowKeys);
            const known = shapeIndex.get(id);
            if (known !== undefined) shape = known;
            else {
                if (rowKeys.includes("__proto__")) return undefined;
                shape = shapes.length;
                shapeIndex.set(id, shape);
                shapes.push(
                    rowKeys.map((k) => {
                        let c = keyIndex.get(k);
                        if (c === undefined) {
                            c = keys.length;
                            keyIndex.set(k, c);
                            keys.push(k);
                            columns.push({ codes: int32(n), strings: [], index: new Map() });
                        }
                        return c;
                    }),
                );
            }
            lastKeys = rowKeys;
            lastShape = shape;
        }
        shapeOf[i] = shape;
        const present = shapes[shape];
        for (let j = 0; j < present.length; j++) {
            const column = columns[present[j]];
            const value: unknown = (row as Record<string, unknown>)[rowKeys[j]];
            if (typeof value === "string") {
                let code = column.index.get(value);
                if (code === undefined) {
                    code = column.strings.length;
                    column.index.set(value, code);
                    column.strings.push(value);
                }
                column.codes[i] = code;
            } else if (typeof value === "number") {
                column.numbers ??= float64(n);
                column.numbers[i] = value;
                column.codes[i] = NUMBER;
            } else if (value === null) column.codes[i] = NULL;
            else if (value === undefined) column.codes[i] = UNDEFINED;
            else return undefined;
        }
    }
    return { length: n, keys, shapes, shapeOf, time, visibleAt, columns: columns.map(({ codes, strings, numbers }) => ({ codes, strings, numbers })) };
}

/** Reads column `c` of row `i`. */
export type Reader = (c: number, i: number) => LogRow[string] | undefined;

/** Builds, per shape, a function returning an object literal with the shape's keys in order (rows of one shape share a hidden class). */
export function rowFactory(keys: readonly string[], shape: readonly number[]): (read: Reader, i: number) => LogRow {
    const body = `return { ${shape.map((c) => `${JSON.stringify(keys[c])}: read(${c}, i)`).join(", ")} };`;
    return new Function("read", "i", body) as (read: Reader, i: number) => LogRow;
}

/** Reads values of packed rows: column `c` of row `i`. */
export function packedReader(packed: PackedRows): Reader {
    const { columns } = packed;
    return (c, i) => {
        const column = columns[c];
        const code = column.codes[i];
        if (code >= 0) return column.strings[code];
        if (code === NUMBER) return column.numbers![i];
        if (code === NULL) return null;
        return undefined;
    };
}

/** Rebuilds the rows of {@link packRows}: equal values, keys in the same order, a new object per row. */
export function unpackRows(packed: PackedRows): ReplayRow[] {
    const read = packedReader(packed);
    const factories = packed.shapes.map((shape) => rowFactory(packed.keys, shape));
    const out: ReplayRow[] = new Array(packed.length);
    for (let i = 0; i < packed.length; i++) out[i] = { row: factories[packed.shapeOf[i]](read, i), time: packed.time[i], visibleAt: packed.visibleAt[i] };
    return out;
}
