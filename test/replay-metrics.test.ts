/** `--metrics` exports: the `MetricName` column, when present, keeps connectedDeviceCount only (an export of two metrics gave false drop firings before). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { readMetricSamples } from "../replay/logs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const HUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub-a";
const sample = (metric: string | undefined, value: number, minute: number): string =>
    JSON.stringify({ TimeGenerated: `2026-11-20T00:${String(minute).padStart(2, "0")}:00Z`, _ResourceId: HUB, ...(metric ? { MetricName: metric } : {}), Minimum: value, Average: value, Maximum: value });

describe("readMetricSamples", () => {
    it("keeps only connectedDeviceCount when the export names its metrics, and counts the others as skipped", () => {
        const file = path.join(tmp, "two.jsonl");
        fs.writeFileSync(file, [sample("connectedDeviceCount", 40, 0), sample("d2c.telemetry.ingress.allProtocol", 9000, 0), sample("connectedDeviceCount", 41, 1)].join("\n") + "\n");
        const r = readMetricSamples(file);
        expect(r.samples.map((s) => s.minimum)).toEqual([40, 41]);
        expect([...r.otherMetrics]).toEqual(["d2c.telemetry.ingress.allProtocol"]);
        expect(r.report.skipped.get("another metric than connectedDeviceCount")).toBe(1);
    });
    it("takes every row of an export without a MetricName column, as before", () => {
        const file = path.join(tmp, "plain.jsonl");
        fs.writeFileSync(file, [sample(undefined, 40, 0), sample(undefined, 39, 1)].join("\n") + "\n");
        expect(readMetricSamples(file).samples).toHaveLength(2);
    });
});
