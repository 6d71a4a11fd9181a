/**
 * Waivers: the schema the pack config is checked against, validation of each entry with messages
 * that name the waiver, expiry, and their effect on `hub-detections-enabled`.
 */
import { describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import { hubDetectionsEnabled, POLICY_NAMES } from "../policy/policies";
import { checkWaivers, DROP_ALERT_ID, RESOURCE_HEALTH_ID, waiversSchema } from "../policy/waivers";
import { HUB_ID, monitoredHub, runStackPolicy } from "./policy-fixtures";

const IDS = DETECTIONS.map((d) => d.id);
const FIRST = IDS[0];
const withoutFirst = monitoredHub(HUB_ID).filter((f) => f.name !== `contoso-hub-a-${FIRST}`);
const waiver = { hub: "contoso-hub-a", detection: FIRST, reason: "pilot hub", approvedBy: "iot-platform-leads" };

describe("checkWaivers", () => {
    it("accepts a complete waiver by hub name or resource id", () => {
        const result = checkWaivers([waiver, { ...waiver, hub: HUB_ID, detection: DROP_ALERT_ID, expires: "2099-12-31" }], IDS, "2026-11-22");
        expect(result.problems).toEqual([]);
        expect(result.valid.map((w) => [w.index, w.hubKey, w.detection])).toEqual([
            [1, "contoso-hub-a", FIRST],
            [2, "contoso-hub-a", DROP_ALERT_ID],
        ]);
    });

    it("names each malformed waiver and what is wrong with it", () => {
        const result = checkWaivers([{ hub: "contoso-hub-a", detection: "no-such-detection", reason: "", approvedBy: "x", ticket: 1 }, "nope", { ...waiver, expires: "2026-02-30" }], IDS);
        expect(result.problems).toEqual([
            `waiver #1 (hub "contoso-hub-a", detection "no-such-detection"): unknown field(s) ticket; detection must be one of ${[...IDS, DROP_ALERT_ID, RESOURCE_HEALTH_ID].join(", ")}; reason is required (non-empty text)`,
            'waiver #2: must be an object {hub, detection, reason, approvedBy, expires?}; got "nope"',
            `waiver #3 (hub "contoso-hub-a", detection "${FIRST}"): expires must be a date YYYY-MM-DD`,
        ]);
        expect(checkWaivers({ hub: "x" }, IDS).problems[0]).toContain('"waivers" must be a list');
    });

    it("applies a waiver through its expiry day and not after", () => {
        const w = [{ ...waiver, expires: "2026-11-22" }];
        expect(checkWaivers(w, IDS, "2026-11-22").valid).toHaveLength(1);
        expect(checkWaivers(w, IDS, "2026-11-23").expired).toHaveLength(1);
    });

    it("has a JSON schema that requires the four fields and lists the detection ids", () => {
        const schema = waiversSchema(IDS);
        const items = schema.items as { required: string[]; properties: { detection: { enum: string[] } } };
        expect(items.required).toEqual(["hub", "detection", "reason", "approvedBy"]);
        expect(items.properties.detection.enum).toEqual([...IDS, DROP_ALERT_ID, RESOURCE_HEALTH_ID]);
    });
});

describe("hub-detections-enabled with waivers", () => {
    it("lets a waived detection be off", async () => {
        expect(await runStackPolicy(hubDetectionsEnabled, withoutFirst, { config: { waivers: [waiver] } })).toEqual([]);
    });

    it("does not let a waiver for another hub or detection count", async () => {
        const other = [{ ...waiver, hub: "contoso-hub-b" }, { ...waiver, detection: DROP_ALERT_ID }];
        expect(await runStackPolicy(hubDetectionsEnabled, withoutFirst, { config: { waivers: other } })).toHaveLength(1);
    });

    it("reports an expired waiver by name, with who approved it and why", async () => {
        const reported = await runStackPolicy(hubDetectionsEnabled, withoutFirst, { config: { waivers: [{ ...waiver, expires: "2020-01-31" }] } });
        expect(reported.map((r) => r.message)).toEqual([
            `Monitored IoT Hub contoso-hub-a has the "${FIRST}" log alert turned off or missing: waiver #1 (hub "contoso-hub-a", detection "${FIRST}") (approved by iot-platform-leads: "pilot hub") expired on 2020-01-31; re-enable the detection or renew the waiver.`,
        ]);
    });

    it("reports a malformed waiver as a violation of the pack config", async () => {
        const reported = await runStackPolicy(hubDetectionsEnabled, monitoredHub(HUB_ID), { config: { waivers: [{ hub: "contoso-hub-a", detection: FIRST }] } });
        expect(reported.map((r) => r.message)).toEqual([
            `Policy config ${POLICY_NAMES.detections}.waivers: waiver #1 (hub "contoso-hub-a", detection "${FIRST}"): reason is required (non-empty text); approvedBy is required (non-empty text). Fix the waiver or remove it.`,
        ]);
    });
});
