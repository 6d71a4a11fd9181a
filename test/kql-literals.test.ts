import { describe, expect, it } from "vitest";
import { ValidationError } from "../azure/validation";
import { analyzeKql, kusto } from "../kql/kusto";
import { kqlReal, kqlString, kqlTimespan, renderKqlLiteral, validateParameterValue, type KqlParameter } from "../kql/literals";
import { massDisconnect, periodicDisconnect } from "../queries/catalog";
import { monitoredHubsParameter, renderDetectionQuery, type DetectionDefinition } from "../queries/detection";

/** The values of the literals in a query, as Microsoft's parser reads them (strings unescaped). */
function literalValues(text: string): unknown[] {
    const K = kusto();
    const analyzed = analyzeKql(text);
    expect(analyzed.diagnostics.filter((d) => d.severity === "Error")).toEqual([]);
    const values: unknown[] = [];
    analyzed.code.Syntax?.WalkElements((e) => {
        if (e instanceof K.Language.Syntax.LiteralExpression) values.push(e.LiteralValue);
    });
    return values;
}

/** A one-parameter detection over a tiny query, to render user strings through the real renderer. */
function labelDetection(param: KqlParameter): DetectionDefinition {
    return { ...massDisconnect, id: "label-test", parameters: { label: param } };
}

const LABEL_TEXT = 'let label = "default"; // a comment that stays\nprint Label = label';

const labelParameter: KqlParameter = {
    type: "string",
    default: "default",
    pattern: /^[^\n]{0,100}$/,
    patternDescription: "up to 100 characters on one line",
    description: "A label.",
};

describe("KQL literal encoding", () => {
    it("escapes quotes and backslashes so the parser reads back the same string", () => {
        const nasty = 'He said "hi" \\ C:\\path\\ \'single\' \t tab ünïcode 日本 "; AzureDiagnostics | take 1 //';
        const rendered = renderDetectionQuery(labelDetection(labelParameter), { label: nasty }, "test", LABEL_TEXT);
        expect(rendered.split("\n")[0]).toBe(`let label = ${kqlString(nasty)}; // a comment that stays`);
        expect(literalValues(rendered)).toEqual([nasty]);
    });

    it("round-trips every string of a string list", () => {
        const list = ['a"b', "c\\d", "e'f", ""];
        const param: KqlParameter = { ...labelParameter, type: "stringList", default: ["x"], minItems: 1, maxItems: 10 };
        const text = renderKqlLiteral(param, list);
        expect(text).toBe('dynamic(["a\\"b", "c\\\\d", "e\'f", ""])');
        expect(literalValues(`print v = ${text}`)).toEqual(list);
    });

    it("refuses control characters other than tab, CR and LF", () => {
        expect(() => kqlString("bell\u0007")).toThrow(ValidationError);
        expect(literalValues(`print v = ${kqlString("a\r\nb")}`)).toEqual(["a\r\nb"]);
    });

    it("encodes timespans, reals and ints as KQL literals the parser types correctly", () => {
        expect(kqlTimespan(86400)).toBe("1d");
        expect(kqlTimespan(7200)).toBe("2h");
        expect(kqlTimespan(5400)).toBe("90m");
        expect(kqlTimespan(30)).toBe("30s");
        expect(kqlReal(3)).toBe("3.0");
        expect(kqlReal(0.2)).toBe("0.2");
        expect(kqlReal(-2.5)).toBe("-2.5");
        expect(kqlReal(1.5e-13)).toBe("1.5e-13");
        expect(kqlReal(1e21)).toBe("1e+21");
        const int = renderKqlLiteral({ type: "int", default: 1, min: 0, max: 10, description: "" }, 7);
        const analyzed = analyzeKql(`print t = ${kqlTimespan(5400)}, r = ${kqlReal(1.5e-13)}, big = ${kqlReal(1e21)}, whole = ${kqlReal(3)}, i = ${int}`);
        expect(analyzed.diagnostics).toEqual([]);
        expect(analyzed.columns).toEqual([
            { name: "t", type: "timespan" },
            { name: "r", type: "real" },
            { name: "big", type: "real" },
            { name: "whole", type: "real" },
            { name: "i", type: "long" },
        ]);
    });
});

describe("parameter validation", () => {
    it("refuses an out-of-range value with an error naming the field, the value and what is allowed", () => {
        const render = (values: Record<string, unknown>): string => renderDetectionQuery(massDisconnect, values, "detections.mass-disconnect.parameters");
        expect(() => render({ minDevices: 0 })).toThrow(ValidationError);
        expect(() => render({ minDevices: 0 })).toThrow("detections.mass-disconnect.parameters.minDevices: 0 is not valid; allowed: an integer from 1 to 1000000");
        expect(() => render({ minShareOfFleet: 1.5 })).toThrow("detections.mass-disconnect.parameters.minShareOfFleet: 1.5 is not valid; allowed: a number from 0.01 to 1");
        expect(() => render({ binSize: "PT1H" })).toThrow("detections.mass-disconnect.parameters.binSize: \"PT1H\" is not valid; allowed: an ISO 8601 duration from PT1M to PT15M");
        expect(() => render({ binSize: "5m" })).toThrow("parameters.binSize");
        expect(() => render({ minDevices: 2.5 })).toThrow("parameters.minDevices");
        expect(() => render({ minDevices: "10" })).toThrow("parameters.minDevices");
        expect(() => render({ minDevicez: 10 })).toThrow('detections.mass-disconnect.parameters.minDevicez: "minDevicez" is not valid; unknown parameter of detection "mass-disconnect"');
    });

    it("refuses a hub id that is not a lower-case IoT Hub resource id, naming the list entry", () => {
        const upper = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/Hub";
        expect(() => validateParameterValue("hubs", monitoredHubsParameter, [upper])).toThrow("hubs[0]");
        expect(() => validateParameterValue("hubs", monitoredHubsParameter, [])).toThrow("allowed: a list of 1 to 100 entries");
        expect(() => renderDetectionQuery(periodicDisconnect, { monitoredHubs: ['x") | union AzureDiagnostics //'] }, "p")).toThrow("p.monitoredHubs[0]");
    });

    it("renders valid values in place of the defaults, keeping every other line", () => {
        const hub = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-1/providers/microsoft.devices/iothubs/hub-a";
        const rendered = renderDetectionQuery(massDisconnect, { monitoredHubs: [hub], binSize: "PT10M", minDevices: 25, minShareOfFleet: 0.5, errorRiseFactor: 4 }, "p");
        const lines = rendered.split("\n");
        expect(lines).toContain(`let monitoredHubs = dynamic(["${hub}"]);`);
        expect(lines).toContain("let binSize = 10m; // width of the bin in which a mass disconnect is counted");
        expect(lines).toContain("let minDevices = 25; // absolute floor of distinct devices disconnected with 404104 in one bin");
        expect(lines).toContain("let minShareOfFleet = 0.5; // share of the devices seen in the window that must drop in one bin");
        expect(lines.find((l) => l.startsWith("let errorRiseFactor = "))).toMatch(/^let errorRiseFactor = 4\.0;/);
        expect(lines.length).toBe(renderDetectionQuery(massDisconnect, {}, "p").split("\n").length);
    });
});
