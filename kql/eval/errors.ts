/**
 * Errors of the KQL evaluator. Every refusal names the construct (the parser's syntax kind and the
 * query text it spans) so that a user can see what to rewrite; the evaluator never guesses.
 */
import type { KqlDiagnostic } from "../kusto";

/** Base class of the evaluator's errors. */
export class KqlEvalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "KqlEvalError";
    }
}

/** Where a construct stands in the query text. */
export interface KqlSpan {
    /** Offset of the construct's first character (0-based). */
    readonly start: number;
    /** Length of the construct's text. */
    readonly length: number;
    /** 1-based line of `start`. */
    readonly line: number;
    /** 1-based column of `start`. */
    readonly column: number;
}

/** The query uses syntax or a function the evaluator does not implement (or uses it in a way it refuses, e.g. `prev()` on unserialized rows). */
export class KqlUnsupportedError extends KqlEvalError {
    /** The parser's syntax kind of the construct, e.g. `MvExpandOperator` or `FunctionCallExpression`. */
    readonly construct: string;
    /** The construct's text in the query (shortened to 120 characters). */
    readonly text: string;
    /** Where the construct stands. */
    readonly span: KqlSpan;

    constructor(construct: string, text: string, span: KqlSpan, reason: string) {
        super(`unsupported KQL ${construct} "${text}" at line ${span.line}, column ${span.column}: ${reason}`);
        this.name = "KqlUnsupportedError";
        this.construct = construct;
        this.text = text;
        this.span = span;
    }
}

/** The parser reported errors in the query: the evaluator refuses to run it. */
export class KqlQueryError extends KqlEvalError {
    /** The parser's error diagnostics. */
    readonly diagnostics: readonly KqlDiagnostic[];

    constructor(diagnostics: readonly KqlDiagnostic[]) {
        const first = diagnostics
            .slice(0, 3)
            .map((d) => `${d.code} at ${d.line}:${d.column}: ${d.message}`)
            .join("; ");
        super(`the KQL parser reports ${diagnostics.length} error(s): ${first}`);
        this.name = "KqlQueryError";
        this.diagnostics = diagnostics;
    }
}

/** A failure while running a compiled query (e.g. a table the query reads was not given). */
export class KqlRuntimeError extends KqlEvalError {
    constructor(message: string) {
        super(message);
        this.name = "KqlRuntimeError";
    }
}
