/**
 * Ground-truth files and firings files, the two inputs of a confusion matrix outside the matrix's own
 * scenarios: `npm run synth -- --truth truth.json` writes what a synthetic fleet holds (its hubs and
 * every incident: hub, symptom, first and last row, devices), and a replay or backtest writes its
 * firings as JSON lines. `npm run matrix -- --firings <file> --truth <file>` and the backtest's
 * `--truth` compare the two (replay/matrix.ts `matrixCells`). Both readers name the file, the line
 * or field, and what is allowed, and refuse rather than guess.
 */
import * as fs from "fs";
import type { Symptom } from "../queries/detection";
import type { Incident, SyntheticFleet } from "../synthetic/fleet";
import type { Firing } from "./engine";

/** The format's marker and version, in the file's `syntheticTruth` field. */
const TRUTH_FORMAT = 1;

/** A truth file or firings file that cannot be read. */
export class TruthFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TruthFileError";
    }
}

/** What a truth file holds: the fleet's hubs and its incidents (times in epoch ms). */
export interface GroundTruth {
    readonly hubs: readonly { readonly resourceId: string; readonly name: string }[];
    readonly incidents: readonly Incident[];
}

/** The truth file of a generated fleet (JSON, times as ISO 8601). */
export function truthJson(fleet: Pick<SyntheticFleet, "start" | "end" | "hubs" | "incidents">): string {
    const iso = (ms: number): string => new Date(ms).toISOString();
    return (
        JSON.stringify(
            {
                syntheticTruth: TRUTH_FORMAT,
                start: iso(fleet.start),
                end: iso(fleet.end),
                hubs: fleet.hubs.map((h) => ({ resourceId: h.resourceId, name: h.name })),
                incidents: fleet.incidents.map((i) => ({ resourceId: i.resourceId, hubName: i.hubName, symptom: i.symptom, start: iso(i.start), end: iso(i.end), devices: i.devices })),
            },
            null,
            2,
        ) + "\n"
    );
}

function fail(file: string, where: string, allowed: string): never {
    throw new TruthFileError(`${file}: ${where} is not valid; allowed: ${allowed}`);
}

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isTime = (v: unknown): v is string => typeof v === "string" && /T.*(Z|[+-]\d\d:\d\d)$/.test(v) && Number.isFinite(Date.parse(v));

/** Reads a truth file written by {@link truthJson}. */
export function readTruthFile(file: string): GroundTruth {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new TruthFileError(`${file}: cannot be read as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split("\n")[0]}); allowed: a truth file of npm run synth -- --truth`);
    }
    const d = doc as { syntheticTruth?: unknown; hubs?: unknown; incidents?: unknown };
    if (d === null || typeof d !== "object" || d.syntheticTruth !== TRUTH_FORMAT) fail(file, "the file", "a truth file of npm run synth -- --truth (syntheticTruth: 1)");
    if (!Array.isArray(d.hubs) || d.hubs.length === 0) fail(file, "hubs", "a non-empty list of {resourceId, name}");
    const hubs = d.hubs.map((h: { resourceId?: unknown; name?: unknown }, i) => {
        if (!isString(h?.resourceId) || !isString(h?.name)) fail(file, `hubs[${i}]`, "{resourceId, name}, both text");
        return { resourceId: h.resourceId, name: h.name };
    });
    if (!Array.isArray(d.incidents)) fail(file, "incidents", "a list of incidents");
    const incidents = d.incidents.map((x: Record<string, unknown>, i): Incident => {
        const at = `incidents[${i}]`;
        if (!isString(x?.resourceId) || !isString(x?.hubName)) fail(file, `${at}.resourceId`, "the hub's resource id and name");
        if (x.symptom !== 1 && x.symptom !== 2 && x.symptom !== 3) fail(file, `${at}.symptom`, "1, 2 or 3");
        if (!isTime(x.start) || !isTime(x.end)) fail(file, `${at}.start`, "ISO 8601 times with an offset");
        if (!Array.isArray(x.devices) || !x.devices.every(isString)) fail(file, `${at}.devices`, "a list of device ids");
        return { resourceId: x.resourceId, hubName: x.hubName, symptom: x.symptom as Symptom, start: Date.parse(x.start), end: Date.parse(x.end), devices: x.devices as string[] };
    });
    return { hubs, incidents };
}

/** Firings as JSON lines, the replay's and the backtest's output format. */
export function firingsJsonl(firings: readonly Firing[]): string {
    return firings.map((f) => JSON.stringify(f) + "\n").join("");
}

/** Reads a firings file (JSON lines of `{rule, symptom, evaluatedAt, resourceId, value, dimensions}`). */
export function readFiringsFile(file: string): Firing[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new TruthFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}); allowed: the firings (JSON lines) of npm run replay or npm run backtest`);
    }
    const out: Firing[] = [];
    text.split("\n").forEach((line, i) => {
        if (line.trim() === "") return;
        let f: Record<string, unknown>;
        try {
            f = JSON.parse(line) as Record<string, unknown>;
        } catch {
            fail(file, `line ${i + 1}`, "one JSON firing a line");
        }
        const ok = isString(f?.rule) && (f.symptom === 1 || f.symptom === 2 || f.symptom === 3) && isTime(f.evaluatedAt) && isString(f.resourceId) && typeof f.value === "number" && typeof f.dimensions === "object" && f.dimensions !== null;
        if (!ok) fail(file, `line ${i + 1}`, "a firing {rule, symptom, evaluatedAt, resourceId, value, dimensions} as npm run replay or npm run backtest writes it");
        out.push(f as unknown as Firing);
    });
    return out;
}
