/**
 * Replay rows held once, compactly (issue 16): the export's rows go, as they are read, into typed
 * columns on shared memory (the packed form of packedRows.ts): per column an `Int32Array` of codes
 * into a dictionary of its distinct strings, so a hub id, an operation name or a device's
 * `properties_s` is one string however many rows carry it; numbers in a `Float64Array`; the times in
 * `Float64Array`s. Only the columns the stack's queries read are kept (see {@link columnsRead}).
 *
 * The replay reads rows through {@link storedRows}: one small object per row (its part and
 * position) whose times are read from the packed columns and whose `row` builds the row object when
 * asked. The incremental replay asks once, when the row enters a rule's window, and lets go of it
 * when the row leaves, so row objects live only as long as the longest window needs them; the
 * packed columns hold the file.
 */
import { AZURE_DIAGNOSTICS_COLUMNS } from "../kql/schema";
import type { LogRow, ReplayRow, TimeOrderedRows } from "./logs";
import { NULL, NUMBER, packedReader, rowFactory, type PackedColumn, type PackedRows, type Reader } from "./packedRows";
import { stableTimeOrder } from "./timeOrder";

/** Builds packed rows of one column order as they are read, growing the typed columns by doubling. */
export class RowStoreBuilder {
    private capacity = 1024;
    private count = 0;
    private readonly codes: Int32Array[];
    private readonly numbers: (Float64Array | undefined)[];
    private readonly strings: string[][];
    private readonly index: Map<string, number>[];
    private time = new Float64Array(1024);
    private visibleAt = new Float64Array(1024);

    /** @param keys the columns of every row, in order. */
    constructor(readonly keys: readonly string[]) {
        this.codes = keys.map(() => new Int32Array(1024));
        this.numbers = keys.map(() => undefined);
        this.strings = keys.map(() => []);
        this.index = keys.map(() => new Map());
    }

    /** Rows pushed so far. */
    get length(): number {
        return this.count;
    }

    private grow(): void {
        const capacity = this.capacity * 2;
        const more = <T extends Int32Array | Float64Array>(a: T): T => {
            const b = new (a.constructor as new (n: number) => T)(capacity);
            b.set(a);
            return b;
        };
        for (let c = 0; c < this.codes.length; c++) {
            this.codes[c] = more(this.codes[c]);
            const n = this.numbers[c];
            if (n) this.numbers[c] = more(n);
        }
        this.time = more(this.time);
        this.visibleAt = more(this.visibleAt);
        this.capacity = capacity;
    }

    /** Adds a row: its values in the order of `keys` (strings, numbers or null), its time and the time it becomes visible. */
    push(values: readonly (string | number | null)[], time: number, visibleAt: number): void {
        if (this.count === this.capacity) this.grow();
        const i = this.count++;
        this.time[i] = time;
        this.visibleAt[i] = visibleAt;
        for (let c = 0; c < values.length; c++) {
            const v = values[c];
            if (typeof v === "string") {
                const index = this.index[c];
                let code = index.get(v);
                if (code === undefined) {
                    code = this.strings[c].length;
                    index.set(v, code);
                    this.strings[c].push(v);
                }
                this.codes[c][i] = code;
            } else if (typeof v === "number") {
                let n = this.numbers[c];
                if (!n) this.numbers[c] = n = new Float64Array(this.capacity);
                n[i] = v;
                this.codes[c][i] = NUMBER;
            } else this.codes[c][i] = NULL;
        }
    }

    /** The rows pushed, packed on shared memory (the builder is not used after). */
    finish(): PackedRows {
        const n = this.count;
        const shared = <T extends Int32Array | Float64Array>(a: T, Kind: new (b: SharedArrayBuffer) => T, bytes: number): T => {
            const out = new Kind(new SharedArrayBuffer(n * bytes));
            out.set(a.subarray(0, n) as never);
            return out;
        };
        const columns: PackedColumn[] = this.keys.map((_, c) => ({
            codes: shared(this.codes[c], Int32Array, 4),
            strings: this.strings[c],
            numbers: this.numbers[c] ? shared(this.numbers[c] as Float64Array, Float64Array, 8) : undefined,
        }));
        return {
            length: n,
            keys: [...this.keys],
            shapes: [this.keys.map((_, c) => c)],
            shapeOf: new Int32Array(new SharedArrayBuffer(n * 4)),
            columns,
            time: shared(this.time, Float64Array, 8),
            visibleAt: shared(this.visibleAt, Float64Array, 8),
        };
    }
}

/** What the stored rows of one packed source share: the source, how to build a row object and read a row's hub. */
interface SourceView {
    readonly source: PackedRows;
    readonly build: (i: number) => LogRow;
    readonly readHub: ((i: number) => string) | undefined;
}

/**
 * A stored row: its source's view and its position there, its times and row object read from the
 * packed columns when asked. Two fields and no number boxed: a file's rows are millions of these,
 * made at once after the read (on the 100,000-device day, with the times as fields of their own,
 * making them took 2 s).
 */
class StoredRow implements ReplayRow {
    constructor(
        private readonly view: SourceView,
        /** The row's position in its source. */
        readonly index: number,
    ) {}

    /** The packed rows it reads. */
    get source(): PackedRows {
        return this.view.source;
    }

    get time(): number {
        return this.view.source.time[this.index];
    }

    get visibleAt(): number {
        return this.view.source.visibleAt[this.index];
    }

    /** The row's `_ResourceId`, read from its column without building the row. */
    get hub(): string | undefined {
        return this.view.readHub?.(this.index);
    }

    /** A new row object with the row's values (equal values each time, not the same object). */
    get row(): LogRow {
        return this.view.build(this.index);
    }
}

/** Builds the row object at a position of packed rows (a new object each time). */
function rowBuilder(packed: PackedRows): (i: number) => LogRow {
    const read = packedReader(packed);
    const factories = packed.shapes.map((shape) => rowFactory(packed.keys, shape));
    return (i) => factories[packed.shapeOf[i]](read, i);
}

/**
 * Packed rows sorted by time (as the parallel replay hands them to its workers), read by position
 * with no object per row: times from the packed columns, each row object built when asked.
 */
export function packedTimeOrderedRows(packed: PackedRows): TimeOrderedRows {
    return { length: packed.length, time: packed.time, visibleAt: packed.visibleAt, row: rowBuilder(packed) };
}

/** A row's hub as a stored row reads it from the `_ResourceId` column: its text (a number's too), `""` when null. */
function hubText(read: Reader, hubColumn: number, i: number): string {
    return String(read(hubColumn, i) ?? "");
}

/** Replay rows over packed columns (as {@link RowStoreBuilder.finish} or packRows give them), each building its row object when asked. */
export function storedRows(packed: PackedRows): ReplayRow[] {
    const read = packedReader(packed);
    // With one shape (as the reader stores), the hub column is read directly.
    const hubColumn = packed.shapes.length === 1 ? packed.keys.indexOf("_ResourceId") : -1;
    const view: SourceView = { source: packed, build: rowBuilder(packed), readHub: hubColumn < 0 ? undefined : (i: number): string => hubText(read, hubColumn, i) };
    const out: ReplayRow[] = new Array(packed.length);
    for (let i = 0; i < packed.length; i++) out[i] = new StoredRow(view, i);
    return out;
}

/** Each source's number, in the order first packed: sources are merged in this order whatever order a hub's rows meet them. */
const sourceNumbers = new WeakMap<PackedRows, number>();
let sourcesNumbered = 0;

function numberSource(source: PackedRows): void {
    if (!sourceNumbers.has(source)) sourceNumbers.set(source, sourcesNumbered++);
}

/** Numbered sources in their numbered order (a new array): the order their dictionaries merge in. */
function inNumberedOrder(sources: Iterable<PackedRows>): PackedRows[] {
    return [...sources].sort((a, b) => (sourceNumbers.get(a) as number) - (sourceNumbers.get(b) as number));
}

/** The packed parts that arrays of {@link storedRowsOfParts} hold all of, in order. */
const partsOfRows = new WeakMap<readonly ReplayRow[], readonly PackedRows[]>();

/**
 * The rows of packed parts of one read (the parts of a file read in parallel, or the one of a read
 * in one piece), in order, as {@link storedRows} gives each: what the reader returns. The array
 * is frozen and stays known as all of those parts, so the parallel replay packs it for its workers
 * from the parts' columns ({@link packedHubsOfParts}) rather than row by row; an array of other
 * rows (a copy, a filtered one) is packed row by row. The parts are numbered in their order,
 * so both ways merge their dictionaries in the same order.
 */
export function storedRowsOfParts(parts: readonly PackedRows[]): readonly ReplayRow[] {
    for (const part of parts) numberSource(part);
    // Frozen (which V8 does in place, reads as fast): the array stays all of the parts.
    const rows = Object.freeze(parts.length === 1 ? storedRows(parts[0]) : ([] as ReplayRow[]).concat(...parts.map(storedRows)));
    partsOfRows.set(rows, [...parts]);
    return rows;
}

/** What a column of a set of sources packs with: its dictionary, each source's codes mapped into it (several sources), and its one code if every row has the same. */
interface SourcesColumn {
    readonly strings: string[];
    /** Per source, its codes' codes in `strings`; `undefined` for one source (its own dictionary). */
    readonly remaps: Int32Array[] | undefined;
    /** The code of every row of every source, when it is one (a hub's id, the category, a number's code). */
    readonly constant: number | undefined;
}

/** {@link SourcesColumn}s of each set of sources (by the first's), so that every hub packed from the same parts shares one dictionary per column and the sources are scanned once. */
const columnsBySources = new WeakMap<PackedRows, { sources: readonly PackedRows[]; columns: SourcesColumn[] }[]>();

/**
 * Per column of `sources` (in their numbered order): one source's own dictionary, or one of every
 * source's strings (the first source's, then what each next one adds) with per source the map of
 * its codes into it; and the column's one code ({@link constantCode}). Computed once per set of sources.
 */
function sourcesColumns(sources: readonly PackedRows[]): SourcesColumn[] {
    const cached = columnsBySources.get(sources[0]) ?? [];
    const hit = cached.find((m) => m.sources.length === sources.length && m.sources.every((s, i) => s === sources[i]));
    if (hit) return hit.columns;
    const columns = sources[0].columns.map((column, c): SourcesColumn => {
        const codes = sources.map((source) => source.columns[c].codes);
        if (sources.length === 1) return { strings: column.strings, remaps: undefined, constant: constantCode(codes, undefined) };
        const strings = [...column.strings];
        const index = new Map(strings.map((v, code) => [v, code] as const));
        const remaps = sources.map((source) =>
            Int32Array.from(source.columns[c].strings, (v) => {
                let code = index.get(v);
                if (code === undefined) {
                    code = strings.length;
                    index.set(v, code);
                    strings.push(v);
                }
                return code;
            }),
        );
        return { strings, remaps, constant: constantCode(codes, remaps) };
    });
    columnsBySources.set(sources[0], [...cached, { sources: [...sources], columns }]);
    return columns;
}

/**
 * Packs stored rows (as {@link storedRows} gives them), in the given order, by copying their codes:
 * no row object is built. Rows of one source share its string dictionaries; rows of several sources
 * of the same columns (the parts of a file read in parallel) get merged dictionaries, each source's
 * codes mapped into them, the same arrays for every call over the same sources (so a message with
 * several hubs carries each dictionary once). `undefined` when a row is not a stored row, or the
 * sources' columns differ (pack them with packRows instead).
 */
export function packStoredRows(rows: readonly ReplayRow[]): PackedRows | undefined {
    if (rows.length === 0) return undefined;
    const found = new Set<PackedRows>();
    for (const r of rows) {
        if (!(r instanceof StoredRow)) return undefined;
        found.add(r.source);
    }
    const stored = rows as readonly StoredRow[];
    for (const source of found) numberSource(source);
    const sources = inNumberedOrder(found);
    if (!sameLayout(sources)) return undefined;
    const n = rows.length;
    // The rows are read once, then each column is gathered by position (packPositions).
    const sourceOf = new Int32Array(n);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
        const r = stored[i];
        sourceOf[i] = r.source === sources[0] ? 0 : sources.indexOf(r.source);
        index[i] = r.index;
    }
    return packPositions(sources, sourceOf, index);
}

/** Whether packed sources share their keys and shapes (so their columns pack together). */
function sameLayout(sources: readonly PackedRows[]): boolean {
    const layout = JSON.stringify([sources[0].keys, sources[0].shapes]);
    return sources.every((s) => JSON.stringify([s.keys, s.shapes]) === layout);
}

/** The one code of every row of every source (mapped into merged dictionaries by `remaps`), or `undefined` when they differ. */
function constantCode(codes: readonly Int32Array[], remaps: readonly Int32Array[] | undefined): number | undefined {
    let only: number | undefined;
    for (let s = 0; s < codes.length; s++) {
        const own = codes[s];
        if (own.length === 0) continue;
        const code = own[0];
        for (let i = 1; i < own.length; i++) if (own[i] !== code) return undefined;
        const merged = remaps && code >= 0 ? remaps[s][code] : code;
        if (only !== undefined && merged !== only) return undefined;
        only = merged;
    }
    return only;
}

/**
 * Packs the rows at positions (`sourceOf[i]`: which of `sources`, numbered and of one layout;
 * `index[i]`: where in it) in that order, with plain loops over typed arrays: one dictionary per
 * column, the sources' merged when there are several ({@link sourcesColumns}); a column of one
 * code in every source is filled rather than gathered.
 */
function packPositions(sources: readonly PackedRows[], sourceOf: Int32Array, index: Int32Array): PackedRows {
    const first = sources[0];
    const dictionaries = sourcesColumns(sources);
    const n = index.length;
    const int32 = (): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));
    const float64 = (): Float64Array => new Float64Array(new SharedArrayBuffer(n * 8));
    const gather = (from: readonly ArrayLike<number>[], into: Int32Array | Float64Array, remaps?: readonly Int32Array[]): void => {
        if (from.length === 1 && !remaps) {
            const only = from[0];
            for (let i = 0; i < n; i++) into[i] = only[index[i]];
            return;
        }
        for (let i = 0; i < n; i++) {
            const value = from[sourceOf[i]][index[i]];
            into[i] = remaps && value >= 0 ? remaps[sourceOf[i]][value] : value;
        }
    };
    const columns: PackedColumn[] = first.columns.map((_, c) => {
        const codes = int32();
        const { strings, remaps, constant } = dictionaries[c];
        if (constant !== undefined) codes.fill(constant);
        else
            gather(
                sources.map((s) => s.columns[c].codes),
                codes,
                remaps,
            );
        let numbers: Float64Array | undefined;
        if (sources.some((s) => s.columns[c].numbers)) gather(sources.map((s) => s.columns[c].numbers ?? new Float64Array(s.length)), (numbers = float64()));
        return { codes, strings, numbers };
    });
    const shapeOf = int32();
    // With one shape (as the reader stores rows) every row's shape is 0, which a new array holds.
    if (first.shapes.length > 1) gather(sources.map((s) => s.shapeOf), shapeOf);
    const time = float64();
    const visibleAt = float64();
    gather(sources.map((s) => s.time), time);
    gather(sources.map((s) => s.visibleAt), visibleAt);
    return { length: n, keys: first.keys, shapes: first.shapes, shapeOf, columns, time, visibleAt };
}

/**
 * The rows of an array of {@link storedRowsOfParts}, grouped by lower-cased hub id and packed in
 * time order (equal times in their order), as `rowsByHub` and {@link packStoredRows} would give
 * them (equal rows, times and order), computed from the parts' columns: the hub of each distinct
 * `_ResourceId` string once, the order by sorting the times alone, no row object read; only the
 * `wanted` hubs (lower-cased ids) when given. On the
 * benchmark's 100,000-device day (5.7 million rows in two parts) that replaced about 5 s of
 * grouping and packing the row objects. `undefined` for any other array (then pack row by row),
 * or when the parts differ in layout or have rows of several shapes or no `_ResourceId`.
 */
export function packedHubsOfParts(rows: readonly ReplayRow[], wanted?: ReadonlySet<string>): Map<string, PackedRows> | undefined {
    const parts = partsOfRows.get(rows);
    if (!parts || parts.length === 0 || rows.length !== parts.reduce((n, p) => n + p.length, 0) || !sameLayout(parts)) return undefined;
    const hubColumn = parts[0].keys.indexOf("_ResourceId");
    if (hubColumn < 0 || parts[0].shapes.length !== 1) return undefined;
    const n = rows.length;
    const times = new Float64Array(n);
    const hubOf = new Int32Array(n);
    const hubs: string[] = [];
    const hubIndex = new Map<string, number>();
    // The row's hub as StoredRow.hub reads it, lower-cased as rowsByHub groups it.
    const indexOf = (id: string): number => {
        const hub = id.toLowerCase();
        let at = hubIndex.get(hub);
        if (at === undefined) {
            hubIndex.set(hub, (at = hubs.length));
            hubs.push(hub);
        }
        return at;
    };
    const partOf = new Int32Array(n);
    const start: number[] = [];
    let offset = 0;
    parts.forEach((part, p) => {
        start.push(offset);
        times.set(part.time, offset);
        partOf.fill(p, offset, offset + part.length);
        const { codes, strings } = part.columns[hubColumn];
        const read = packedReader(part);
        // Indices are taken in file order, the first row's hub first, as rowsByHub meets them; a dictionary entry's once.
        const byCode = new Int32Array(strings.length).fill(-1);
        for (let i = 0; i < part.length; i++) {
            const code = codes[i];
            let at: number;
            if (code >= 0) {
                at = byCode[code];
                if (at < 0) at = byCode[code] = indexOf(strings[code]);
            } else at = indexOf(hubText(read, hubColumn, i));
            hubOf[offset + i] = at;
        }
        offset += part.length;
    });
    const order = stableTimeOrder(times);
    const counts = new Int32Array(hubs.length);
    for (let i = 0; i < n; i++) counts[hubOf[i]]++;
    const sources = inNumberedOrder(parts);
    const sourceNumber = parts.map((p) => sources.indexOf(p));
    const positions = hubs.map((_, h) => ({ sourceOf: new Int32Array(counts[h]), index: new Int32Array(counts[h]), filled: 0 }));
    for (let k = 0; k < n; k++) {
        const i = order[k];
        const at = positions[hubOf[i]];
        const p = partOf[i];
        at.sourceOf[at.filled] = sourceNumber[p];
        at.index[at.filled++] = i - start[p];
    }
    return new Map(hubs.flatMap((hub, h) => (wanted && !wanted.has(hub) ? [] : [[hub, packPositions(sources, positions[h].sourceOf, positions[h].index)] as const])));
}

/** Texts that let a query read columns it does not name (`*`, pack_all, getschema, project-away and kin): then every column is kept. */
const READS_UNNAMED_COLUMNS = /\*\s*[),]|distinct\s+\*|project\s+\*|pack_all|getschema|project-(away|keep|reorder)|\bevaluate\b|column_ifexists/i;

/**
 * The `AzureDiagnostics` columns queries can read: each schema column whose name the text of some
 * query contains as a word (comments included, which only keeps more), or every column when a query
 * could read columns it does not name. Always includes `extra` (what the reader itself checks or a
 * chart reads).
 */
export function columnsRead(queries: readonly string[], extra: readonly string[] = []): string[] {
    const all = AZURE_DIAGNOSTICS_COLUMNS.map(([name]) => name);
    if (queries.some((q) => READS_UNNAMED_COLUMNS.test(q))) return all;
    const wanted = new Set(extra);
    for (const name of all) if (queries.some((q) => new RegExp(`\\b${name.replace(/[^A-Za-z0-9_]/g, "")}\\b`).test(q))) wanted.add(name);
    return all.filter((name) => wanted.has(name));
}
