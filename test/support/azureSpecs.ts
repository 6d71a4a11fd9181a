/**
 * Checks azure-native resource inputs against Azure's own published REST API specs (OpenAPI 2.0,
 * vendored byte-exact from Azure/azure-rest-api-specs under `test/fixtures/azure-specs/`, listed in
 * its `SOURCES.json`), for the exact API version each azure-native 3.28.0 resource uses.
 *
 * How a check runs:
 *  1. The Pulumi type token selects the vendored spec file (`SOURCES.json` `resourceTypes`) and the
 *     PUT (create-or-update) operation of the resource in it.
 *  2. The recorded Pulumi inputs are turned into the REST request: inputs named like the PUT's path
 *     parameters go to the URL (and are checked against the parameter's constraints), the rest into
 *     the body. The mapping is derived from the spec, not from a per-resource list: top-level body
 *     properties (location, tags, kind, identity, etag...) stay top level; inputs that are properties
 *     of an `x-ms-client-flatten` property (usually `properties`) go under it, nested flattening too;
 *     a REST property name is also accepted as azure-native spells it (`x-ms-client-name` if any, then
 *     lower camel case across dots: `odata.type` -> `odataType`). Where a top-level property and a
 *     flattened one share a name (Workbook `tags`), the top-level one wins, as in azure-native.
 *     A top-level input that maps nowhere is reported (and `restBody` throws): it is a Pulumi input
 *     Azure would never receive.
 *  3. The body is validated by ajv against a JSON Schema (draft-07) built from the spec:
 *     - `$ref`s are resolved across files (relative paths), recursion through named definitions;
 *     - `allOf` inheritance is flattened into one object schema per model (the OpenAPI/autorest
 *       meaning of `allOf`: the sub-model has the base's properties), so a base's
 *       `additionalProperties` governs the merged model, not only the base's own properties (plain
 *       JSON Schema `allOf` would make MetricAlertCriteria's `additionalProperties: {type: object}`
 *       reject the sub-model's numeric `threshold`);
 *     - polymorphism: a definition with a `discriminator` (own or inherited) whose sub-types are the
 *       definitions of the same file with it in their `allOf` chain; the discriminator value of a
 *       definition is its `x-ms-discriminator-value`, else its name. A value is validated against
 *       the sub-type its discriminator selects; an unknown discriminator value is a violation, and a
 *       property typed as a sub-type with no sub-types of its own must carry that sub-type's value;
 *     - `readOnly` properties (or `x-ms-mutability` without create/update) must not be sent;
 *     - `required`, `type`, `format` (int32, int64, double, float, date-time, date, uuid, uri, url,
 *       byte, duration, arm-id), `maxLength`, `minLength`, `pattern`, `minimum`, `maximum` (OpenAPI 2
 *       boolean `exclusiveMinimum`/`exclusiveMaximum` honoured), `maxItems`, `minItems`,
 *       `uniqueItems`, `x-nullable`;
 *     - `enum`: with `x-ms-enum.modelAsString: true` the enum is extensible (autorest's "the service
 *       may accept values this version does not list"): an unknown value is a WARNING, not a
 *       violation; with `modelAsString: false`, no `x-ms-enum`, or an `x-ms-enum` without
 *       `modelAsString` (its documented default is false) an unknown value is a VIOLATION. The
 *       conformance tests require zero warnings as well for our own resources: we only send values
 *       the API version documents;
 *     - strict mode (always on): an object schema that declares `properties` and says nothing about
 *       `additionalProperties` gets `additionalProperties: false`, so a property the spec does not
 *       know is a violation (a Pulumi input that maps to no REST property is a real bug). Where the
 *       spec states `additionalProperties` (a schema, or `true`) that statement is kept. Because
 *       inheritance is flattened first, this is correct across `allOf` composition (the same effect
 *       `unevaluatedProperties: false` would have under draft 2019-09).
 *  4. Each finding is a string `<Pulumi input path> [REST <body path>] = <value>: <rule> (<spec file>#<pointer>)`.
 *
 * Which stored version of a spec file is vendored matters (the store keeps several per API version):
 * `unmappedSdkInputs` walks the installed SDK's `<Resource>Args` and nested `inputs.*Args`
 * interfaces beside the spec's models and lists what the spec cannot place, so a vendored version
 * older than the one azure-native 3.28.0 was generated from shows up.
 *
 * Workbooks: `workbookSchemaViolations` also validates the `serializedData` JSON against Microsoft's
 * workbook schema (microsoft/Application-Insights-Workbooks `schema/workbook.json`, vendored under
 * `test/fixtures/workbook-schema/`), exactly as that schema states it (draft-07; its `items` is a
 * one-element tuple, so only the first item of the workbook is checked against the item types).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/** Folder of the vendored Azure REST API specs (repository-relative paths beneath it). */
export const SPECS_ROOT = path.resolve(__dirname, "../fixtures/azure-specs");
/** Folder of the vendored workbook schema (repository-relative paths beneath it). */
export const WORKBOOK_SCHEMA_ROOT = path.resolve(__dirname, "../fixtures/workbook-schema");
/** The installed azure-native SDK, whose `.d.ts` files state each resource's REST API version. */
export const AZURE_NATIVE_ROOT = path.resolve(__dirname, "../../node_modules/@pulumi/azure-native");

/** One vendored file and where it came from (an entry of a `SOURCES.json`). */
export interface SpecSource {
    /** GitHub repository, `owner/name`. */
    readonly repo: string;
    /** Path of the file in that repository (and beneath the fixtures folder). */
    readonly path: string;
    /** 40-hex commit of the stored version the file was copied from. */
    readonly commit: string;
    /** `info.version` of the spec, when the file is a resource provider's API spec. */
    readonly apiVersion?: string;
    /** Pulumi type tokens whose PUT operation this file describes. */
    readonly resourceTypes?: readonly string[];
    /** SHA-256 (hex) of the vendored bytes. */
    readonly sha256: string;
    /** Free-text provenance remarks. */
    readonly note?: string;
}

/** Findings of one check: violations (the spec rejects the value) and warnings (extensible enums). */
export interface SpecFindings {
    /** Each: `<input path> [REST <body path>] = <value>: <rule> (<spec source>)`. */
    readonly violations: string[];
    /** Values outside an extensible (`x-ms-enum.modelAsString: true`) enum, same format. */
    readonly warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
    [key: string]: Json;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const asObject = (v: Json | undefined): JsonObject | undefined => (isObject(v) ? (v as JsonObject) : undefined);
const asString = (v: Json | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** SHA-256 (hex) of a file's bytes. */
export function sha256File(file: string): string {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The entries of a `SOURCES.json` (default: the Azure specs'). */
export function readSources(root: string = SPECS_ROOT): SpecSource[] {
    return JSON.parse(fs.readFileSync(path.join(root, "SOURCES.json"), "utf8")) as SpecSource[];
}

// ---------------------------------------------------------------------------------------------
// Registry: type token -> spec file

/**
 * The PUT operation of a type whose spec file has several (locks: by scope, at resource level...).
 * Types not listed use the file's only PUT.
 */
const PUT_OPERATION: Readonly<Record<string, string>> = {
    "azure-native:authorization:ManagementLockByScope": "ManagementLocks_CreateOrUpdateByScope",
    "azure-native:authorization:ManagementLockAtResourceLevel": "ManagementLocks_CreateOrUpdateAtResourceLevel",
};

/**
 * Path parameters azure-native names differently from the spec version it uses (it keeps one name
 * across API versions): Pulumi input -> REST path parameter. Only cases the spec cannot tell.
 */
const PATH_PARAMETER_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    // activityLogAlerts_API.json 2020-10-01 calls it {alertRuleName}; azure-native's input is activityLogAlertName.
    "azure-native:monitor:ActivityLogAlert": { activityLogAlertName: "alertRuleName" },
};

/** Type tokens that have a vendored spec, sorted. */
export function coveredTypes(): string[] {
    return readSources()
        .flatMap((s) => s.resourceTypes ?? [])
        .sort();
}

/** The vendored spec entry of a type token; throws if there is none. */
export function specSourceFor(type: string): SpecSource {
    const source = readSources().find((s) => (s.resourceTypes ?? []).includes(type));
    if (!source) throw new Error(`no vendored Azure REST API spec for ${type} (add it to ${path.join(SPECS_ROOT, "SOURCES.json")})`);
    return source;
}

/** `azure-native:monitor:MetricAlert` -> `node_modules/@pulumi/azure-native/monitor/metricAlert.d.ts`. */
export function azureNativeDts(type: string): string {
    const [pkg, mod, resource] = type.split(":");
    if (pkg !== "azure-native" || !mod || !resource) throw new Error(`not an azure-native resource type: ${type}`);
    return path.join(AZURE_NATIVE_ROOT, mod, `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
}

/** The REST API version the installed azure-native SDK uses for a type ("Uses Azure REST API version X"). */
export function azureNativeApiVersion(type: string): string {
    const m = /Uses Azure REST API version ([0-9A-Za-z-]+)/.exec(fs.readFileSync(azureNativeDts(type), "utf8"));
    if (!m) throw new Error(`no "Uses Azure REST API version" in ${azureNativeDts(type)}`);
    return m[1];
}

/** An input field of an azure-native `Args` interface. */
interface SdkField {
    readonly name: string;
    /** The type text, e.g. `pulumi.Input<pulumi.Input<inputs.monitor.ConditionArgs>[] | undefined>`. */
    readonly type: string;
}

/** The fields of an interface body, at the given indentation (comments skipped, multi-line types joined). */
function sdkFields(body: string, indent: number): SdkField[] {
    const fields: SdkField[] = [];
    const head = new RegExp(`^ {${indent}}(?:readonly )?([A-Za-z_$][\\w$]*)\\??: (.*)$`);
    for (const line of body.split("\n")) {
        const m = head.exec(line);
        if (m) fields.push({ name: m[1], type: m[2] });
        else if (fields.length && line.startsWith(" ".repeat(indent + 4)) && !/^\s*(\/\*\*|\*)/.test(line)) {
            const last = fields.pop() as SdkField;
            fields.push({ name: last.name, type: `${last.type} ${line.trim()}` });
        }
    }
    return fields;
}

/** The top-level inputs (`<Resource>Args`) the installed azure-native SDK declares for a type. */
function azureNativeArgs(type: string): SdkField[] {
    const resource = type.split(":")[2];
    const text = fs.readFileSync(azureNativeDts(type), "utf8");
    const start = text.indexOf(`export interface ${resource}Args {`);
    if (start < 0) throw new Error(`no ${resource}Args in ${azureNativeDts(type)}`);
    return sdkFields(text.slice(start, text.indexOf("\n}", start)), 4);
}

/** Names of the top-level inputs (`<Resource>Args`) the installed azure-native SDK declares for a type. */
export function azureNativeInputNames(type: string): string[] {
    return azureNativeArgs(type).map((f) => f.name);
}

const sdkNamespaces = new Map<string, string>();

/** The fields of `inputs.<module>.<name>` in the installed SDK's `types/input.d.ts`. */
function sdkInterface(module: string, name: string): SdkField[] | undefined {
    let ns = sdkNamespaces.get(module);
    if (ns === undefined) {
        const text = fs.readFileSync(path.join(AZURE_NATIVE_ROOT, "types/input.d.ts"), "utf8");
        const start = text.indexOf(`export declare namespace ${module} {`);
        const end = start < 0 ? -1 : text.indexOf("\nexport declare namespace ", start + 1);
        ns = start < 0 ? "" : text.slice(start, end < 0 ? undefined : end);
        sdkNamespaces.set(module, ns);
    }
    const start = ns.indexOf(`\n    interface ${name} {`);
    if (start < 0) return undefined;
    return sdkFields(ns.slice(start, ns.indexOf("\n    }", start + 1)), 8);
}

// ---------------------------------------------------------------------------------------------
// OpenAPI documents and references

const docs = new Map<string, JsonObject>();

function loadDoc(file: string): JsonObject {
    let doc = docs.get(file);
    if (!doc) {
        if (!fs.existsSync(file)) throw new Error(`spec file not vendored: ${path.relative(SPECS_ROOT, file)}`);
        doc = JSON.parse(fs.readFileSync(file, "utf8")) as JsonObject;
        docs.set(file, doc);
    }
    return doc;
}

/** A schema node and the file it lives in (relative `$ref`s resolve against it). */
interface Located {
    readonly file: string;
    readonly node: JsonObject;
    /** JSON pointer of the node in its file, when it was reached through a `$ref`. */
    readonly pointer?: string;
}

/** The node at a JSON pointer (`/definitions/X/properties/y`, `~1` and `~0` escapes decoded), or `undefined`. */
export function pointerGet(doc: Json, pointer: string): Json | undefined {
    let cur: Json | undefined = doc;
    for (const raw of pointer.split("/").slice(1)) {
        const key = decodeURIComponent(raw.replace(/~1/g, "/").replace(/~0/g, "~"));
        if (Array.isArray(cur)) cur = cur[Number(key)];
        else if (isObject(cur)) cur = (cur as JsonObject)[key];
        else return undefined;
    }
    return cur;
}

function resolveRef(file: string, ref: string): Located {
    const hash = ref.indexOf("#");
    const rel = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? "" : ref.slice(hash + 1);
    const target = rel ? path.resolve(path.dirname(file), rel) : file;
    const node = asObject(pointerGet(loadDoc(target), pointer));
    if (!node) throw new Error(`unresolvable $ref ${ref} in ${path.relative(SPECS_ROOT, file)}`);
    return { file: target, node, pointer };
}

/** Follows `$ref`s until a node without one (siblings of a `$ref` are dropped). */
function deref(loc: Located): Located {
    let cur = loc;
    for (let i = 0; i < 32; i++) {
        const ref = asString(cur.node.$ref);
        if (!ref) return cur;
        cur = resolveRef(cur.file, ref);
    }
    throw new Error(`$ref chain too long at ${cur.pointer}`);
}

const sourceOf = (loc: Located, suffix = ""): string => `${path.basename(loc.file)}#${loc.pointer ?? ""}${suffix}`;

const escapePtr = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Pointer of a child of a located node (`undefined` if the node's own pointer is unknown). */
const childPointer = (loc: Located, rel: string): string | undefined => (loc.pointer === undefined ? undefined : `${loc.pointer}/${rel}`);

const definitionName = (loc: Located): string | undefined => /^\/definitions\/([^/]+)$/.exec(loc.pointer ?? "")?.[1];

// ---------------------------------------------------------------------------------------------
// Models (allOf flattened)

interface PropInfo {
    /** REST name. */
    readonly name: string;
    /** The property's schema node (may hold a `$ref` and siblings) and its file. */
    readonly loc: Located;
    readonly readOnly: boolean;
    readonly flatten: boolean;
    /** Where the property is declared, for messages. */
    readonly source: string;
}

interface Model {
    readonly key: string;
    readonly loc: Located;
    readonly name?: string;
    readonly properties: Map<string, PropInfo>;
    readonly required: Set<string>;
    /** `undefined`: not stated; `true`: open; otherwise the schema of additional properties. */
    readonly additional?: true | Located;
    /** Discriminator property of the hierarchy (own or inherited). */
    readonly discriminator?: string;
    /** Keys of the `allOf` ancestors (transitively). */
    readonly ancestors: Set<string>;
}

const modelCache = new Map<string, Model>();
let inlineModels = 0;
const keyOf = (loc: Located): string => `${loc.file}#${loc.pointer ?? "?"}`;

function isReadOnly(loc: Located): boolean {
    if (loc.node.readOnly === true) return true;
    const mut = loc.node["x-ms-mutability"];
    if (Array.isArray(mut) && !mut.includes("create") && !mut.includes("update")) return true;
    const ref = asString(loc.node.$ref);
    if (ref) {
        try {
            const target = deref(loc);
            return target.node.readOnly === true;
        } catch {
            return false;
        }
    }
    return false;
}

function isModelNode(node: JsonObject): boolean {
    return isObject(node.properties) || Array.isArray(node.allOf) || typeof node.discriminator === "string";
}

/** The model of a schema node: its own properties merged with those of its `allOf` members. */
function modelOf(loc: Located): Model {
    const key = loc.pointer !== undefined ? keyOf(loc) : `${loc.file}#inline-${inlineModels++}`;
    const cached = modelCache.get(key);
    if (cached) return cached;
    const properties = new Map<string, PropInfo>();
    const required = new Set<string>();
    const ancestors = new Set<string>();
    let additional: true | Located | undefined;
    let discriminator: string | undefined;
    const members = Array.isArray(loc.node.allOf) ? loc.node.allOf : [];
    members.forEach((member, i) => {
        const m = asObject(member);
        if (!m) return;
        const memberLoc = asString(m.$ref) ? deref({ file: loc.file, node: m }) : { file: loc.file, node: m, pointer: childPointer(loc, `allOf/${i}`) };
        const base = modelOf(memberLoc);
        if (asString(m.$ref)) ancestors.add(keyOf(memberLoc));
        base.ancestors.forEach((a) => ancestors.add(a));
        base.properties.forEach((p, n) => properties.set(n, p));
        base.required.forEach((r) => required.add(r));
        if (base.additional !== undefined && additional === undefined) additional = base.additional;
        discriminator ??= base.discriminator;
    });
    const props = asObject(loc.node.properties);
    if (props) {
        for (const [name, raw] of Object.entries(props)) {
            const node = asObject(raw);
            if (!node) continue;
            const ploc: Located = { file: loc.file, node, pointer: childPointer(loc, `properties/${escapePtr(name)}`) };
            properties.set(name, {
                name,
                loc: ploc,
                readOnly: isReadOnly(ploc),
                flatten: node["x-ms-client-flatten"] === true,
                source: sourceOf(ploc),
            });
        }
    }
    for (const r of Array.isArray(loc.node.required) ? loc.node.required : []) if (typeof r === "string") required.add(r);
    const ap = loc.node.additionalProperties;
    if (ap === true || (isObject(ap) && Object.keys(ap).length === 0)) additional = true;
    else if (isObject(ap)) additional = { file: loc.file, node: ap as JsonObject, pointer: childPointer(loc, "additionalProperties") };
    if (typeof loc.node.discriminator === "string") discriminator = loc.node.discriminator;
    const model: Model = { key, loc, name: definitionName(loc), properties, required, additional, discriminator, ancestors };
    if (loc.pointer !== undefined) modelCache.set(key, model);
    return model;
}

/** Discriminator value of a definition: `x-ms-discriminator-value`, else its name. */
function discriminatorValueOf(model: Model): string | undefined {
    return asString(model.loc.node["x-ms-discriminator-value"]) ?? model.name;
}

/** Definitions of the model's file that have it among their `allOf` ancestors. */
function subtypesOf(model: Model): Model[] {
    if (!model.discriminator || model.loc.pointer === undefined) return [];
    const defs = asObject(loadDoc(model.loc.file).definitions) ?? {};
    const out: Model[] = [];
    for (const [name, node] of Object.entries(defs)) {
        const n = asObject(node);
        if (!n || !Array.isArray(n.allOf)) continue;
        const sub = modelOf({ file: model.loc.file, node: n, pointer: `/definitions/${name}` });
        if (sub.ancestors.has(model.key)) out.push(sub);
    }
    return out;
}

/** Whether the model is abstract in its hierarchy: a polymorphic base with no value of its own. */
function isAbstractBase(model: Model): boolean {
    return typeof model.loc.node.discriminator === "string" && model.loc.node["x-ms-discriminator-value"] === undefined;
}

/** The concrete models a value typed as `model` may be, by discriminator value. */
function variantsOf(model: Model): Map<string, Model> {
    const variants = new Map<string, Model>();
    if (!model.discriminator) return variants;
    if (!isAbstractBase(model)) {
        const own = discriminatorValueOf(model);
        if (own) variants.set(own, model);
    }
    for (const sub of subtypesOf(model)) {
        const v = discriminatorValueOf(sub);
        if (v && !isAbstractBase(sub)) variants.set(v, sub);
    }
    return variants;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 2.0 -> JSON Schema (draft-07)

/** Formats checked (ajv-formats, plus `duration` and `arm-id` below); any other `format` is not checked. */
const CHECKED_FORMATS = new Set(["int32", "int64", "float", "double", "date-time", "date", "uuid", "uri", "url", "byte", "duration", "arm-id"]);

/**
 * ISO 8601 duration as ARM (.NET `XmlConvert.ToTimeSpan`) reads it: PnYnMnWnDTnHnMnS with at least
 * one part, fractional seconds allowed: `PT5M`, `P1D`, `PT1H`, `P2D`, `PT0.5S`.
 */
export const ISO8601_DURATION = /^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

class SchemaBuilder {
    readonly definitions: Record<string, JsonObject> = {};
    private readonly names = new Map<string, string>();

    /** A `$ref` to the (polymorphic or concrete) schema of a definition. */
    refTo(loc: Located): JsonObject {
        const key = keyOf(loc);
        let name = this.names.get(key);
        if (!name) {
            name = `d${this.names.size}_${(definitionName(loc) ?? "anon").replace(/[^\w]/g, "_")}`;
            this.names.set(key, name);
            this.definitions[name] = {};
            this.definitions[name] = this.definitionSchema(loc);
        }
        return { $ref: `#/definitions/${name}` };
    }

    private definitionSchema(loc: Located): JsonObject {
        if (!isModelNode(loc.node)) return this.schema(loc);
        const model = modelOf(loc);
        const variants = variantsOf(model);
        const hasSubtypes = [...variants.values()].some((v) => v.key !== model.key);
        if (model.discriminator && hasSubtypes) return this.dispatch(model, variants);
        // A member of a hierarchy without sub-types of its own must carry its own discriminator value.
        return this.modelSchema(model, variants.size > 0 ? [...variants.keys()] : undefined);
    }

    /** Validate by the sub-type the discriminator selects; an unknown value is a violation. */
    private dispatch(model: Model, variants: Map<string, Model>): JsonObject {
        const disc = model.discriminator as string;
        const branches: Json[] = [];
        for (const [value, variant] of variants) {
            const name = `${this.refTo(variant.loc).$ref as string}`.replace("#/definitions/", "");
            const concrete = `${name}__as_${value.replace(/[^\w]/g, "_")}`;
            this.definitions[concrete] = this.modelSchema(variant, [value]);
            branches.push({ if: { properties: { [disc]: { const: value } }, required: [disc] }, then: { $ref: `#/definitions/${concrete}` } });
        }
        return {
            "x-source": sourceOf(model.loc),
            type: "object",
            required: [disc],
            properties: { [disc]: { "x-source": sourceOf(model.loc, `/properties/${disc}`), discriminatorValues: [...variants.keys()] } },
            allOf: branches,
        };
    }

    /** One object schema for a model (inheritance flattened), strict unless the spec opens it. */
    private modelSchema(model: Model, discriminatorValues?: string[]): JsonObject {
        const properties: JsonObject = {};
        for (const [name, p] of model.properties) {
            if (p.readOnly) {
                properties[name] = { "x-source": p.source, readOnlyProperty: true };
                continue;
            }
            let s = this.schema(p.loc);
            if (discriminatorValues && name === model.discriminator) s = { allOf: [s, { "x-source": p.source, discriminatorValues }] };
            properties[name] = s;
        }
        const out: JsonObject = { "x-source": sourceOf(model.loc), type: "object", properties };
        const required = [...model.required].filter((r) => !model.properties.get(r)?.readOnly);
        if (discriminatorValues && model.discriminator && !required.includes(model.discriminator)) required.push(model.discriminator);
        if (required.length) out.required = required;
        if (model.additional === true) out.additionalProperties = true;
        else if (model.additional) out.additionalProperties = this.schema(model.additional);
        else if (model.properties.size > 0) out.additionalProperties = false; // strict mode
        return out;
    }

    /** JSON Schema for any OpenAPI schema node. */
    schema(loc: Located, source: string = sourceOf(loc)): JsonObject {
        const node = loc.node;
        const ref = asString(node.$ref);
        if (ref) {
            const target = resolveRef(loc.file, ref);
            const base = definitionName(target) !== undefined ? this.refTo(target) : this.schema(target);
            // Siblings of a $ref that constrain (e.g. `required` beside a flattened `properties` $ref) still apply.
            const siblings: JsonObject = {};
            for (const [k, v] of Object.entries(node)) if (CONSTRAINING_SIBLINGS.has(k)) siblings[k] = v;
            if (Object.keys(siblings).length === 0) return base;
            return { allOf: [base, this.schema({ file: loc.file, node: siblings, pointer: loc.pointer }, source)] };
        }
        if (isObject(node.properties) || Array.isArray(node.allOf)) return this.modelSchema(modelOf(loc), undefined);

        const out: JsonObject = { "x-source": source };
        const type = asString(node.type);
        if (type && type !== "file") out.type = node["x-nullable"] === true ? [type, "null"] : type;
        const format = asString(node.format);
        if (format && CHECKED_FORMATS.has(format)) out.format = format === "url" ? "uri" : format;
        if (Array.isArray(node.enum)) {
            const xmsEnum = asObject(node["x-ms-enum"]);
            if (xmsEnum?.modelAsString === true) out.extensibleEnum = node.enum;
            else out.enum = node.enum;
        }
        for (const k of ["minLength", "maxLength", "pattern", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"]) {
            if (node[k] !== undefined) out[k] = node[k];
        }
        if (Array.isArray(node.required)) out.required = node.required; // (a parameter's `required: true` is not a schema rule)
        if (typeof node.minimum === "number") out[node.exclusiveMinimum === true ? "exclusiveMinimum" : "minimum"] = node.minimum;
        if (typeof node.maximum === "number") out[node.exclusiveMaximum === true ? "exclusiveMaximum" : "maximum"] = node.maximum;
        const items = asObject(node.items);
        if (items) out.items = this.schema({ file: loc.file, node: items, pointer: childPointer(loc, "items") });
        const ap = node.additionalProperties;
        if (isObject(ap) && Object.keys(ap).length > 0) {
            out.additionalProperties = this.schema({ file: loc.file, node: ap as JsonObject, pointer: childPointer(loc, "additionalProperties") });
        }
        return out;
    }
}

/** Siblings of a `$ref` that still constrain the value (the rest are documentation or SDK hints). */
const CONSTRAINING_SIBLINGS = new Set(["required", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems", "format"]);

// ---------------------------------------------------------------------------------------------
// ajv

function newAjv(): Ajv {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, unicodeRegExp: false, validateFormats: true });
    addFormats(ajv, ["date-time", "date", "uuid", "uri", "byte", "int32", "int64", "float", "double"]);
    ajv.addFormat("duration", ISO8601_DURATION);
    ajv.addFormat("arm-id", /^\/\S+$/);
    ajv.addKeyword({ keyword: "x-source", schemaType: "string" });
    ajv.addKeyword({ keyword: "extensibleEnum", schemaType: "array", validate: (schema: unknown[], data: unknown) => schema.some((v) => v === data) });
    ajv.addKeyword({ keyword: "discriminatorValues", schemaType: "array", validate: (schema: unknown[], data: unknown) => schema.includes(data) });
    ajv.addKeyword({ keyword: "readOnlyProperty", schemaType: "boolean", validate: () => false });
    return ajv;
}

// ---------------------------------------------------------------------------------------------
// The PUT operation of a type

interface Parameter {
    readonly name: string;
    readonly in: string;
    readonly loc: Located;
}

interface PutOperation {
    readonly type: string;
    readonly file: string;
    readonly operationId: string;
    readonly parameters: Parameter[];
    readonly body: Located;
}

function putOperation(type: string): PutOperation {
    const file = path.join(SPECS_ROOT, specSourceFor(type).path);
    const doc = loadDoc(file);
    const puts: { op: JsonObject; pathParams: Json[] }[] = [];
    for (const item of Object.values(asObject(doc.paths) ?? {})) {
        const it = asObject(item);
        const put = asObject(it?.put);
        if (put) puts.push({ op: put, pathParams: Array.isArray(it?.parameters) ? it.parameters : [] });
    }
    const wanted = PUT_OPERATION[type];
    const chosen = wanted ? puts.filter((p) => p.op.operationId === wanted) : puts;
    if (chosen.length !== 1) throw new Error(`${type}: expected one PUT operation${wanted ? ` ${wanted}` : ""} in ${path.basename(file)}, found ${chosen.length}`);
    const { op, pathParams } = chosen[0];
    const parameters: Parameter[] = [];
    let body: Located | undefined;
    for (const raw of [...pathParams, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = asObject(raw);
        if (!p) continue;
        const loc = asString(p.$ref) ? resolveRef(file, p.$ref as string) : { file, node: p };
        const name = asString(loc.node.name) ?? "";
        const where = asString(loc.node.in) ?? "";
        if (where === "body") body = { file: loc.file, node: asObject(loc.node.schema) ?? {} };
        else parameters.push({ name, in: where, loc });
    }
    if (!body) throw new Error(`${type}: the PUT operation has no body`);
    return { type, file, operationId: asString(op.operationId) ?? "?", parameters, body };
}

// ---------------------------------------------------------------------------------------------
// Pulumi inputs -> REST request

/** `odata.type` -> `odataType`; `MechanismType` -> `mechanismType`. */
export function pulumiName(restName: string): string {
    const parts = restName.split(/[^A-Za-z0-9]+/).filter(Boolean);
    if (parts.length === 0) return restName;
    return parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1))).join("");
}

function inputNamesOf(p: PropInfo): string[] {
    const clientName = asString(p.loc.node["x-ms-client-name"]);
    return [...new Set([p.name, pulumiName(clientName ?? p.name)])];
}

/** REST route of each input name accepted by a model: direct properties first, then flattened ones. */
function inputRoutes(model: Model, depth = 0): Map<string, PropInfo[]> {
    const routes = new Map<string, PropInfo[]>();
    for (const p of model.properties.values()) if (!p.flatten) for (const n of inputNamesOf(p)) routes.set(n, [p]);
    if (depth > 8) return routes;
    for (const p of model.properties.values()) {
        if (!p.flatten) continue;
        const target = deref(p.loc);
        if (!isModelNode(target.node)) continue;
        for (const [n, route] of inputRoutes(modelOf(target), depth + 1)) if (!routes.has(n)) routes.set(n, [p, ...route]);
    }
    return routes;
}

interface Mapping {
    readonly body: Record<string, unknown>;
    readonly pathValues: Record<string, unknown>;
    /** REST JSON pointer -> Pulumi input path, for every node placed in the body. */
    readonly origins: Map<string, string>;
    /** Inputs that map to nothing. */
    readonly problems: string[];
}

const joinPulumi = (base: string, key: string | number): string => (typeof key === "number" ? `${base}[${key}]` : base ? `${base}.${key}` : key);

class InputMapper {
    readonly origins = new Map<string, string>();
    readonly problems: string[] = [];

    value(loc: Located, value: unknown, ptr: string, pulumiPath: string): unknown {
        this.origins.set(ptr, pulumiPath);
        if (value === null || value === undefined) return value;
        let target: Located;
        try {
            target = deref(loc);
        } catch {
            return value; // e.g. a read-only property whose $ref does not resolve: validation reports it
        }
        const node = target.node;
        if (Array.isArray(value)) {
            const items = asObject(node.items);
            const itemsLoc: Located | undefined = items && { file: target.file, node: items, pointer: childPointer(target, "items") };
            return value.map((v, i) => (itemsLoc ? this.value(itemsLoc, v, `${ptr}/${i}`, joinPulumi(pulumiPath, i)) : v));
        }
        if (!isObject(value)) return value;
        if (isModelNode(node)) return this.model(modelOf(target), value, ptr, pulumiPath);
        const ap = asObject(node.additionalProperties);
        if (ap && Object.keys(ap).length > 0) {
            const out: Record<string, unknown> = {};
            const apLoc: Located = { file: target.file, node: ap, pointer: childPointer(target, "additionalProperties") };
            for (const [k, v] of Object.entries(value)) out[k] = this.value(apLoc, v, `${ptr}/${escapePtr(k)}`, joinPulumi(pulumiPath, k));
            return out;
        }
        for (const k of Object.keys(value)) this.origins.set(`${ptr}/${escapePtr(k)}`, joinPulumi(pulumiPath, k));
        return value;
    }

    model(model: Model, value: Record<string, unknown>, ptr: string, pulumiPath: string, root = false): Record<string, unknown> {
        let m = model;
        if (model.discriminator) {
            const disc = model.discriminator;
            const given = value[disc] ?? value[pulumiName(disc)];
            const variant = typeof given === "string" ? variantsOf(model).get(given) : undefined;
            if (variant) m = variant;
        }
        const routes = inputRoutes(m);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (v === undefined) continue;
            const route = routes.get(k);
            if (!route) {
                if (root) {
                    this.problems.push(`${joinPulumi(pulumiPath, k)} = ${show(v)}: input maps to no REST property or parameter of ${m.name ?? "the body"} (${sourceOf(m.loc)})`);
                    continue;
                }
                out[k] = v; // kept as sent, so that validation reports the unknown property
                this.origins.set(`${ptr}/${escapePtr(k)}`, joinPulumi(pulumiPath, k));
                continue;
            }
            let container = out;
            let cptr = ptr;
            for (const hop of route.slice(0, -1)) {
                cptr = `${cptr}/${escapePtr(hop.name)}`;
                if (!isObject(container[hop.name])) container[hop.name] = {};
                container = container[hop.name] as Record<string, unknown>;
                this.origins.set(cptr, pulumiPath); // flattened: its inputs sit at the parent's level
            }
            const last = route[route.length - 1];
            container[last.name] = this.value(last.loc, v, `${cptr}/${escapePtr(last.name)}`, joinPulumi(pulumiPath, k));
        }
        return out;
    }
}

function mapInputs(type: string, inputs: Record<string, unknown>): Mapping & { op: PutOperation } {
    const op = putOperation(type);
    const aliases = PATH_PARAMETER_ALIASES[type] ?? {};
    const pathNames = new Set(op.parameters.filter((p) => p.in === "path").map((p) => p.name));
    const queryNames = new Set(op.parameters.filter((p) => p.in === "query" && p.name !== "api-version").map((p) => p.name));
    const bodyLoc = deref(op.body);
    const bodyModel = modelOf(bodyLoc);
    const routes = inputRoutes(bodyModel);
    const pathValues: Record<string, unknown> = {};
    const bodyInputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) {
        const restName = aliases[k] ?? k;
        if (pathNames.has(restName)) pathValues[restName] = v;
        else if (queryNames.has(k) && !routes.has(k)) continue; // a query parameter only
        else bodyInputs[k] = v;
    }
    const mapper = new InputMapper();
    const body = mapper.model(bodyModel, bodyInputs, "", "", true);
    mapper.origins.set("", "");
    return { op, body, pathValues, origins: mapper.origins, problems: mapper.problems };
}

/**
 * The REST PUT body azure-native sends for a resource's inputs (path parameters removed,
 * flattened inputs nested back under `properties`, `odataType` -> `odata.type`...).
 * Throws if an input maps to no REST property or parameter.
 */
export function restBody(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const m = mapInputs(type, inputs);
    if (m.problems.length) throw new Error(`${type}: ${m.problems.join("; ")}`);
    return m.body;
}

// ---------------------------------------------------------------------------------------------
// Validation

interface Compiled {
    readonly validate: ValidateFunction;
    readonly op: PutOperation;
}

const compiled = new Map<string, Compiled>();
let sharedAjv: Ajv | undefined;

function compile(type: string): Compiled {
    let c = compiled.get(type);
    if (!c) {
        const op = putOperation(type);
        const builder = new SchemaBuilder();
        const root = builder.schema(op.body, `${path.basename(op.file)}#${op.operationId}`);
        const schema: JsonObject = { $id: `urn:azure-spec:${type}`, definitions: builder.definitions, ...root };
        sharedAjv ??= newAjv();
        c = { validate: sharedAjv.compile(schema), op };
        compiled.set(type, c);
    }
    return c;
}

function show(v: unknown): string {
    if (v === undefined) return "(absent)";
    const s = JSON.stringify(v);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function pointerParts(ptr: string): string[] {
    return ptr === "" ? [] : ptr.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function restPathOf(ptr: string): string {
    let out = "";
    for (const part of pointerParts(ptr)) {
        if (/^\d+$/.test(part)) out = `${out}[${part}]`;
        else if (!/^[A-Za-z_$][\w$]*$/.test(part)) out = `${out}[${JSON.stringify(part)}]`;
        else out = out ? `${out}.${part}` : part;
    }
    return out;
}

function pulumiPathRaw(ptr: string, origins: Map<string, string>): string {
    const known = origins.get(ptr);
    if (known !== undefined) return known;
    if (ptr === "") return "";
    const i = ptr.lastIndexOf("/");
    const last = ptr.slice(i + 1).replace(/~1/g, "/").replace(/~0/g, "~");
    return joinPulumi(pulumiPathRaw(ptr.slice(0, i), origins), /^\d+$/.test(last) ? Number(last) : pulumiName(last));
}

/** The Pulumi input path of a REST body node (its origin, or derived from its parent's for an absent one). */
function pulumiPathOf(ptr: string, origins: Map<string, string>): string {
    return pulumiPathRaw(ptr, origins) || "(inputs)";
}

function describe(e: ErrorObject): string {
    const schema = e.schema as unknown;
    switch (e.keyword) {
        case "required":
            return `required property ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)} is missing`;
        case "additionalProperties":
            return "property not defined by the spec (additionalProperties: false)";
        case "enum":
            return `not one of ${JSON.stringify(schema)} (enum)`;
        case "extensibleEnum":
            return `not one of the values this API version lists ${JSON.stringify(schema)} (x-ms-enum modelAsString: true: extensible)`;
        case "discriminatorValues":
            return `unknown discriminator value (allowed here: ${JSON.stringify(schema)})`;
        case "readOnlyProperty":
            return "read-only property must not be sent";
        case "type":
            return `must be ${JSON.stringify(schema)} (type)`;
        case "format":
            return `not a valid ${JSON.stringify(schema)} (format)`;
        default:
            return `${e.message ?? "invalid"} (${e.keyword}: ${JSON.stringify(schema)})`;
    }
}

function findingsOf(errors: ErrorObject[], origins: Map<string, string>): SpecFindings {
    const violations: string[] = [];
    const warnings: string[] = [];
    for (const e of errors) {
        if (e.keyword === "if" || e.keyword === "allOf" || e.keyword === "anyOf") continue;
        let ptr = e.instancePath;
        let value: unknown = e.data;
        if (e.keyword === "required") {
            ptr = `${ptr}/${escapePtr((e.params as { missingProperty: string }).missingProperty)}`;
            value = undefined;
        } else if (e.keyword === "additionalProperties") {
            const extra = (e.params as { additionalProperty: string }).additionalProperty;
            ptr = `${ptr}/${escapePtr(extra)}`;
            value = isObject(e.data) ? e.data[extra] : undefined;
        }
        const parent = e.parentSchema as Record<string, unknown> | undefined;
        const source = typeof parent?.["x-source"] === "string" ? ` (${parent["x-source"]})` : "";
        const line = `${pulumiPathOf(ptr, origins)} [REST ${restPathOf(ptr) || "(body)"}] = ${show(value)}: ${describe(e)}${source}`;
        (e.keyword === "extensibleEnum" ? warnings : violations).push(line);
    }
    return { violations: [...new Set(violations)], warnings: [...new Set(warnings)] };
}

const parameterValidators = new Map<string, ValidateFunction>();

function pathParameterFindings(op: PutOperation, values: Record<string, unknown>, aliases: Record<string, string>): string[] {
    const out: string[] = [];
    const back = Object.fromEntries(Object.entries(aliases).map(([pulumi, rest]) => [rest, pulumi]));
    for (const p of op.parameters) {
        if (p.in !== "path" || !(p.name in values)) continue;
        const key = `${op.type}#${p.name}`;
        let validate = parameterValidators.get(key);
        if (!validate) {
            sharedAjv ??= newAjv();
            validate = sharedAjv.compile(new SchemaBuilder().schema(p.loc));
            parameterValidators.set(key, validate);
        }
        const v = values[p.name];
        if (validate(v)) continue;
        const where = p.loc.pointer ? `${path.basename(p.loc.file)}#${p.loc.pointer}` : `${path.basename(op.file)} ${op.operationId}`;
        for (const e of validate.errors ?? []) out.push(`${back[p.name] ?? p.name} [REST path parameter {${p.name}}] = ${show(v)}: ${describe(e)} (${where})`);
    }
    return out;
}

/**
 * Violations and warnings of a resource's inputs against the vendored REST API spec of its type:
 * the PUT body the inputs become, and the path parameters they name.
 */
export function specFindings(type: string, inputs: Record<string, unknown>): SpecFindings {
    const { validate, op } = compile(type);
    const m = mapInputs(type, inputs);
    const valid = validate(m.body);
    const found = valid ? { violations: [], warnings: [] } : findingsOf(validate.errors ?? [], m.origins);
    return {
        violations: [...m.problems, ...pathParameterFindings(op, m.pathValues, PATH_PARAMETER_ALIASES[type] ?? {}), ...found.violations],
        warnings: found.warnings,
    };
}

/** What the spec rejects in a resource's inputs (empty when Azure's spec accepts them). */
export function specViolations(type: string, inputs: Record<string, unknown>): string[] {
    return specFindings(type, inputs).violations;
}

/** Values outside an extensible enum (`x-ms-enum.modelAsString: true`) in a resource's inputs. */
export function specWarnings(type: string, inputs: Record<string, unknown>): string[] {
    return specFindings(type, inputs).warnings;
}

/**
 * Inputs the installed azure-native SDK declares for a type (its `<Resource>Args`, and the nested
 * `inputs.<module>.*Args` interfaces they use, walked beside the spec's models) that the vendored
 * spec cannot place, as paths such as `criteria.allOf[].minRecurrenceCount`. Empty when the
 * vendored spec version is the one the SDK was generated from (or a superset of it).
 */
export function unmappedSdkInputs(type: string): string[] {
    const module = type.split(":")[1];
    const op = putOperation(type);
    const aliases = PATH_PARAMETER_ALIASES[type] ?? {};
    const params = new Set(op.parameters.filter((p) => p.in !== "body").map((p) => p.name));
    const out: string[] = [];
    const seen = new Set<string>();
    const walk = (fields: SdkField[], model: Model, prefix: string, root: boolean): void => {
        const routes = inputRoutes(model);
        for (const f of fields) {
            const route = routes.get(f.name);
            if (!route) {
                if (!(root && params.has(aliases[f.name] ?? f.name))) out.push(`${prefix}${f.name}`);
                continue;
            }
            let target = deref(route[route.length - 1].loc);
            let suffix = "";
            for (let i = 0; i < 4; i++) {
                const items = asObject(target.node.items);
                const ap = asObject(target.node.additionalProperties);
                if (target.node.type === "array" && items) {
                    target = deref({ file: target.file, node: items, pointer: childPointer(target, "items") });
                    suffix += "[]";
                } else if (!isModelNode(target.node) && ap && Object.keys(ap).length > 0) {
                    target = deref({ file: target.file, node: ap, pointer: childPointer(target, "additionalProperties") });
                    suffix += "{}";
                } else break;
            }
            if (!isModelNode(target.node)) continue;
            const base = modelOf(target);
            for (const [, iface] of f.type.matchAll(new RegExp(`inputs\\.${module}\\.(\\w+)`, "g"))) {
                const nested = sdkInterface(module, iface);
                if (!nested) continue;
                let m = base;
                if (base.discriminator) {
                    const disc = nested.find((x) => x.name === pulumiName(base.discriminator as string) || x.name === base.discriminator);
                    const literal = disc && /"([^"]+)"/.exec(disc.type)?.[1];
                    m = (literal && variantsOf(base).get(literal)) || base;
                }
                const key = `${iface}|${m.key}`;
                if (seen.has(key)) continue;
                seen.add(key);
                walk(nested, m, `${prefix}${f.name}${suffix}.`, false);
            }
        }
    };
    walk(azureNativeArgs(type), modelOf(deref(op.body)), "", true);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Workbook content

let workbookValidate: ValidateFunction | undefined;

/** The vendored workbook schema file. */
export const WORKBOOK_SCHEMA_FILE = path.join(WORKBOOK_SCHEMA_ROOT, "schema/workbook.json");

/**
 * Violations of a workbook's `serializedData` against Microsoft's workbook schema
 * (`schema/workbook.json`), as that schema states them; `[]` when it conforms.
 * A string that is not JSON is one violation.
 */
export function workbookSchemaViolations(serializedData: string): string[] {
    let data: unknown;
    try {
        data = JSON.parse(serializedData);
    } catch (e) {
        return [`serializedData: not JSON (${(e as Error).message})`];
    }
    if (!workbookValidate) {
        const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, unicodeRegExp: false });
        addFormats(ajv);
        workbookValidate = ajv.compile(JSON.parse(fs.readFileSync(WORKBOOK_SCHEMA_FILE, "utf8")) as JsonObject);
    }
    if (workbookValidate(data)) return [];
    const out = new Set<string>();
    for (const e of workbookValidate.errors ?? []) {
        let at = e.instancePath;
        if (e.keyword === "required") at = `${at}/${(e.params as { missingProperty: string }).missingProperty}`;
        const value = e.keyword === "required" ? undefined : e.data;
        const rest = restPathOf(at);
        out.add(`serializedData${rest === "" ? "" : rest.startsWith("[") ? rest : `.${rest}`} = ${show(value)}: ${e.message ?? e.keyword} (workbook.json${e.schemaPath})`);
    }
    return [...out];
}

// ---------------------------------------------------------------------------------------------
// Any schema of a vendored spec (the data plane's request and response shapes)

const pointerValidators = new Map<string, ValidateFunction>();

/**
 * Violations of `value` against the schema at `pointer` of a vendored spec file (a definition, a
 * parameter, an operation's body or response schema), built as for the resources above: `$ref`s
 * resolved, `allOf` flattened, strict where the spec declares properties, formats and enums checked.
 * Each violation is `<instance path> = <value>: <rule> (<spec source>)`; `ignore` drops violations
 * the caller states a reason for (matched on the instance path and the keyword).
 */
export function specValueViolations(specPath: string, pointer: string, value: unknown, ignore?: (instancePath: string, keyword: string) => boolean): string[] {
    const file = path.join(SPECS_ROOT, specPath);
    const key = `${file}#${pointer}`;
    let validate = pointerValidators.get(key);
    if (!validate) {
        const node = asObject(pointerGet(loadDoc(file), pointer));
        if (!node) throw new Error(`no schema at ${pointer} in ${specPath}`);
        const builder = new SchemaBuilder();
        const root = builder.schema({ file, node, pointer }, `${path.basename(file)}#${pointer}`);
        sharedAjv ??= newAjv();
        validate = sharedAjv.compile({ $id: `urn:azure-spec:${key}`, definitions: builder.definitions, ...root });
        pointerValidators.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? [])
        .filter((e) => !["if", "allOf", "anyOf"].includes(e.keyword) && !(ignore?.(e.instancePath, e.keyword) ?? false))
        .map((e) => `${e.instancePath || "/"} = ${show(e.keyword === "required" ? undefined : e.data)}: ${describe(e)} (${String((e.parentSchema as { "x-source"?: string } | undefined)?.["x-source"] ?? specPath)})`);
}
