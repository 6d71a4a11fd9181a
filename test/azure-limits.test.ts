/**
 * The limits table (`azure/limits.ts`) against Azure's published word, vendored under
 * `test/fixtures/azure-docs/` (Learn source files and GitHub issue texts, with commit and sha256 in
 * its SOURCES.json) and `test/fixtures/azure-specs/` (REST API specs): every row's source is
 * vendored, its quoted words are in the vendored text, and the row's numbers are the ones the
 * source states.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseIsoDuration } from "../azure/durations";
import { describeLimitRule, describeLimitSource, LIMIT_ROWS, LIMITS, type AzureLimit, type LimitRule } from "../azure/limits";
import { pointerGet } from "./support/azureSpecs";
import { ROOT } from "./support/runStack";
import { collapse, docFile, DOC_SOURCES, type DocSource } from "./support/vendoredDocs";

const SPECS = path.join(ROOT, "test", "fixtures", "azure-specs");
const SPEC_SOURCES: readonly { path: string; commit: string }[] = JSON.parse(fs.readFileSync(path.join(SPECS, "SOURCES.json"), "utf8"));

/** The vendored spec file of a `spec` source, under azure-specs/. */
function specFile(specPath: string): string {
    const candidates = [path.join(SPECS, specPath)];
    const found = candidates.find((f) => fs.existsSync(f));
    if (!found) throw new Error(`spec ${specPath} is not vendored`);
    return found;
}

/** Minutes of every ISO 8601 duration in a text (`PT5M`, `P1D`, `PT24H`), in order. */
function durationsIn(text: string): number[] {
    return [...text.matchAll(/"(P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?)"/g)].map((m) => (parseIsoDuration(m[1]) ?? NaN) / 60);
}

describe("the vendored sources", () => {
    it.each(DOC_SOURCES.map((s) => [s.issue === undefined ? `${s.repo} ${s.path}` : `${s.repo}#${s.issue}`, s] as const))("%s is vendored as recorded (sha256) and holds its quotes", (_, s) => {
        const text = fs.readFileSync(docFile(s), "utf8");
        expect(createHash("sha256").update(fs.readFileSync(docFile(s))).digest("hex")).toBe(s.sha256);
        for (const q of s.quotes) expect(collapse(text), q).toContain(collapse(q));
    });
});

describe("every row of the limits table", () => {
    it("has unique ids", () => {
        const ids = LIMIT_ROWS.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toContain("log-alert-mute");
    });

    it.each(LIMIT_ROWS.filter((r) => r.source.kind === "learn").map((r) => [r.id, r] as const))("%s: its Learn words are in the vendored file at the recorded commit", (_, row) => {
        if (row.source.kind !== "learn") return;
        const src = row.source;
        const entry = DOC_SOURCES.find((s) => s.repo === src.repo && s.path === src.path);
        expect(entry, `${src.repo} ${src.path} is not in SOURCES.json`).toBeDefined();
        expect(entry?.commit).toBe(src.commit);
        const text = collapse(fs.readFileSync(docFile(entry as DocSource), "utf8"));
        for (const q of src.quotes) expect(text, q).toContain(collapse(q));
    });

    it.each(LIMIT_ROWS.filter((r) => r.source.kind === "azure-error").map((r) => [r.id, r] as const))("%s: Azure's error text is in the first vendored issue it cites, and every issue it cites is vendored", (_, row) => {
        if (row.source.kind !== "azure-error") return;
        const src = row.source;
        const urls = src.reportedIn.map((r) => r.split(" ")[0]);
        const texts = urls.map((u) => {
            const m = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(u);
            expect(m, u).not.toBeNull();
            const entry = DOC_SOURCES.find((s) => s.repo === m?.[1] && s.issue === Number(m?.[2]));
            expect(entry, `${u} is not vendored`).toBeDefined();
            return collapse(fs.readFileSync(docFile(entry as DocSource), "utf8"));
        });
        expect(texts[0]).toContain(collapse(src.text));
    });

    it.each(LIMIT_ROWS.filter((r) => r.source.kind === "spec").map((r) => [r.id, r] as const))("%s: the vendored spec states the same rule at its pointer, at the recorded commit", (_, row) => {
        if (row.source.kind !== "spec") return;
        const recorded = SPEC_SOURCES.find((s) => s.path === (row.source.kind === "spec" ? row.source.path : ""));
        expect(recorded?.commit).toBe(row.source.commit);
        const spec = JSON.parse(fs.readFileSync(specFile(row.source.path), "utf8"));
        const at = pointerGet(spec, row.source.pointer);
        expect(at, `${row.source.path}#${row.source.pointer}`).toBeDefined();
        const rule: LimitRule = row.rule;
        if (rule.kind === "name") {
            const p = at as { pattern?: string; minLength?: number; maxLength?: number } | number;
            if (typeof p === "number") expect(p).toBe(rule.maxLength);
            else {
                if (p.pattern !== undefined) expect(p.pattern).toBe(rule.pattern);
                expect(p.maxLength).toBe(rule.maxLength);
                if (p.minLength !== undefined) expect(p.minLength).toBe(rule.minLength);
            }
        } else if (rule.kind === "set") {
            expect(at).toEqual(rule.values);
        } else if (rule.kind === "range" && Array.isArray(at)) {
            expect(at).toEqual(Array.from({ length: rule.max - rule.min + 1 }, (_, i) => rule.min + i));
        } else {
            throw new Error(`no spec comparison for a ${rule.kind} rule`);
        }
    });

    it("takes its duration sets from the words it quotes", () => {
        const sets: AzureLimit[] = [LIMITS.logAlertFrequency, LIMITS.logAlertWindow, LIMITS.metricAlertFrequency, LIMITS.metricAlertWindow];
        for (const row of sets) {
            if (row.source.kind !== "learn" || row.rule.kind !== "duration-set") throw new Error(row.id);
            expect(durationsIn(row.source.quotes.join(" ").replace(/^.*"allowedValues"/, "")), row.id).toEqual(row.rule.minutes);
        }
        const mute = LIMITS.logAlertMute;
        if (mute.source.kind !== "azure-error") throw new Error(mute.id);
        expect(
            mute.source.text
                .replace(/^.*:/, "")
                .split(",")
                .map((x) => Number(x.trim())),
        ).toEqual(mute.rule.minutes);
        expect(mute.rule.minutes).not.toContain(720);
    });

    it("takes its numbers from the words it quotes: 12 hours, two days, six dimensions, 64 KB, 50 tags of 512 and 256 characters, 730 days", () => {
        const words = (row: AzureLimit): string => (row.source.kind === "learn" ? row.source.quotes.join(" ") : "");
        expect(words(LIMITS.logAlertStatefulFrequency)).toContain("more than 12 hours");
        expect(LIMITS.logAlertStatefulFrequency.rule.seconds).toBe(12 * 3600);
        expect(words(LIMITS.logAlertQueryRange)).toContain("maximum of two days");
        expect(LIMITS.logAlertQueryRange.rule.max).toBe(2 * 86400);
        expect(words(LIMITS.logAlertDimensions)).toContain("up to six dimensions");
        expect(LIMITS.logAlertDimensions.rule.max).toBe(6);
        expect(words(LIMITS.logAlertPropertiesSize)).toContain("cannot exceed 64KB");
        expect(LIMITS.logAlertPropertiesSize.rule.max).toBe(64 * 1024);
        expect(words(LIMITS.tags)).toContain("maximum of 50 tag");
        expect(words(LIMITS.tags)).toContain("tag name is limited to 512 characters, and the tag value is limited to 256 characters");
        expect(LIMITS.tags.rule).toMatchObject({ maxTags: 50, maxKeyLength: 512, maxValueLength: 256, forbiddenKeyCharacters: "<>%&\\?/" });
        expect(words(LIMITS.workspaceRetention)).toContain("up to 730 days");
        expect(LIMITS.workspaceRetention.rule.max).toBe(730);
        expect(words(LIMITS.iotHubName)).toContain("| 3-50 |");
        expect(LIMITS.iotHubName.rule).toMatchObject({ minLength: 3, maxLength: 50 });
        expect(words(LIMITS.resourceGroupName)).toContain("| 1-90 |");
        expect(LIMITS.resourceGroupName.rule).toMatchObject({ minLength: 1, maxLength: 90 });
        expect(LIMITS.alertSeverity.rule).toMatchObject({ min: 0, max: 4 });
    });

    it("marks every rule the package adds as its own, with a reason", () => {
        for (const row of LIMIT_ROWS.filter((r) => r.source.kind === "package")) {
            expect(row.source.kind === "package" && row.source.reason.length > 20, row.id).toBe(true);
        }
        expect(LIMITS.logAlertFailingPeriods.source.kind).toBe("package");
    });
});

describe("the README's limits table", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    it("lists every row with its rule and source as the table has them", () => {
        for (const row of LIMIT_ROWS) {
            expect(readme).toContain(`| \`${row.id}\` | ${row.subject} | ${describeLimitRule(row.rule)}${row.stricter ? " *" : ""} | ${describeLimitSource(row.source)} |`);
        }
    });
});
