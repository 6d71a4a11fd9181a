/**
 * How a workbook query file becomes the query of a workbook item, and how that query is checked.
 *
 * Binding replaces the default literal of each `let` line named in {@link WORKBOOK_LET_BINDINGS}
 * with its workbook token (`let startTime = {TimeRange:start};`); nothing else in the file changes.
 * A workbook token is not KQL, so the check substitutes each token with a sample of what the
 * workbook expands it to (`datetime(...)`, `dynamic(['<hub id>', ...])`, `15m`) and runs the
 * parser checks `npm run kql:check` runs on any non-detection file: parser errors against the
 * `AzureDiagnostics` schema and the operators Azure forbids even in 1-minute rules (the strictest
 * set), plus the use of `monitoredHubs`, so no item reads every hub in the workspace.
 */
import * as fs from "fs";
import * as path from "path";
import { checkQuery, type KqlProblem } from "../../kql/check";
import { renderKqlLiteral, validateParameterValue } from "../../kql/literals";
import { MONITORED_HUBS_PARAMETER, parameterLines } from "../detection";
import { WORKBOOK_LET_BINDINGS, type WorkbookParameterName, type WorkbookQueryDefinition } from "./items";

const WORKBOOK_QUERY_DIR = __dirname;

/** Reads a workbook query's `.kql` file as it is checked in. */
export function readWorkbookQueryFile(def: WorkbookQueryDefinition): string {
    return fs.readFileSync(path.join(WORKBOOK_QUERY_DIR, def.file), "utf8");
}

/** The workbook parameters a query text reads through its bound `let` lines, in binding order. */
export function boundParameters(text: string): WorkbookParameterName[] {
    const declared = parameterLines(text);
    const out: WorkbookParameterName[] = [];
    for (const [name, binding] of Object.entries(WORKBOOK_LET_BINDINGS)) {
        if (declared.has(name) && !out.includes(binding.parameter)) out.push(binding.parameter);
    }
    return out;
}

/**
 * Detection parameter values for the workbook's shared `let` lines, by detection id and parameter
 * name, as the umbrellas' `detections` overrides give them; where it names the values, so an error
 * points at the config key.
 */
export interface SharedParameterValues {
    readonly detections?: Readonly<Record<string, { readonly parameters?: Readonly<Record<string, unknown>> } | undefined>>;
    /** Prefix of error paths, e.g. `iothub-404104:detections`. Default: `detections`. */
    readonly field?: string;
}

/**
 * The query of a workbook item: every bound `let` line of the file gets its workbook token, and
 * every line of the entry's `sharedParameters` the detection's parameter (the value in `shared`,
 * validated as the detection validates it, else the detection's default); a trailing `//` comment
 * is kept. Throws when the parameters the file binds differ from the catalog entry's `parameters`,
 * when the file does not use `monitoredHubs` or lacks a shared `let` line, or when a value is bad.
 */
export function renderWorkbookQuery(def: WorkbookQueryDefinition, text: string = readWorkbookQueryFile(def), shared: SharedParameterValues = {}): string {
    const bound = boundParameters(text);
    const listed = [...def.parameters];
    if (bound.length !== listed.length || bound.some((p) => !listed.includes(p))) {
        throw new Error(`queries/workbook/${def.file} binds the workbook parameters [${bound.join(", ")}] but its catalog entry "${def.id}" lists [${listed.join(", ")}]`);
    }
    if (!parameterLines(text).has(MONITORED_HUBS_PARAMETER)) {
        throw new Error(`queries/workbook/${def.file} does not declare "let ${MONITORED_HUBS_PARAMETER} = <literal>;", so the item would read every hub in the workspace`);
    }
    const lines = text.split("\n");
    const declared = parameterLines(text);
    const setLine = (name: string, index: number, value: string): void => {
        const comment = /;\s*(\/\/.*)$/.exec(lines[index])?.[1];
        lines[index] = `let ${name} = ${value};${comment ? ` ${comment}` : ""}`;
    };
    for (const [name, index] of declared) {
        const binding = WORKBOOK_LET_BINDINGS[name];
        if (binding) setLine(name, index, binding.token);
    }
    for (const [name, { detection, parameter }] of Object.entries(def.sharedParameters ?? {})) {
        const index = declared.get(name);
        const param = detection.parameters[parameter];
        if (index === undefined || param === undefined) {
            throw new Error(`queries/workbook/${def.file}: catalog entry "${def.id}" shares "${name}" with parameter "${parameter}" of detection "${detection.id}", but ${index === undefined ? `the file does not declare "let ${name} = <literal>;"` : "the detection has no such parameter"}`);
        }
        const given = shared.detections?.[detection.id]?.parameters;
        const raw = given !== undefined && parameter in given ? given[parameter] : param.default;
        const value = validateParameterValue(`${shared.field ?? "detections"}.${detection.id}.parameters.${parameter}`, param, raw);
        setLine(name, index, renderKqlLiteral(param, value));
    }
    return lines.join("\n");
}

/** Workbook tokens (`{Name}` or `{Name:option}`) left in a text. */
const TOKEN = /\{[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z]+)?\}/g;

/**
 * A rendered workbook query with each bound `let` line's token replaced by what the workbook would
 * expand it to: `values[name]` (KQL text, e.g. `datetime(2026-11-22T00:00:00Z)`) or else the
 * binding's sample. Tokens anywhere else are left as they are (and the check reports them).
 */
export function substituteWorkbookTokens(rendered: string, values: Readonly<Record<string, string>> = {}): string {
    const lines = rendered.split("\n");
    for (const [name, index] of parameterLines(rendered)) {
        const binding = WORKBOOK_LET_BINDINGS[name];
        if (binding) lines[index] = lines[index].replace(binding.token, () => values[name] ?? binding.sample);
    }
    return lines.join("\n");
}

/**
 * Checks a workbook query the way `npm run kql:check` checks any file outside the detection
 * catalog (parser errors, operators Azure forbids in 1-minute rules), after binding and token
 * substitution; also reports a token outside a bound `let` line and a query that never uses
 * `monitoredHubs`. An empty list means the item's query passes.
 */
export function checkWorkbookQuery(def: WorkbookQueryDefinition, text: string = readWorkbookQueryFile(def)): KqlProblem[] {
    let rendered: string;
    try {
        rendered = renderWorkbookQuery(def, text);
    } catch (e) {
        return [{ line: 1, column: 1, code: "catalog", message: (e as Error).message }];
    }
    const substituted = substituteWorkbookTokens(rendered);
    const problems: KqlProblem[] = [];
    substituted.split("\n").forEach((line, i) => {
        if (line.trimStart().startsWith("//")) return; // the workbook expands tokens in comments too, harmlessly
        for (const m of line.matchAll(TOKEN)) {
            problems.push({ line: i + 1, column: (m.index ?? 0) + 1, code: "workbook-token", message: `workbook token ${m[0]} outside a bound let line; bind it with one of: ${Object.keys(WORKBOOK_LET_BINDINGS).join(", ")}` });
        }
    });
    problems.push(...checkQuery(substituted, { evaluationFrequency: "PT1M", requiredName: MONITORED_HUBS_PARAMETER }));
    return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
