/**
 * The review report on the sample stacks: every alert with its KQL, condition, schedule, action
 * groups, time to detect and a cost line; the price table's date and the assumptions printed; the
 * cost formulas; and the command line (`npm run review`).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectInChild, type CollectedStack } from "../review/collect";
import { cell, fenced, lineDiff, renderStack } from "../review/markdown";
import { DEFAULT_ASSUMPTIONS, monitoredHubsOf, reviewStack, timeToDetect } from "../review/model";
import { connectionsGbPerMonth, formatMoney, ingestionMonthlyCost, logAlertBand, logAlertMonthlyCost, metricAlertMonthlyCost, PRICES } from "../review/prices";

const ROOT = path.resolve(__dirname, "..");
const collected: Record<string, CollectedStack> = {};

beforeAll(async () => {
    const [prod, dev] = await Promise.all([collectInChild({ codeRoot: ROOT, stack: "prod" }), collectInChild({ codeRoot: ROOT, stack: "dev" })]);
    collected.prod = prod;
    collected.dev = dev;
}, 120_000);

const alertsOf = (c: CollectedStack) => c.resources.filter((r) => ["azure-native:monitor:ScheduledQueryRule", "azure-native:monitor:MetricAlert", "azure-native:monitor:ActivityLogAlert"].includes(r.type));

describe.each(["prod", "dev"])("the report of the sample stack %s", (stack) => {
    it("lists every alert the program creates with its condition, schedule, action groups, time to detect and cost", () => {
        const c = collected[stack];
        const review = reviewStack(c);
        const md = renderStack(review);
        const alerts = alertsOf(c);
        expect(review.alerts.map((a) => a.rule).sort()).toEqual(alerts.map((a) => a.name).sort());
        for (const a of review.alerts) {
            const row = md.split("\n").find((l) => l.startsWith(`| ${a.rule} |`));
            expect(row, a.rule).toBeDefined();
            for (const v of [a.hub, a.severity, a.frequency, a.window, a.condition, a.actionGroups, a.timeToDetect, formatMoney(a.monthlyCost)]) expect(row).toContain(cell(v));
            expect(md).toContain(`- \`${a.rule}\``);
            expect(a.actionGroups).not.toBe("(none)");
        }
    });

    it("lists the Resource Health and Service Health alerts at no cost, routed like the others", () => {
        const review = reviewStack(collected[stack]);
        const activity = review.alerts.filter((a) => a.kind === "activity");
        expect(activity.map((a) => a.rule).sort()).toEqual(["iothub-404104-platform-health-resource-health", "iothub-404104-platform-health-service-health"]);
        for (const a of activity) {
            expect(a.monthlyCost).toBe(0);
            expect(a.costBasis).toBe("activity log alerts (Resource Health, Service Health) are free");
        }
        expect(activity.find((a) => a.rule.endsWith("resource-health"))?.condition).toMatch(/^ResourceHealth: Degraded\|Unavailable, PlatformInitiated\|UserInitiated on /);
        expect(renderStack(review)).toContain("(activity log alert, hub ");
    });

    it("prints the KQL of every log alert's detection, and a cost per alert that adds up to the totals", () => {
        const review = reviewStack(collected[stack]);
        const md = renderStack(review);
        for (const a of review.alerts.filter((x) => x.kind === "log")) {
            expect(a.query).toBeDefined();
            const body = (a.query as string).split("\n").filter((l) => !l.startsWith("let monitoredHubs"));
            for (const line of body) expect(md).toContain(line);
            expect(monitoredHubsOf(a.query as string)).toHaveLength(1);
            expect(a.monthlyCost).toBe(logAlertMonthlyCost(60 * Number(/PT(\d+)M/.exec(a.frequency)?.[1] ?? 60), 1));
        }
        const sum = review.alerts.reduce((s, a) => s + a.monthlyCost, 0) + review.ingestion.reduce((s, h) => s + h.monthlyCost, 0);
        expect(review.totals.all).toBeCloseTo(sum, 10);
        expect(md).toContain(`Estimated monthly cost **${formatMoney(review.totals.all)}**`);
    });

    it("states the price table's date and source and every assumption with its flag", () => {
        const md = renderStack(reviewStack(collected[stack]));
        expect(md).toContain(`recorded ${PRICES.recorded}`);
        expect(md).toContain("https://azure.microsoft.com/pricing/details/monitor/");
        for (const flag of ["--devices", "--events-per-device-per-day", "--bytes-per-row"]) expect(md).toContain(flag);
        expect(md).toContain("not subtracted: Log Analytics: the first 5 GB");
        expect(md).toContain("not estimated: the hub's platform metrics (`AllMetrics`)");
    });
});

describe("cost assumptions", () => {
    it("take devices from the stack config, or from --devices for every hub", () => {
        const prod = reviewStack(collected.prod);
        expect(prod.ingestion.map((h) => [h.hub, h.devices, h.devicesFrom])).toEqual([
            ["contoso-iot-prod-weu", 12000, "expectedConnectedDevices"],
            ["contoso-iot-prod-neu", 8000, "expectedConnectedDevices"],
        ]);
        const flagged = reviewStack(collected.prod, { ...DEFAULT_ASSUMPTIONS, devices: 500, eventsPerDevicePerDay: 10, bytesPerRow: 1000 });
        expect(flagged.ingestion[0]).toMatchObject({ devices: 500, devicesFrom: "--devices" });
        expect(flagged.ingestion[0].gbPerMonth).toBeCloseTo((500 * 10 * 1000 * 30.4375) / 1e9, 10);
    });
});

describe("the price table", () => {
    it("bills log alerts by frequency band and metric alerts and ingestion linearly", () => {
        expect([60, 240, 300, 600, 900, 3600].map(logAlertBand)).toEqual(["1", "1", "5", "10", "15", "15"]);
        expect(logAlertMonthlyCost(300, 2)).toBe(2 * PRICES.logAlertPerTimeSeries["5"].amount);
        expect(metricAlertMonthlyCost(3)).toBeCloseTo(3 * PRICES.metricAlertPerTimeSeries.amount, 10);
        const a = { devices: 1000, eventsPerDevicePerDay: 48, bytesPerRow: 900 };
        expect(ingestionMonthlyCost(a)).toBeCloseTo(connectionsGbPerMonth(a) * PRICES.analyticsLogsIngestionPerGb.amount, 10);
        expect(PRICES.recorded).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it("gives the time to detect from latency and frequency", () => {
        expect(timeToDetect("log", "PT5M")).toBe("3–15 min");
        expect(timeToDetect("log", "PT1H")).toBe("3 min–1 h 10 min");
        expect(timeToDetect("metric", "PT1M")).toBe("1–4 min");
    });
});

describe("Markdown helpers", () => {
    it("escape table cells and fence code that contains backticks", () => {
        expect(cell("a | b\nc")).toBe("a \\| b c");
        expect(fenced("x ``` y", "kusto")).toBe("````kusto\nx ``` y\n````");
    });

    it("diff lines with context", () => {
        const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i"].join("\n");
        const after = ["a", "b", "c", "d", "E", "f", "g", "h", "i"].join("\n");
        expect(lineDiff(before, after, 1)).toBe(["@@ … @@", " d", "-e", "+E", " f", "@@ … @@"].join("\n"));
        expect(lineDiff(before, before)).toBe("");
    });
});

describe("npm run review", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "scripts", "review.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

    it("writes the prod report with every alert and a cost line per alert", () => {
        const res = run("--stack", "prod");
        expect(res.status).toBe(0);
        for (const a of alertsOf(collected.prod)) expect(res.stdout).toMatch(new RegExp(`^\\| ${a.name} \\|.*\\| \\$\\d+\\.\\d{2} \\|$`, "m"));
        expect(res.stdout).toContain("### Prices and assumptions");
    });

    it("refuses bad arguments and unknown stacks with a one-line message", () => {
        const missing = run();
        expect(missing.status).toBe(1);
        expect(missing.stderr).toContain("error: --stack is required");
        const bad = run("--stack", "prod", "--devices=-3");
        expect(bad.status).toBe(1);
        expect(bad.stderr).toContain('error: --devices: "-3" is not valid; allowed: a whole number from 1 to 1000000');
        const unknown = run("--stack", "nope");
        expect(unknown.status).toBe(1);
        expect(unknown.stderr).toContain("no such stack file");
    });
});
