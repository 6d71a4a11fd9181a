import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { readStackFile, StackFileError } from "../program/stackFile";
import { CONFIG_KEYS, parseStackConfig } from "../program/config";
import { ValidationError } from "../azure/validation";
import { HUB_A, HUB_B, WORKSPACE_ID } from "./support/fixtures";

const P = "iothub-404104";

/** A valid dev stack's raw config, as the CLI hands it to the program. */
function base(overrides: Record<string, unknown> = {}): Record<string, string> {
    const values: Record<string, unknown> = {
        resourceGroupName: "rg-mon",
        location: "westeurope",
        hubs: [HUB_A],
        connectedDevicesAlert: { expectedConnectedDevices: 100 },
        receivers: { emails: [{ name: "oncall", address: "oncall@contoso.com" }] },
        ...overrides,
    };
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v !== undefined) raw[`${P}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return raw;
}

function errorOf(raw: Record<string, string>, stack = "dev"): ValidationError {
    try {
        parseStackConfig(raw, P, stack);
    } catch (e) {
        if (e instanceof ValidationError) return e;
        throw e;
    }
    throw new Error("expected a ValidationError");
}

describe("parseStackConfig accepts", () => {
    it("a minimal dev stack, taking the profile from the stack name", () => {
        const s = parseStackConfig(base(), P, "dev");
        expect(s.profile).toBe("dev");
        expect(s.fleet.hubs).toEqual([{ hubResourceId: HUB_A, connectedDevicesAlert: undefined, detections: undefined, diagnostics: undefined }]);
        expect(s.fleet.notifications?.emails).toEqual([{ name: "oncall", address: "oncall@contoso.com" }]);
    });
    it("azure-native:location when the project has no location", () => {
        const raw = base({ location: undefined });
        raw["azure-native:location"] = "northeurope";
        expect(parseStackConfig(raw, P, "dev").fleet.location).toBe("northeurope");
    });
    it("webhook URLs, wrapped by the secret function it is given", () => {
        const s = parseStackConfig(base({ receivers: { webhooks: [{ name: "chat", url: "https://hooks.contoso.com/T1" }] } }), P, "dev", (u) => `SECRET(${u})`);
        expect(s.fleet.notifications?.webhooks).toEqual([{ name: "chat", url: "SECRET(https://hooks.contoso.com/T1)" }]);
    });
    it("an existing workspace by id", () => {
        expect(parseStackConfig(base({ workspace: { existingId: WORKSPACE_ID } }), P, "dev").fleet.workspace).toEqual({ existingWorkspaceId: WORKSPACE_ID });
    });
});

describe("parseStackConfig refuses, naming the config key, the value and what is allowed", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["a malformed hub id", { hubs: ["/subscriptions/123/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/h"] }, /^iothub-404104:hubs\[0\]: "\/subscriptions\/123\/.*" is not valid; allowed: a resource id of the form/],
        ["a hub id of another resource type", { hubs: [WORKSPACE_ID] }, /^iothub-404104:hubs\[0\]: .* allowed: a resource id of the form .*Microsoft\.Devices\/IotHubs/],
        ["a malformed id inside a hub object", { hubs: [{ id: "hub-a" }] }, /^iothub-404104:hubs\[0\]\.id: "hub-a" is not valid/],
        ["an empty hub list", { hubs: [] }, /^iothub-404104:hubs: \[\] is not valid; allowed: a list of at least one IoT Hub resource id/],
        ["a missing hub list", { hubs: undefined }, /^iothub-404104:hubs: \(missing\) is not valid; required/],
        ["duplicate hubs (case-insensitive)", { hubs: [HUB_A, HUB_B, HUB_A.toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions")] }, /^iothub-404104:hubs\[2\]: .* it repeats iothub-404104:hubs\[0\]/],
        ["a malformed workspace id", { workspace: { existingId: "/subscriptions/x/law" } }, /^iothub-404104:workspace\.existingId: "\/subscriptions\/x\/law" is not valid/],
        ["retention outside 30..730", { workspace: { retentionInDays: 10 } }, /^iothub-404104:workspace\.retentionInDays: 10 is not valid; allowed: an integer from 30 to 730 days \(limit workspace-retention/],
        ["a bad email", { receivers: { emails: [{ name: "x", address: "not-an-email" }] } }, /^iothub-404104:receivers\.emails\[0\]\.address: "not-an-email" is not valid; allowed: an email address/],
        ["a non-https webhook", { receivers: { webhooks: [{ name: "x", url: "http://hooks.contoso.com/abc" }] } }, /^iothub-404104:receivers\.webhooks\[0\]\.url: "<secret URL, scheme: http>" is not valid; allowed: an https:\/\/ URL/],
        ["a non-https secure webhook", { receivers: { secureWebhook: { name: "x", url: "ftp://x" } } }, /^iothub-404104:receivers\.secureWebhook\.url: .* allowed: an https:\/\/ URL/],
        ["a malformed action group id", { receivers: { existingActionGroupIds: ["ag-1"] } }, /^iothub-404104:receivers\.existingActionGroupIds\[0\]: "ag-1" is not valid/],
        ["drop percent 0", { connectedDevicesAlert: { expectedConnectedDevices: 100, maxDropPercent: 0 } }, /^iothub-404104:connectedDevicesAlert\.maxDropPercent: 0 is not valid; allowed: a number from 1 to 100/],
        ["drop percent 150", { connectedDevicesAlert: { expectedConnectedDevices: 100, maxDropPercent: 150 } }, /^iothub-404104:connectedDevicesAlert\.maxDropPercent: 150 is not valid/],
        ["drop percent on one hub", { hubs: [{ id: HUB_A, connectedDevicesAlert: { expectedConnectedDevices: 10, maxDropPercent: -5 } }] }, /^iothub-404104:hubs\[0\]\.connectedDevicesAlert\.maxDropPercent: -5 is not valid/],
        ["a drop alert without threshold", { connectedDevicesAlert: undefined }, /^iothub-404104:connectedDevicesAlert\.threshold: \(missing\) is not valid; allowed: a threshold/],
        ["a metric window shorter than its frequency", { connectedDevicesAlert: { threshold: 5, windowSize: "PT1M", evaluationFrequency: "PT5M" } }, /^iothub-404104:connectedDevicesAlert\.windowSize: "PT1M" is not valid; allowed: a window at least as long as the evaluation frequency PT5M/],
        ["a metric window Azure does not allow", { connectedDevicesAlert: { threshold: 5, windowSize: "PT10M" } }, /^iothub-404104:connectedDevicesAlert\.windowSize: "PT10M" is not valid; allowed: one of PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D/],
        ["a log alert window shorter than its frequency", { detections: { "mass-disconnect": { windowSize: "PT5M", evaluationFrequency: "PT15M" } } }, /^iothub-404104:detections\.mass-disconnect\.windowSize: "PT5M" is not valid; allowed: a window at least as long/],
        ["a workspace name outside Azure's rule", { workspace: { name: "ab" } }, /^iothub-404104:workspace\.name: "ab" is not valid; allowed: 4-63 letters, digits or hyphens, starting and ending with a letter or digit \(limit workspace-name, azure\/limits\.ts\)$/],
        ["51 tags", { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"])) }, /^iothub-404104:tags: "\(51 tags\)" is not valid; 51 tags; allowed: at most 50 \(limit tags, azure\/limits\.ts\)$/],
        ["a tag name with a slash", { tags: { "team/owner": "iot" } }, /^iothub-404104:tags\.team\/owner: "team\/owner" is not valid; a tag name with "\/"/],
        ["a secure-webhook owner that is not an object id", { receivers: { secureWebhook: { name: "x", url: "https://x.contoso.com/a", owners: ["alice@contoso.com"] } } }, /^iothub-404104:receivers\.secureWebhook\.owners\[0\]: "alice@contoso\.com" is not valid; allowed: a GUID/],
        ["a mute Azure does not accept", { detections: { "link-conflict": { muteActionsDuration: "PT12H" } } }, /^iothub-404104:detections\.link-conflict\.muteActionsDuration: "PT12H" is not valid; allowed: one of PT5M, .* \(limit log-alert-mute, azure\/limits\.ts\)$/],
        ["a mute shorter than the frequency", { detections: { "link-conflict": { muteActionsDuration: "PT10M" } } }, /^iothub-404104:detections\.link-conflict\.muteActionsDuration: "PT10M" is not valid; allowed: at least the evaluation frequency PT15M/],
        ["a stateful rule once a day", { detections: { "mass-disconnect": { evaluationFrequency: "P1D", windowSize: "P2D" } } }, /^iothub-404104:detections\.mass-disconnect\.evaluationFrequency: "P1D" is not valid; allowed with autoMitigate true: at most PT12H/],
        ["random-disconnect parameters its window cannot hold", { detections: { "random-disconnect": { parameters: { recentSpan: "PT2H" } } } }, /^iothub-404104:detections\.random-disconnect\.parameters: .* is not valid; allowed: values that keep the detection's rules; the window must hold the recent span, the baseline spans and the settle time/],
        ["a random-disconnect window too short for its spans", { detections: { "random-disconnect": { windowSize: "PT2H" } } }, /^iothub-404104:detections\.random-disconnect\.parameters: .*"windowSize":"PT2H".* is not valid; allowed: values that keep the detection's rules; the window must hold/],
        ["a slow test that can never run", { detections: { "random-disconnect": { parameters: { longSpans: 6 } } } }, /the slow test needs its block of longSpans spans and the block before it: baselineSpans >= 2 x longSpans - 1/],
        ["a hub that would never be judged", { detections: { "random-disconnect": { parameters: { minBaselineSpans: 20 } } } }, /a hub is judged only after minBaselineSpans spans, which cannot exceed baselineSpans/],
        ["a log alert frequency Azure does not allow", { detections: { "mass-disconnect": { evaluationFrequency: "PT7M" } } }, /^iothub-404104:detections\.mass-disconnect\.evaluationFrequency: "PT7M" is not valid; allowed: one of PT1M, PT5M/],
        ["a metric severity of 5", { connectedDevicesAlert: { threshold: 5, severity: 5 } }, /^iothub-404104:connectedDevicesAlert\.severity: 5 is not valid; allowed: an integer from 0 to 4/],
        ["a log alert severity of -1", { detections: { "mass-disconnect": { severity: -1 } } }, /^iothub-404104:detections\.mass-disconnect\.severity: -1 is not valid; allowed: an integer from 0 to 4/],
        ["a detection parameter out of range", { detections: { "mass-disconnect": { parameters: { minDevices: 0 } } } }, /^iothub-404104:detections\.mass-disconnect\.parameters\.minDevices: 0 is not valid; allowed: an integer from 1/],
        ["an unknown top-level key (typo)", { recievers: {} }, /^iothub-404104:recievers: "recievers" is not valid; unknown key \(did you mean "iothub-404104:receivers"\?\)/],
        ["an unknown key inside an object (typo)", { connectedDevicesAlert: { treshold: 5 } }, /^iothub-404104:connectedDevicesAlert\.treshold: "treshold" is not valid; unknown key \(did you mean "threshold"\?\)/],
        ["an unknown detection id", { detections: { "mass-disconect": {} } }, /^iothub-404104:detections\.mass-disconect: .* unknown key \(did you mean "mass-disconnect"\?\)/],
        ["an unknown profile", { profile: "production" }, /^iothub-404104:profile: "production" is not valid; allowed: "dev", "staging", "prod"/],
        ["an unknown diagnostics category", { diagnostics: { additionalCategories: ["Conections"] } }, /^iothub-404104:diagnostics\.additionalCategories\[0\]: "Conections" is not valid/],
        ["a location with spaces", { location: "West Europe" }, /^iothub-404104:location: "West Europe" is not valid; allowed: an Azure region name/],
    ];
    for (const [what, overrides, message] of cases) {
        it(what, () => {
            expect(errorOf(base(overrides)).message).toMatch(message);
        });
    }
    it("a prod stack without receivers", () => {
        expect(errorOf(base({ receivers: undefined }), "prod").message).toMatch(/^iothub-404104:receivers: \(missing\) is not valid; the "prod" profile requires at least one receiver/);
    });
    it("a stack whose name is not a profile and that sets none", () => {
        expect(errorOf(base(), "qa").message).toMatch(/^iothub-404104:profile: \(missing\) is not valid; required for stack "qa"/);
    });
    it("malformed JSON in a structured value", () => {
        const raw = base();
        raw[`${P}:hubs`] = "[not json";
        expect(errorOf(raw).message).toMatch(/^iothub-404104:hubs: "\[not json" is not valid; allowed: valid JSON/);
    });
});

describe("the config reference", () => {
    it("lists every key the parser accepts, and the parser refuses a key it does not list", () => {
        const keys = CONFIG_KEYS.map((k) => k.key);
        expect(keys).toEqual(["hubs", "resourceGroupName", "location", "profile", "workspace", "receivers", "connectedDevicesAlert", "detections", "diagnostics", "workbook", "platformHealth", "tags"]);
        expect(() => parseStackConfig({ ...base(), [`${P}:alerts`]: "{}" }, P, "dev")).toThrow(/unknown key/);
    });
    it("refuses plain webhooks under the prod profile, as the policy pack's secure-webhooks-in-prod does, and takes them under staging", () => {
        const raw = base({ receivers: { webhooks: [{ name: "chat", url: "https://hooks.contoso.com/abc" }] } });
        expect(errorOf(raw, "prod").message).toMatch(/^iothub-404104:receivers\.webhooks: \["chat"\] is not valid; the "prod" profile requires secure webhooks: give the endpoint as receivers\.secureWebhook/);
        expect(() => parseStackConfig(raw, P, "staging")).not.toThrow();
    });
    it("is true to the code in its required column: the keys marked yes alone make a dev stack, each one left out is refused by name, and each condition holds", () => {
        const full = base();
        const keysWith = (required: string): string[] => CONFIG_KEYS.filter((k) => k.required === required).map((k) => `${P}:${k.key}`);
        const minimal: Record<string, string> = {
            ...Object.fromEntries(keysWith("yes").map((key) => [key, full[key]])),
            // The conditional keys, each met the way its condition allows.
            "azure-native:location": "westeurope",
            [`${P}:connectedDevicesAlert`]: full[`${P}:connectedDevicesAlert`],
        };
        expect(() => parseStackConfig(minimal, P, "dev")).not.toThrow();
        const without = (key: string, from: Record<string, string> = minimal): Record<string, string> => Object.fromEntries(Object.entries(from).filter(([k]) => k !== key));
        for (const key of keysWith("yes")) expect(errorOf(without(key)).message, key).toMatch(new RegExp(`^${key}(\\.[a-zA-Z]+)?: `));
        // location: required unless azure-native:location is set.
        expect(errorOf(without("azure-native:location")).message).toMatch(/^iothub-404104:location: .*required \(or set azure-native:location\)/);
        // profile: required unless the stack is named after one.
        expect(errorOf(minimal, "feature-x").message).toMatch(/^iothub-404104:profile: .*required for stack "feature-x"/);
        // receivers: required by staging and prod, not by dev.
        expect(errorOf(minimal, "prod").message).toMatch(/^iothub-404104:receivers: .*the "prod" profile requires at least one receiver/);
        expect(errorOf(minimal, "staging").message).toMatch(/^iothub-404104:receivers: .*the "staging" profile requires/);
        // connectedDevicesAlert: required unless every hub sets its own or it is disabled.
        expect(errorOf(without(`${P}:connectedDevicesAlert`)).message).toMatch(/^iothub-404104:connectedDevicesAlert(\.[a-zA-Z]+)?: /);
        const ownAlerts = { ...without(`${P}:connectedDevicesAlert`), [`${P}:hubs`]: JSON.stringify([{ id: HUB_A, connectedDevicesAlert: { threshold: 5 } }]) };
        expect(() => parseStackConfig(ownAlerts, P, "dev")).not.toThrow();
        expect(() => parseStackConfig({ ...minimal, [`${P}:connectedDevicesAlert`]: JSON.stringify({ enabled: false }) }, P, "dev")).not.toThrow();
        // Every other key is marked no, and a dev stack runs without it.
        for (const k of CONFIG_KEYS.filter((x) => x.required === "no")) expect(minimal[`${P}:${k.key}`], k.key).toBeUndefined();
    });
});

describe("stack-file mistakes that used to pass or mislead", () => {
    it("refuses a key under a misspelled namespace, with a did-you-mean, and passes the providers' keys over", () => {
        const raw = { ...base(), "iothub-40414:tags": JSON.stringify({ a: "b" }) };
        expect(errorOf(raw).message).toBe(
            'iothub-40414:tags: "iothub-40414" is not valid; unknown namespace (did you mean "iothub-404104:tags"?); allowed: "iothub-404104:<key>" for this program, or a provider\'s (azure-native, azuread, pulumi)',
        );
        expect(() => parseStackConfig({ ...base(), "azure-native:location": "westeurope", "azuread:tenantId": "x", "pulumi:tags": "{}" }, P, "dev")).not.toThrow();
    });
    it("refuses tags given as a list, saying a map is wanted", () => {
        expect(errorOf(base({ tags: ["a", "b"] })).message).toBe('iothub-404104:tags: ["a","b"] is not valid; allowed: a map of tag names to values, e.g. {environment: prod, owner: iot-platform}');
    });
    it("names the config key of a 13-character action group short name", () => {
        expect(errorOf(base({ receivers: { shortName: "IoTHub404104x", emails: [{ name: "o", address: "o@contoso.com" }] } })).message).toBe(
            'iothub-404104:receivers.shortName: "IoTHub404104x" is not valid; allowed: 1 to 12 characters (limit action-group-short-name, azure/limits.ts)',
        );
    });
});

describe("stack files that are empty or not text", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: iothub-404104\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.empty.yaml"), "\n  \n");
    fs.writeFileSync(path.join(dir, "Pulumi.binary.yaml"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]));
    it("says the file is empty", () => {
        expect(() => readStackFile(dir, "empty")).toThrow(new StackFileError('Pulumi.empty.yaml: the file is empty; a stack file is YAML with a "config:" map'));
    });
    it("says the file is not text", () => {
        expect(() => readStackFile(dir, "binary")).toThrow(new StackFileError('Pulumi.binary.yaml: not a text file (it holds binary data); a stack file is YAML with a "config:" map'));
    });
    const write = (stack: string, text: string | Buffer): string => {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
        return stack;
    };
    it.each([
        ["a misspelled top-level key", write("confg", "confg:\n  iothub-404104:resourceGroupName: rg\n"), 'Pulumi.confg.yaml: "confg" is not a key of a stack file (did you mean "config"?); allowed: config, environment, secretsprovider, encryptedkey, encryptionsalt'],
        ["a YAML list", write("list", "- config\n- hubs\n"), 'Pulumi.list.yaml: the file is a YAML list; a stack file is a YAML map with a "config:" key'],
        ["only comments", write("comments", "# nothing yet\n"), 'Pulumi.comments.yaml: the file holds no settings (only comments?); a stack file is YAML with a "config:" map'],
        ["an alias that refers to itself", write("alias", "config:\n  iothub-404104:tags: &x\n    a: *x\n"), "Pulumi.alias.yaml: not valid YAML (an alias refers to the node that holds it)"],
        ["an infinite number", write("inf", "config:\n  iothub-404104:connectedDevicesAlert:\n    threshold: .inf\n"), "Pulumi.inf.yaml: iothub-404104:connectedDevicesAlert.threshold: Infinity is not valid; allowed: a finite number"],
        ["a number too large for a double", write("huge", "config:\n  iothub-404104:connectedDevicesAlert:\n    threshold: 1e400\n"), "Pulumi.huge.yaml: iothub-404104:connectedDevicesAlert.threshold: Infinity is not valid; allowed: a finite number"],
        ["Latin-1 text", write("latin1", Buffer.from("config:\n  iothub-404104:resourceGroupName: r\xe9seau\n", "latin1")), 'Pulumi.latin1.yaml: not UTF-8 text (another encoding, or binary data); a stack file is YAML with a "config:" map, in UTF-8'],
    ])("refuses %s with one line naming the file", (_, stack, message) => {
        expect(() => readStackFile(dir, stack)).toThrow(new StackFileError(message));
    });
    it("names the project file, not a stack file, when Pulumi.yaml is empty", () => {
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "projectfile-"));
        fs.writeFileSync(path.join(other, "Pulumi.yaml"), "");
        expect(() => readStackFile(other, "dev")).toThrow(new StackFileError('Pulumi.yaml: the file is empty; a project file is YAML with a "name:"'));
    });
});

describe("provider keys and namespaces", () => {
    it.each([
        ["azuread:tenantid", 'azuread:tenantid: "tenantid" is not valid; not a config key of the azuread provider (did you mean "azuread:tenantId"?); allowed: '],
        ["azure-native:locaton", 'azure-native:locaton: "locaton" is not valid; not a config key of the azure-native provider (did you mean "azure-native:location"?); allowed: '],
        ["azure:location", 'azure:location: "azure" is not valid; unknown namespace (did you mean "azure-native:location"?)'],
    ])("refuses %s with a did-you-mean from the provider's own config keys", (key, message) => {
        expect(errorOf({ ...base(), [key]: "x" }).message.startsWith(message)).toBe(true);
    });
    it("names each receiver of a repeated name by its config key", () => {
        const raw = base({ receivers: { emails: [{ name: "oncall", address: "a@contoso.com" }], webhooks: [{ name: "oncall", url: "https://hooks.contoso.com/x" }] } });
        expect(errorOf(raw).message).toMatch(/^iothub-404104:receivers\.webhooks\[0\]\.name: "oncall" is not valid; allowed: each entry once; it repeats iothub-404104:receivers\.emails\[0\]\.name$/);
    });
});
