/**
 * One updating progress line on stderr for long commands (issue 16): rewritten in place at most
 * twice a second once the command has run for a moment, cleared at the end. Quiet when stderr is
 * not a terminal (a log file or CI gets no control characters and no noise).
 */

/** How long a command runs before its progress line appears (ms): short commands print none. */
const SHOW_AFTER_MS = 2_000;
/** Least time between two redraws (ms). */
const REDRAW_EVERY_MS = 500;

/** A single updating line on a terminal. */
export class ProgressLine {
    private readonly started = Date.now();
    private lastDraw = 0;
    private shown = false;

    constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

    /** Whether the line is drawn at all (the stream is a terminal). */
    get enabled(): boolean {
        return this.stream.isTTY === true;
    }

    /** Milliseconds since the line was created. */
    get elapsedMs(): number {
        return Date.now() - this.started;
    }

    /** Redraws the line with `text()` when it is due; `text` is only called then. */
    update(text: () => string): void {
        if (!this.enabled) return;
        const now = Date.now();
        if (now - this.started < SHOW_AFTER_MS || now - this.lastDraw < REDRAW_EVERY_MS) return;
        this.lastDraw = now;
        this.shown = true;
        const columns = this.stream.columns ?? 100;
        this.stream.write(`\r${text().slice(0, Math.max(10, columns - 1))}\x1b[K`);
    }

    /** Clears the line (before the command prints its summary). */
    done(): void {
        if (this.shown) this.stream.write("\r\x1b[K");
        this.shown = false;
    }
}

/** "3 min 20 s", "45 s": a duration for a progress line. */
export function roughDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** The time left when `done` of `total` took `elapsedMs`, or undefined before there is anything to go by. */
export function eta(done: number, total: number, elapsedMs: number): number | undefined {
    return done > 0 && total > done ? (elapsedMs / done) * (total - done) : undefined;
}
