/**
 * `npx tsx scripts/chart-check.ts [--out <folder>] [--chromium <path>]`: draws the replay timeline of
 * a generated symptom-1 fleet (65-minute token expiry) with one firing per hourly run of the
 * periodic-disconnect rule, writes it as SVG and HTML, checks that each holds one mark per firing,
 * and, when Chromium is installed (Debian's `chromium` package, `/usr/bin/chromium`), renders the
 * HTML headless to a PNG to be looked at. Without Chromium it says so and still exits 0: the
 * picture is checked, only the screenshot is skipped. Exits 1 when a mark is missing or Chromium
 * fails to write the PNG. Default folder: `.tmp/chart-check`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { countFiringMarks, writeTimeline, type TimelineFiring } from "../charts/timeline";
import { generateFleet, periodicTokenExpiryFleet, rowsOf } from "../synthetic";
import { outputFolderFlag, parseCliArgs, runCli, writeFileAtomically } from "./cli";

const USAGE = "usage: npx tsx scripts/chart-check.ts [--out <folder>] [--chromium <path>]";

function parseArgs(argv: readonly string[]): { out: string; chromium: string } {
    const a = parseCliArgs(argv, ["out", "chromium"], USAGE);
    const out = a.out === undefined ? path.join(__dirname, "..", ".tmp", "chart-check") : outputFolderFlag("out", a.out);
    return { out, chromium: a.chromium ?? "/usr/bin/chromium" };
}

/** Screenshots an HTML file with headless Chromium; returns the PNG's size in bytes. */
export function screenshot(chromium: string, html: string, png: string): number {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chart-check-chromium-"));
    try {
        execFileSync(
            chromium,
            [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                `--user-data-dir=${profile}`,
                `--screenshot=${png}`,
                "--window-size=1400,800",
                `file://${path.resolve(html)}`,
            ],
            { stdio: "pipe", timeout: 120_000 },
        );
    } finally {
        fs.rmSync(profile, { recursive: true, force: true });
    }
    return fs.existsSync(png) ? fs.statSync(png).size : 0;
}

function main(): number {
    const { out, chromium } = parseArgs(process.argv.slice(2));
    const fleet = generateFleet(periodicTokenExpiryFleet({ seed: 7, start: "2026-11-22T00:00:00Z", durationMinutes: 360, devicesPerHub: 30 }));
    const rows = rowsOf(fleet.records);
    const hub = fleet.hubs[0];
    const resourceId = rows[0]._ResourceId;
    // The periodic-disconnect rule runs hourly; from its third run on it sees three 65-minute disconnects.
    const firings: TimelineFiring[] = [3, 4, 5, 6].map((h) => ({
        rule: "periodic-disconnect",
        symptom: 1,
        evaluatedAt: new Date(fleet.start + h * 3600_000).toISOString(),
        resourceId,
        value: 9,
        dimensions: { HubName: hub.name },
    }));
    fs.mkdirSync(out, { recursive: true });
    let failures = 0;
    for (const ext of ["svg", "html"]) {
        const file = path.join(out, `symptom-1.${ext}`);
        let bytes = 0;
        writeFileAtomically(file, (temp) => {
            bytes = writeTimeline(temp, { rows, firings, title: `Replay of ${hub.name}: symptom 1 (65-minute token expiry)` }).bytes;
        }, "out");
        const marks = countFiringMarks(fs.readFileSync(file, "utf8"));
        const ok = marks === firings.length;
        if (!ok) failures++;
        console.log(`${ok ? "ok" : "FAIL"}: ${path.relative(process.cwd(), file)} (${bytes} bytes) holds ${marks} firing mark(s) for ${firings.length} firing(s)`);
    }
    if (!fs.existsSync(chromium)) {
        console.log(`skipped: no Chromium at ${chromium} (apt-get install chromium, or --chromium <path>), so no screenshot`);
        return failures > 0 ? 1 : 0;
    }
    const png = path.join(out, "symptom-1.png");
    fs.rmSync(png, { force: true });
    const bytes = screenshot(chromium, path.join(out, "symptom-1.html"), png);
    if (bytes === 0) {
        console.log(`FAIL: ${chromium} wrote no screenshot to ${png}`);
        return 1;
    }
    console.log(`ok: ${path.relative(process.cwd(), png)} (${bytes} bytes), rendered by ${chromium}: look at it`);
    return failures > 0 ? 1 : 0;
}

if (require.main === module) {
    runCli(USAGE, () => {
        process.exitCode = main();
    });
}
